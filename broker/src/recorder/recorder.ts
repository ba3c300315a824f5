// The recorder: every valid fsbus message stored once, committed in groups; a message counts as
// recorded (and its PUBACK may leave) only once its group is committed.
import { tryParseTopic, type MessageOf, type Stream } from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import { advance, startTrack, trackKey, type SeqTrack } from './seq-tracker.js';
import type { PreparedMessage, RecorderStore } from './store.js';
import { rowsOf } from './tables.js';

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

interface Pending {
  readonly message: PreparedMessage;
  readonly resolve: (recorded: Recorded) => void;
  readonly reject: (error: Error) => void;
}

export class Recorder {
  readonly #store: RecorderStore;
  readonly #windowMs: number;
  readonly #maxBatch: number;
  readonly #log: Logger | undefined;
  readonly #now: () => number;
  readonly #tracks = new Map<string, SeqTrack>();
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

  private constructor(options: RecorderOptions, tracks: readonly SeqTrack[]) {
    this.#store = options.store;
    this.#windowMs = options.commitWindowMs;
    this.#maxBatch = options.maxBatch ?? 2000;
    this.#log = options.logger;
    this.#now = options.now ?? Date.now;
    for (const track of tracks)
      this.#tracks.set(trackKey(track.busId, track.source, track.stream), track);
  }

  /** A recorder on a store, carrying on its seq tracks. */
  static async open(options: RecorderOptions): Promise<Recorder> {
    return new Recorder(options, await options.store.tracks());
  }

  /**
   * Records one message that passed its schema (the broker's judge, which may hand over what it
   * decoded). Resolves once committed:
   * `new`, or `duplicate` when its id was already recorded (a bus re-sending after a crash);
   * `not_recorded` at once for what is no fsbus fact (an empty retained payload clearing a
   * state). Rejects when the commit fails; the message is then not recorded.
   */
  record(topic: string, payload: Buffer, decoded?: MessageOf<Stream>): Promise<Recorded> {
    if (this.#closed) return Promise.reject(new Error('the recorder is stopped'));
    const parts = tryParseTopic(topic);
    if (!parts || payload.byteLength === 0) return Promise.resolve('not_recorded');
    const body = () => payload.toString('utf8');
    const message = decoded ?? (JSON.parse(body()) as MessageOf<Stream>);
    const prepared: PreparedMessage = {
      rows: rowsOf(parts.stream, message, body, () => new Date(this.#now()).toISOString()),
      busId: message.busId,
      source: message.source,
      stream: parts.stream,
      seq: message.seq,
    };
    return new Promise<Recorded>((resolve, reject) => {
      this.#pending.push({ message: prepared, resolve, reject });
      if (this.#pending.length >= this.#maxBatch) this.#flushSoon(0);
      else this.#flushSoon(this.#windowMs);
    });
  }

  /** Seq tracks of every bus, publisher and stream (a copy). */
  tracks(): SeqTrack[] {
    return [...this.#tracks.values()].map((track) => ({ ...track }));
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
    const staged = new Map<string, SeqTrack>();
    const track = (fresh: readonly boolean[]): SeqTrack[] => {
      staged.clear();
      batch.forEach(({ message }, index) => {
        if (!fresh[index]) return;
        const key = trackKey(message.busId, message.source, message.stream);
        const track = staged.get(key);
        if (track) {
          advance(track, message.seq);
          return;
        }
        const known = this.#tracks.get(key);
        const copy = known ? { ...known } : startTrack(message);
        if (known) advance(copy, message.seq);
        staged.set(key, copy);
      });
      return [...staged.values()];
    };
    let fresh: boolean[];
    try {
      fresh = await this.#store.write(
        batch.map((pending) => pending.message),
        track,
      );
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
        {
          err: error,
          busId: batch[0]?.message.busId,
          stream: batch[0]?.message.stream,
          seq: batch[0]?.message.seq,
        },
        'recorder commit failed: the message is not acknowledged, its sender sends it again',
      );
      for (const pending of batch) pending.reject(error as Error);
      return;
    }
    for (const [key, value] of staged) this.#tracks.set(key, value);
    this.#counts.commits += 1;
    batch.forEach((pending, index) => {
      if (fresh[index]) this.#counts.recorded += 1;
      else this.#counts.duplicates += 1;
      pending.resolve(fresh[index] === true ? 'new' : 'duplicate');
    });
  }
}
