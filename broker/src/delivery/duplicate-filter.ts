// Recognises a second copy of one publish on its way to one client (overlapping subscriptions),
// and nothing else: the exact stand-in for aedes's own check, which drops messages (see hooks.ts).

/**
 * How many recent publishes a filter remembers by default. aedes hands a publish to every
 * matching subscription of a client in one synchronous loop (mqemitter, fastparallel), so its
 * copies come one right after the other and one would do; a few leave a margin.
 */
export const REMEMBERED_PUBLISHES = 8;

/** The last few publishes delivered to one client, each known by broker id and broker counter. */
export class DuplicateFilter {
  readonly #brokerIds: (string | undefined)[];
  readonly #counters: number[];
  #next = 0;

  constructor(size = REMEMBERED_PUBLISHES) {
    this.#brokerIds = Array.from({ length: size }, () => undefined);
    this.#counters = Array.from({ length: size }, () => -1);
  }

  /**
   * True when this publish is among the last ones seen (a copy for another subscription);
   * otherwise remembers it and returns false. Counters may come in any order.
   */
  repeated(brokerId: string, counter: number): boolean {
    for (let i = 0; i < this.#counters.length; i++) {
      if (this.#counters[i] === counter && this.#brokerIds[i] === brokerId) return true;
    }
    this.#brokerIds[this.#next] = brokerId;
    this.#counters[this.#next] = counter;
    this.#next = (this.#next + 1) % this.#counters.length;
    return false;
  }
}
