// HTTP Basic logins of the staff API: the central accounts (staff, planner; never a bus), each
// checked with scrypt once, then remembered for a minute so a console polling every few
// seconds costs no scrypt per request.
import { createHash } from 'node:crypto';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Identity } from '../../acl/policy.js';

/** A successful check is trusted again for this long, ms. */
const REMEMBER_MS = 60_000;
/** Logins remembered at most. */
const REMEMBERED_MAX = 1000;

export type StaffLogin =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly status: 401 | 403 | 503; readonly reason: string };

export class StaffAuth {
  readonly #authenticator: Authenticator;
  readonly #now: () => number;
  readonly #remembered = new Map<string, { identity: Identity; until: number }>();

  constructor(authenticator: Authenticator, now: () => number = Date.now) {
    this.#authenticator = authenticator;
    this.#now = now;
  }

  /** Checks an `Authorization` header. */
  async check(header: string | undefined): Promise<StaffLogin> {
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
    const result = await this.#authenticator.login(username, Buffer.from(password));
    if (!result.ok) {
      return result.code === 'busy'
        ? { ok: false, status: 503, reason: 'busy, try again' }
        : { ok: false, status: 401, reason: 'wrong user name or password' };
    }
    if (this.#remembered.size >= REMEMBERED_MAX) {
      for (const [stale, entry] of this.#remembered)
        if (entry.until <= now) this.#remembered.delete(stale);
      if (this.#remembered.size >= REMEMBERED_MAX) this.#remembered.clear();
    }
    this.#remembered.set(key, { identity: result.identity, until: now + REMEMBER_MS });
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
