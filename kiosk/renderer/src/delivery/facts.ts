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

  constructor(options: FactsOptions) {
    this.#options = options;
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
    const moves: Record<string, (last: number) => number> = {
      ...counters,
      [`seq:${stream}`]: (last) => last + 1,
    };
    try {
      const tx = (await this.#options.store.db()).transaction(['counters', 'outbox'], 'readwrite');
      const stored = tx.objectStore('counters');
      const next: Record<string, number> = {};
      for (const [key, move] of Object.entries(moves)) {
        const last = (await stored.get(key)) ?? (key.startsWith('seq:') ? -1 : 0);
        next[key] = move(Math.max(last, this.#last.get(key) ?? last));
        await stored.put(next[key], key);
      }
      const fact = this.#fact(stream, next[`seq:${stream}`] ?? 0, now, body());
      await tx.objectStore('outbox').add(fact);
      await tx.done;
      for (const [key, value] of Object.entries(next)) this.#last.set(key, value);
      this.#options.onStored(true);
    } catch {
      // Not stored (a full disk, a profile that cannot open): from the counters last used.
      this.#options.store.broken();
      const next: Record<string, number> = {};
      for (const [key, move] of Object.entries(moves)) {
        next[key] = move(this.#last.get(key) ?? (key.startsWith('seq:') ? -1 : 0));
        this.#last.set(key, next[key]);
      }
      this.#options.onStored(false);
      this.#options.keepInMemory(this.#fact(stream, next[`seq:${stream}`] ?? 0, now, body()));
    }
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
      takenAt: now,
    };
  }
}
