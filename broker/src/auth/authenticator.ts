// Checks a client's credentials against the config's accounts and gives it an identity (a role).
import { verifyPassword } from '@fsbus/shared/node';
import type { BrokerUser, OnBoardRole } from '@fsbus/shared';
import type { Identity } from '../acl/policy.js';

/** Why a login was refused, with the MQTT 3.1.1 CONNACK return code it maps to. */
export type LoginRefusal =
  | { readonly code: 'no_credentials'; readonly returnCode: 5 }
  | { readonly code: 'bad_credentials'; readonly returnCode: 4 }
  | { readonly code: 'busy'; readonly returnCode: 3 };

export type LoginResult =
  { readonly ok: true; readonly identity: Identity } | ({ readonly ok: false } & LoginRefusal);

export interface AuthenticatorOptions {
  readonly users: readonly BrokerUser[];
  readonly allowAnonymous: boolean;
  readonly anonymousRole: OnBoardRole;
}

/**
 * Password checks (16 MiB of scrypt each) run two at a time; up to 16 more wait. Beyond that a
 * login is refused as "server unavailable" (3), so a flood of bad logins cannot eat the box's
 * memory, and a screen retrying a moment later gets in.
 */
const CHECKS_AT_ONCE = 2;
const CHECKS_WAITING = 16;

// Checked against when the user name is unknown, so that an unknown name costs as long as a
// wrong password and the timing does not tell which names exist.
const DECOY_HASH =
  'scrypt$16384$8$5$ZnNidXMtZGVjb3ktc2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export class Authenticator {
  readonly #users: ReadonlyMap<string, BrokerUser>;
  readonly #options: AuthenticatorOptions;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
    this.#users = new Map(options.users.map((user) => [user.username, user]));
  }

  /** Resolves to the client's identity, or why it is refused. Never rejects. */
  async login(username: string | undefined, password: Buffer | undefined): Promise<LoginResult> {
    if (username === undefined || username === '') {
      if (password === undefined && this.#options.allowAnonymous) {
        return { ok: true, identity: { username: null, role: this.#options.anonymousRole } };
      }
      return { ok: false, code: 'no_credentials', returnCode: 5 };
    }
    if (this.#running >= CHECKS_AT_ONCE) {
      if (this.#waiting.length >= CHECKS_WAITING) return { ok: false, code: 'busy', returnCode: 3 };
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#running += 1;
    try {
      const user = this.#users.get(username);
      const matches = await verifyPassword(
        password?.toString('utf8') ?? '',
        user?.passwordHash ?? DECOY_HASH,
      );
      if (!user || !matches) return { ok: false, code: 'bad_credentials', returnCode: 4 };
      return { ok: true, identity: { username: user.username, role: user.role } };
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }

  /**
   * May this identity use this client id? A user's ids are its name or start with `{name}-`, so
   * no client can take over another user's session (or fire its will). Anonymous clients may
   * use any id no user owns. An id the broker generated (empty id, clean session) is unique.
   */
  ownsClientId(identity: Identity, clientId: string): boolean {
    const ownedBy = (name: string) => clientId === name || clientId.startsWith(`${name}-`);
    if (identity.username !== null) return ownedBy(identity.username);
    return ![...this.#users.keys()].some(ownedBy);
  }
}
