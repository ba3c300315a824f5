// Taking a visit or an opinion: the fact is stamped (id, seq, time) and written to the local
// store in one IndexedDB transaction, with the counters it used, before the screen moves on.
// A visit's turn number is taken in that transaction too: two pages of one kiosk never get the
// same one, and a reload goes on from the last.
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
  readonly now?: () => number;
}

export interface IssuedTurn {
  readonly series: TurnSeries;
  readonly number: number;
  readonly date: string;
}

export class Facts {
  readonly #options: FactsOptions;

  constructor(options: FactsOptions) {
    this.#options = options;
  }

  /** Issues the next turn and records the visit with it; resolves once both are stored. */
  async visit(body: Omit<BodyOf<'visit'>, 'turn' | 'series'>): Promise<IssuedTurn> {
    const { store, series } = this.#options;
    const now = this.#now();
    const date = serviceDate(now, this.#options.timeZone());
    const tx = store.transaction(['counters', 'outbox'], 'readwrite');
    const counters = tx.objectStore('counters');
    const own = (await counters.get(`turn:${date}`)) ?? 0;
    // A kiosk that lost its store goes on after the last number the bridge saw.
    const queue = this.#options.queue();
    const seen = queue?.date === date ? (queue.lastIssued?.[series] ?? 0) : 0;
    const number = Math.max(own, seen) + 1;
    const seq = ((await counters.get('seq:visit')) ?? -1) + 1;
    const message = this.#factory(seq, now).create('visit', { ...body, turn: number, series });
    await counters.put(number, `turn:${date}`);
    await counters.put(seq, 'seq:visit');
    await tx.objectStore('outbox').add(this.#pending('visit', message.id, message));
    await tx.done;
    return { series, number, date };
  }

  /** Records an anonymous opinion; resolves once stored. */
  async opinion(body: BodyOf<'opinion'>): Promise<void> {
    const tx = this.#options.store.transaction(['counters', 'outbox'], 'readwrite');
    const counters = tx.objectStore('counters');
    const seq = ((await counters.get('seq:opinion')) ?? -1) + 1;
    const message = this.#factory(seq, this.#now()).create('opinion', body);
    await counters.put(seq, 'seq:opinion');
    await tx.objectStore('outbox').add(this.#pending('opinion', message.id, message));
    await tx.done;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #factory(seq: number, now: number): MessageFactory {
    return new MessageFactory({
      busId: this.#options.busId,
      source: this.#options.instance,
      clock: () => new Date(now),
      localPartners: this.#options.localPartners.map((p) => p.code),
      seqs: { next: () => seq },
    });
  }

  #pending(stream: PendingFact['stream'], id: string, message: unknown): PendingFact {
    return {
      id,
      stream,
      topic: topicFor(stream, this.#options.busId),
      payload: JSON.stringify(message),
    };
  }
}
