// Taking a visit or an opinion: the fact is stamped (id, seq, time) and written to the local
// store in one IndexedDB transaction, with the counters it used, before the screen moves on.
// A visit's turn number is taken in that transaction too: two pages of one kiosk never get the
// same one, and a reload goes on from the last. When the store fails (a full disk, a damaged
// profile) the visitor still gets a number: the fact is kept in memory and sent at once, and
// the kiosk's status says the store is failing.
import {
  MessageFactory,
  serviceDate,
  topicFor,
  type BodyOf,
  type LocalPartner,
  type QueueMessage,
  type TurnSeries,
} from '@fsbus/shared';
import type { KioskStore, PendingFact } from './store.js';

export interface FactsOptions {
  readonly store: KioskStore;
  readonly busId: string;
  readonly instance: string;
  readonly series: TurnSeries;
  readonly localPartners: readonly LocalPartner[];
  /** The service day's time zone (the plan's). */
  readonly timeZone: () => string;
  /** The retained queue as last received, if any. */
  readonly queue: () => QueueMessage | null;
  /** Each fact's fate in the store: true stored, false kept in memory only. */
  readonly onStored: (stored: boolean) => void;
  /** Takes a fact the store refused: it is sent from memory. */
  readonly keepInMemory: (fact: PendingFact) => void;
  /** When this run of the screen started (ms): its seqs start there (see #seqFloor). */
  readonly startedAt: number;
  readonly now?: () => number;
}

export interface IssuedTurn {
  readonly series: TurnSeries;
  readonly number: number;
  readonly date: string;
}

type Stream = PendingFact['stream'];

export class Facts {
  readonly #options: FactsOptions;
  /** The last counters used, for when the store cannot be read: `seq:…`, `turn:…` as stored. */
  readonly #last = new Map<string, number>();
  /**
   * Where this run's seqs start: its start time in ms. A stream's first seq of a run is at
   * least this, so a kiosk whose store was wiped, or failed and lost the counters it used,
   * never repeats a seq (docs/protocol.md).
   */
  readonly #seqFloor: number;

  constructor(options: FactsOptions) {
    this.#options = options;
    this.#seqFloor = Math.floor(options.startedAt);
  }

  /** Issues the next turn and records the visit with it; resolves once both are kept. */
  async visit(body: Omit<BodyOf<'visit'>, 'turn' | 'series'>): Promise<IssuedTurn> {
    const { series } = this.#options;
    const now = this.#now();
    const date = serviceDate(now, this.#options.timeZone());
    // A kiosk that lost its store goes on after the last number the bridge saw.
    const queue = this.#options.queue();
    const seen = queue?.date === date ? (queue.lastIssued?.[series] ?? 0) : 0;
    let number = 0;
    await this.#take(
      'visit',
      now,
      { [`turn:${date}`]: (own) => (number = Math.max(own, seen) + 1) },
      () => ({ ...body, turn: number, series }),
    );
    return { series, number, date };
  }

  /** This kiosk's last turn number of `date` (a service day), 0 before its first. */
  async lastTurn(date: string): Promise<number> {
    const key = `turn:${date}`;
    const stored = await this.#options.store
      .db()
      .then((db) => db.get('counters', key))
      .catch(() => undefined);
    return Math.max(stored ?? 0, this.#last.get(key) ?? 0);
  }

  /** Records an anonymous opinion; resolves once kept. */
  async opinion(body: BodyOf<'opinion'>): Promise<void> {
    await this.#take('opinion', this.#now(), {}, () => body);
  }

  /**
   * Takes one fact: its seq and the `counters` it moves (each from its last value to the next),
   * then its body, stored together; in memory when the store fails.
   */
  async #take<S extends Stream>(
    stream: S,
    now: number,
    counters: Readonly<Record<string, (last: number) => number>>,
    body: () => BodyOf<S>,
  ): Promise<void> {
    const moves = new Map(Object.entries(counters));
    const seqKey = `seq:${stream}`;
    // This run's first seq of the stream jumps to the floor; then +1.
    const firstOfRun = !this.#last.has(seqKey);
    moves.set(seqKey, (last) => (firstOfRun ? Math.max(last + 1, this.#seqFloor) : last + 1));
    // The counters as last known: this page's, raised by what the store holds when it can be
    // read (also when its commit then fails, as on a full disk).
    const known = new Map(
      [...moves.keys()].map((key) => [
        key,
        this.#last.get(key) ?? (key.startsWith('seq:') ? -1 : 0),
      ]),
    );
    const advance = () => {
      const next = new Map([...moves].map(([key, move]) => [key, move(known.get(key) ?? 0)]));
      const fact = this.#fact(stream, next.get(seqKey) ?? 0, now, body());
      return { next, fact };
    };
    try {
      const db = await this.#options.store.db();
      try {
        const tx = db.transaction(['counters', 'outbox'], 'readwrite');
        const stored = tx.objectStore('counters');
        for (const key of moves.keys()) {
          const value = await stored.get(key);
          if (value !== undefined) known.set(key, Math.max(known.get(key) ?? value, value));
        }
        // Built before any write: a message that fails its schema (a bug) changes nothing.
        const { next, fact } = advance();
        for (const [key, value] of next) await stored.put(value, key);
        await tx.objectStore('outbox').add(fact);
        await tx.done;
        for (const [key, value] of next) this.#last.set(key, value);
      } catch (error) {
        if (error instanceof DOMException) this.#options.store.broken(db);
        throw error;
      }
    } catch (error) {
      // IndexedDB fails with DOMExceptions (quota, I/O, a closed connection); anything else is
      // a bug, which goes up.
      if (!(error instanceof DOMException)) throw error;
      const { next, fact } = advance();
      for (const [key, value] of next) this.#last.set(key, value);
      this.#options.onStored(false);
      this.#options.keepInMemory(fact);
      return;
    }
    this.#options.onStored(true);
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #fact<S extends Stream>(stream: S, seq: number, now: number, body: BodyOf<S>): PendingFact {
    const factory = new MessageFactory({
      busId: this.#options.busId,
      source: this.#options.instance,
      clock: () => new Date(now),
      localPartners: this.#options.localPartners.map((p) => p.code),
      seqs: { next: () => seq },
    });
    const message = factory.create(stream, body);
    return {
      id: message.id,
      stream,
      topic: topicFor(stream, this.#options.busId),
      payload: JSON.stringify(message),
      // An opinion's time is kept to the hour, as in its message: nothing ties it to a visit.
      takenAt: Date.parse(message.ts),
    };
  }
}
