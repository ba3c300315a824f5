// A token bucket per user, and the gate that makes a fast client wait for its tokens, in
// arrival order, instead of losing what it sent.

export interface RateLimit {
  readonly messagesPerSecond: number;
  readonly burst: number;
}

/** One user's bucket. `take()` is false when the user is over its rate. */
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
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is free (0: one is free now). */
  msUntilToken(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.#limit.messagesPerSecond) * 1000;
  }

  #refill(): void {
    const now = this.#now();
    const refill = ((now - this.#last) / 1000) * this.#limit.messagesPerSecond;
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + refill);
    this.#last = now;
  }
}

interface Waiter {
  readonly go: () => void;
  readonly gone: () => boolean;
}

/**
 * Hands out a bucket's tokens in arrival order. `enter` runs its callback at once when a token is
 * free and nobody waits, otherwise when its turn and a token come: the broker holds a QoS 1
 * publish (and so its PUBACK and the client's next reads) rather than dropping it. `tryTake` is
 * for what may be dropped (QoS 0): it never jumps the queue.
 */
export class RateGate {
  readonly #bucket: TokenBucket;
  readonly #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(limit: RateLimit, now: () => number) {
    this.#bucket = new TokenBucket(limit, now);
  }

  /** How many callbacks wait for a token. */
  get waiting(): number {
    return this.#waiters.length;
  }

  tryTake(): boolean {
    return this.#waiters.length === 0 && this.#bucket.take();
  }

  /**
   * Runs `go` with a token, now or later. `gone` is asked before a late run: a waiter whose
   * connection closed is skipped and costs no token.
   */
  enter(go: () => void, gone: () => boolean): void {
    if (this.tryTake()) {
      go();
      return;
    }
    this.#waiters.push({ go, gone });
    this.#schedule();
  }

  /** Drops every waiter and its timer (the broker is stopping). */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#waiters.length = 0;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const wait = Math.max(1, Math.ceil(this.#bucket.msUntilToken()));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#release();
    }, wait);
    this.#timer.unref();
  }

  #release(): void {
    for (;;) {
      const next = this.#waiters[0];
      if (next === undefined) return;
      if (next.gone()) {
        this.#waiters.shift();
        continue;
      }
      if (!this.#bucket.take()) break;
      this.#waiters.shift();
      next.go();
    }
    this.#schedule();
  }
}
