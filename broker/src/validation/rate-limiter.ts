// A token bucket per client: a sustained rate with a burst allowance, driven by an injected clock.

export interface RateLimit {
  readonly messagesPerSecond: number;
  readonly burst: number;
}

/** One client's bucket. `take()` is false when the client is over its rate. */
export class TokenBucket {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(limit: RateLimit, now: () => number) {
    this.#limit = limit;
    this.#now = now;
    this.#tokens = limit.burst;
    this.#last = now();
  }

  take(): boolean {
    const now = this.#now();
    const refill = ((now - this.#last) / 1000) * this.#limit.messagesPerSecond;
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + refill);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
