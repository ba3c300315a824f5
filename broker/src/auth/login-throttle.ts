// Wrong passwords per user name and address: the answers to them are slowed down, and the next
// checks of that name and address wait behind everyone else's, but for the client ids that
// logged in there before: a service reconnecting with its right password is never held up.

/** The delay of the answer to the second wrong password in a row, doubling with each one after. */
export const FIRST_DELAY_MS = 250;
/** The longest an answer to a wrong password is held back. */
export const MAX_DELAY_MS = 10_000;
/** Failures this old are forgotten: the key is fresh again. */
export const FORGET_AFTER_MS = 10 * 60_000;
/** A client id that logged in under a name and address is known there for this long. */
export const KNOWN_FOR_MS = 24 * 60 * 60_000;
/** Keys and known client ids remembered at most (made-up names cannot fill the memory). */
const MAX_ENTRIES = 10_000;

function delayAfter(failures: number): number {
  return failures < 2 ? 0 : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - 2));
}

/** Sets a value last in a map (so the first is the oldest), dropping the oldest past the cap. */
function setLast<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

/**
 * On a bus, the bridge, the kiosk and the driver display share a few addresses (loopback, the
 * bus LAN behind one access point): counting failures per address locked all of them out when
 * one device had a wrong password. Failures now count per user name and address, they only slow
 * the answers to wrong passwords, and a client id that logged in under that name and address
 * before (`bridge` reconnecting after a restart) keeps its place in front, however many guesses
 * come with other ids.
 */
export class LoginThrottle {
  readonly #now: () => number;
  readonly #failures = new Map<string, { count: number; last: number }>();
  readonly #known = new Map<string, number>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The key of a login: the user name (anonymous: none) and the address it comes from. */
  static key(username: string | null | undefined, address: string): string {
    return `${username ?? ''}\u0000${address}`;
  }

  /**
   * True when this key failed recently and the client id has not logged in under it before: its
   * password check waits behind the others.
   */
  suspect(key: string, clientId: string): boolean {
    if (this.#recent(key) === undefined) return false;
    const since = this.#known.get(`${key}\u0000${clientId}`);
    return clientId === '' || since === undefined || this.#now() - since >= KNOWN_FOR_MS;
  }

  /** Notes a wrong password; returns how long its answer is held back, ms. */
  failed(key: string): number {
    const count = (this.#recent(key)?.count ?? 0) + 1;
    setLast(this.#failures, key, { count, last: this.#now() });
    return delayAfter(count);
  }

  /**
   * How long the answer to any other refusal of this key is held back, ms: a suspect login
   * refused as busy is slowed as its wrong passwords are, or a flood would retry at once.
   */
  delay(key: string): number {
    return delayAfter(this.#recent(key)?.count ?? 0);
  }

  /** A right password: this client id is known under this key from now on. */
  succeeded(key: string, clientId: string): void {
    if (clientId !== '') setLast(this.#known, `${key}\u0000${clientId}`, this.#now());
  }

  #recent(key: string): { count: number; last: number } | undefined {
    const entry = this.#failures.get(key);
    if (entry && this.#now() - entry.last >= FORGET_AFTER_MS) {
      this.#failures.delete(key);
      return undefined;
    }
    return entry;
  }
}
