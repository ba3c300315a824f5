// The recorder: every valid fsbus message stored once, committed in groups; a message counts as
// recorded (and its PUBACK may leave) only once its group is committed.
import { tryParseTopic, type DecodedMessage, type MessageOf, type Stream } from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import type { SeqTrack } from './seq-tracker.js';
import type { ArrivedMessage, RecorderStore } from './store.js';

export interface RecorderOptions {
  readonly store: RecorderStore;
  /** Messages wait at most this long for their group's commit, ms. */
  readonly commitWindowMs: number;
  /** A group this large commits at once, without waiting for the window (default 2,000). */
  readonly maxBatch?: number;
  readonly logger?: Logger;
  /** Milliseconds: when a status is received. */
  readonly now?: () => number;
}

/** What became of one message: stored now, already stored (a re-send), or not an fsbus fact. */
export type Recorded = 'new' | 'duplicate' | 'not_recorded';

/** Called once a message is committed, or with the error that kept it out. */
export type RecordedCallback = (error: Error | null, recorded: Recorded) => void;

/** A message waiting for its group's commit: only what the broker holds anyway until its PUBACK. */
interface Pending extends ArrivedMessage {
  readonly topic: string;
  readonly done: RecordedCallback;
}

export class Recorder {
  readonly #store: RecorderStore;
  readonly #windowMs: number;
  readonly #maxBatch: number;
  readonly #log: Logger | undefined;
  readonly #now: () => number;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The timer set commits at once (a full batch waits). */
  #flushingNow = false;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #counts = {
    recorded: 0,
    duplicates: 0,
    commits: 0,
    commit_failures: 0,
  };

  constructor(options: RecorderOptions) {
    this.#store = options.store;
    this.#windowMs = options.commitWindowMs;
    this.#maxBatch = options.maxBatch ?? 2000;
    this.#log = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Records one message that passed its schema, with what the broker's judge decoded it to
   * (else it is parsed here). `done` follows its commit: `new`, or `duplicate` when its id was
   * already recorded (a bus re-sending after a crash); or an error, and the message is not
   * recorded. It comes at once for what is no fsbus fact (`not_recorded`: an empty retained
   * payload clearing a state), and for an error when the recorder is stopped.
   */
  record(
    topic: string,
    payload: Buffer,
    decoded: DecodedMessage | undefined,
    done: RecordedCallback,
  ): void {
    if (this.#closed) {
      done(new Error('the recorder is stopped'), 'not_recorded');
      return;
    }
    let stream = decoded?.stream;
    let message = decoded?.message;
    if (!stream || !message) {
      stream = tryParseTopic(topic)?.stream;
      if (!stream || payload.byteLength === 0) {
        done(null, 'not_recorded');
        return;
      }
      try {
        message = JSON.parse(payload.toString('utf8')) as MessageOf<Stream>;
      } catch (error) {
        done(error as Error, 'not_recorded');
        return;
      }
    }
    const receivedAt = stream === 'status' ? this.#now() : 0;
    this.#pending.push({ topic, stream, message, payload, receivedAt, done });
    if (this.#pending.length >= this.#maxBatch) this.#flushSoon(0);
    else this.#flushSoon(this.#windowMs);
  }

  /** Seq tracks of every bus, publisher and stream, as committed. */
  tracks(): Promise<SeqTrack[]> {
    return this.#store.tracks();
  }

  stats(): Record<string, number> {
    return { ...this.#counts, pending: this.#pending.length };
  }

  /** Commits what waits, then closes the store. */
  async stop(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#flush();
    await this.#writing;
    await this.#store.close();
  }

  /** Commits what waits after `delayMs`, or sooner if a sooner commit is already set. */
  #flushSoon(delayMs: number): void {
    if (this.#timer !== undefined && (delayMs > 0 || this.#flushingNow)) return;
    clearTimeout(this.#timer);
    this.#flushingNow = delayMs === 0;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushingNow = false;
      this.#flush();
    }, delayMs);
  }

  /** Starts writing what waits, after the write under way (one transaction at a time). */
  #flush(): void {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#writing = this.#writing.then(() => this.#write(batch));
  }

  async #write(batch: readonly Pending[]): Promise<void> {
    let fresh: boolean[];
    try {
      fresh = await this.#store.write(batch);
    } catch (error) {
      this.#counts.commit_failures += 1;
      if (batch.length > 1) {
        // One message the database refuses must not hold back the others (of every bus): each
        // is tried again on its own, and only what fails again is refused.
        this.#log?.warn(
          { err: error, messages: batch.length },
          'recorder commit failed: trying its messages one by one',
        );
        for (const pending of batch) await this.#write([pending]);
        return;
      }
      this.#log?.error(
        { err: error, topic: batch[0]?.topic },
        'recorder commit failed: the message is not acknowledged, its sender sends it again',
      );
      for (const pending of batch) this.#settle(pending, error as Error, 'not_recorded');
      return;
    }
    this.#counts.commits += 1;
    batch.forEach((pending, index) => {
      if (fresh[index]) this.#counts.recorded += 1;
      else this.#counts.duplicates += 1;
      this.#settle(pending, null, fresh[index] === true ? 'new' : 'duplicate');
    });
  }

  /** Tells a message's sender; a callback that throws must not keep the rest of its batch waiting. */
  #settle(pending: Pending, error: Error | null, recorded: Recorded): void {
    try {
      pending.done(error, recorded);
    } catch (thrown) {
      this.#log?.error({ err: thrown }, 'recorder: a commit callback failed');
    }
  }
}
