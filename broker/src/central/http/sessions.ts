// The staff console's sessions: a login (scrypt, once) gives a random token the console sends as
// a Bearer to the API and as its MQTT password over WebSocket. A session ends at logout, after
// `http.sessionHours` at the latest, after `http.sessionIdleMin` unused, or when its account is
// revoked or its password or role changes. Kept in memory: a restart of central ends them all.
import { createHash, randomBytes } from 'node:crypto';
import type { Identity } from '../../acl/policy.js';
import type { AccountBook } from '../../auth/authenticator.js';

/** What every token starts with, so a log or a leak names it. */
export const TOKEN_PREFIX = 'fss_';
/** Sessions at most; past this the one unused the longest ends (a limit on strangers' logins). */
const SESSIONS_MAX = 10_000;

export interface StaffSession {
  /** The token's hash: what names the session in memory and in an MQTT identity. */
  readonly id: string;
  readonly username: string;
  readonly role: 'staff' | 'planner';
  readonly passwordHash: string;
  readonly expiresAt: number;
  usedAt: number;
}

export interface StaffSessionsOptions {
  readonly accounts: AccountBook;
  readonly lifetimeMs: number;
  readonly idleMs: number;
  readonly now?: () => number;
}

const idOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export class StaffSessions {
  readonly #options: StaffSessionsOptions;
  readonly #now: () => number;
  // In use order, oldest use first (a Map keeps insertion order; a use re-inserts).
  readonly #sessions = new Map<string, StaffSession>();

  constructor(options: StaffSessionsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Opens a session for a staff or planner identity; returns it with its token. */
  open(identity: Identity): { token: string; session: StaffSession } {
    if (identity.username === null || (identity.role !== 'staff' && identity.role !== 'planner')) {
      throw new Error('only a staff or planner account opens a console session');
    }
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.#now();
    const session: StaffSession = {
      id: idOf(token),
      username: identity.username,
      role: identity.role,
      passwordHash: identity.passwordHash ?? '',
      expiresAt: now + this.#options.lifetimeMs,
      usedAt: now,
    };
    if (this.#sessions.size >= SESSIONS_MAX) {
      const oldest = this.#sessions.keys().next();
      if (!oldest.done) this.#sessions.delete(oldest.value);
    }
    this.#sessions.set(session.id, session);
    return { token, session };
  }

  /** The live session of a token, marked used now; null when there is none (any more). */
  use(token: string): StaffSession | null {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const id = idOf(token);
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (!this.#live(session)) {
      this.#sessions.delete(id);
      return null;
    }
    session.usedAt = this.#now();
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    return session;
  }

  /** The identity of an MQTT login whose password is a live session of this user; else null. */
  mqttIdentity(username: string | undefined, password: Buffer | undefined): Identity | null {
    if (username === undefined || password === undefined) return null;
    const session = this.use(password.toString('utf8'));
    if (session?.username !== username) return null;
    return {
      username,
      role: session.role,
      passwordHash: session.passwordHash,
      session: session.id,
    };
  }

  /** Is the session of this id still live (an MQTT connection made with it stays open)? */
  alive(id: string): boolean {
    const session = this.#sessions.get(id);
    if (session && this.#live(session)) return true;
    this.#sessions.delete(id);
    return false;
  }

  /** Ends a token's session (logout); false when it had none. */
  close(token: string): boolean {
    return this.#sessions.delete(idOf(token));
  }

  /** Sessions open now. */
  get size(): number {
    return this.#sessions.size;
  }

  #live(session: StaffSession): boolean {
    const now = this.#now();
    if (now >= session.expiresAt || now - session.usedAt >= this.#options.idleMs) return false;
    // The account as it is now: revoked, or its password or role changed, ends the session.
    const account = this.#options.accounts.find(session.username);
    return account?.role === session.role && account.passwordHash === session.passwordHash;
  }
}
