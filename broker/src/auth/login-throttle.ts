// Wrong passwords per user name and address: the answers to them are slowed down, and their next
// checks wait behind everyone else's; a right password is never refused or delayed for them.

/** The delay of the answer to the second wrong password in a row, doubling with each one after. */
export const FIRST_DELAY_MS = 250;
/** The longest an answer to a wrong password is held back. */
export const MAX_DELAY_MS = 10_000;
/** Failures this old are forgotten: the key is fresh again. */
export const FORGET_AFTER_MS = 10 * 60_000;
/** Keys remembered at most (a flood of made-up names cannot fill the memory). */
const MAX_KEYS = 10_000;

/**
 * On a bus, the bridge, the kiosk and the driver display share a few addresses (loopback, the
 * bus LAN behind one access point): counting failures per address locked all of them out when
 * one device had a wrong password. So failures count per (user name, address), and even then a
 * right password always gets in at once: only the answers to wrong ones are slowed.
 */
export class LoginThrottle {
  readonly #now: () => number;
  readonly #failures = new Map<string, { count: number; last: number }>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The key of a login: the user name (anonymous: none) and the address it comes from. */
  static key(username: string | null | undefined, address: string): string {
    return `${username ?? ''}\u0000${address}`;
  }

  /** True when this key failed recently: its password checks wait behind fresh ones. */
  suspect(key: string): boolean {
    return this.#recent(key) !== undefined;
  }

  /** Notes a wrong password; returns how long its answer is held back, ms. */
  failed(key: string): number {
    const entry = this.#recent(key);
    const count = (entry?.count ?? 0) + 1;
    if (this.#failures.size >= MAX_KEYS && entry === undefined) this.#forgetOldest();
    this.#failures.delete(key); // re-inserted last: the map stays ordered by last failure
    this.#failures.set(key, { count, last: this.#now() });
    return count < 2 ? 0 : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (count - 2));
  }

  /** A right password: this key is fresh again. */
  succeeded(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): { count: number; last: number } | undefined {
    const entry = this.#failures.get(key);
    if (entry && this.#now() - entry.last >= FORGET_AFTER_MS) {
      this.#failures.delete(key);
      return undefined;
    }
    return entry;
  }

  #forgetOldest(): void {
    const oldest = this.#failures.keys().next();
    if (!oldest.done) this.#failures.delete(oldest.value);
  }
}
