// Tells a client that floods far beyond its rate for long (QoS 0 messages dropped by the rate
// limit) from one that merely bursts, so the first can be disconnected.
import type { RateLimit } from './rate-limiter.js';

/** The window over which drops are counted, ms. */
export const FLOOD_WINDOW_MS = 10_000;

/**
 * Dropped messages in one window, as a multiple of the sustained rate over that window, that
 * make a flood: 10 means sending about 11 times the rate for 10 s.
 */
export const FLOOD_FACTOR = 10;

/** One connection's QoS 0 messages dropped by the rate limit. */
export class FloodWatch {
  readonly #limit: number;
  readonly #now: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #dropped = 0;

  constructor(rate: RateLimit, now: () => number) {
    this.#limit = FLOOD_FACTOR * rate.messagesPerSecond * (FLOOD_WINDOW_MS / 1000);
    this.#now = now;
  }

  /** Counts one drop; true when the connection has now flooded past the limit. */
  dropped(): boolean {
    const now = this.#now();
    if (now - this.#windowStart >= FLOOD_WINDOW_MS) {
      this.#windowStart = now;
      this.#dropped = 0;
    }
    this.#dropped += 1;
    return this.#dropped > this.#limit;
  }
}
