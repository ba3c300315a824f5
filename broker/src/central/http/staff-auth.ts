// Password logins of the staff API (HTTP Basic, and the console's session login): the central
// accounts (staff, planner; never a bus). A Basic login is checked with scrypt once, then
// remembered for a minute, so a script polling every few seconds costs no scrypt per request.
// Its checks wait in a queue of their own (the buses' logins never wait behind the API's), and
// wrong passwords are answered more and more slowly per user name and address, as on the brokers.
import { createHash } from 'node:crypto';
import type { Authenticator } from '../../auth/authenticator.js';
import { LoginThrottle } from '../../auth/login-throttle.js';
import type { Identity } from '../../acl/policy.js';

/** A successful check is trusted again for this long, ms. */
const REMEMBER_MS = 60_000;
/** Logins remembered at most. */
const REMEMBERED_MAX = 1000;
/** Wrong passwords whose answer is held back at once; past this, answered at once. */
const MAX_HELD = 100;

export type StaffLogin =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly status: 401 | 403 | 503; readonly reason: string };

export class StaffAuth {
  readonly #authenticator: Authenticator;
  readonly #now: () => number;
  readonly #remembered = new Map<string, { identity: Identity; until: number }>();
  readonly #throttle: LoginThrottle;
  readonly #refused: () => void;
  #held = 0;

  /**
   * `authenticator`: one for the API alone (its own queue). `refused`: counts a refused login.
   */
  constructor(authenticator: Authenticator, refused: () => void, now: () => number = Date.now) {
    this.#authenticator = authenticator;
    this.#refused = refused;
    this.#now = now;
    this.#throttle = new LoginThrottle(now);
  }

  /** Checks an `Authorization` header from an address. */
  async check(header: string | undefined, address: string): Promise<StaffLogin> {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!match) return { ok: false, status: 401, reason: 'credentials required' };
    const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) return { ok: false, status: 401, reason: 'credentials required' };
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const key = createHash('sha256').update(decoded).digest('base64');
    const now = this.#now();
    const known = this.#remembered.get(key);
    if (known && known.until > now) return this.#judge(known.identity);
    const login = await this.login(username, password, address);
    if (!login.ok) return login;
    if (this.#remembered.size >= REMEMBERED_MAX) {
      for (const [stale, entry] of this.#remembered)
        if (entry.until <= now) this.#remembered.delete(stale);
      if (this.#remembered.size >= REMEMBERED_MAX) this.#remembered.clear();
    }
    this.#remembered.set(key, { identity: login.identity, until: now + REMEMBER_MS });
    return login;
  }

  /** Checks a user name and password from an address (scrypt, in the API's queue, throttled). */
  async login(username: string, password: string, address: string): Promise<StaffLogin> {
    const throttled = LoginThrottle.key(username, address);
    const suspect = this.#throttle.suspect(throttled, '');
    const result = await this.#authenticator.login(username, Buffer.from(password), suspect);
    if (!result.ok) {
      this.#refused();
      if (result.code === 'busy') return { ok: false, status: 503, reason: 'busy, try again' };
      const delayMs = this.#throttle.failed(throttled);
      if (delayMs > 0 && this.#held < MAX_HELD) {
        this.#held += 1;
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
        this.#held -= 1;
      }
      return { ok: false, status: 401, reason: 'wrong user name or password' };
    }
    this.#throttle.succeeded(throttled, '');
    return this.#judge(result.identity);
  }

  /** Forgets every remembered login (an account was revoked or changed). */
  forget(): void {
    this.#remembered.clear();
  }

  #judge(identity: Identity): StaffLogin {
    if (identity.role === 'staff' || identity.role === 'planner') return { ok: true, identity };
    return { ok: false, status: 403, reason: 'a staff or planner account is needed' };
  }
}
