// One log line per key (client and reason) per window, so a flood cannot flood the log too; the
// counters on the status topic still count every event.

/** The window, ms. */
export const LOG_WINDOW_MS = 10_000;

export class LogThrottle {
  readonly #now: () => number;
  readonly #last = new Map<string, number>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Runs `write` unless a line with this key was written within the window. */
  log(key: string, write: () => void): void {
    const at = this.#now();
    const last = this.#last.get(key);
    if (last !== undefined && at - last < LOG_WINDOW_MS) return;
    if (this.#last.size > 10_000) this.#last.clear();
    this.#last.set(key, at);
    write();
  }
}
