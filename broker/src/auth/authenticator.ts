// Checks a client's credentials against the config's accounts and gives it an identity (a role).
import { verifyPassword } from '@fsbus/shared/node';
import type { Role } from '@fsbus/shared';
import type { Identity } from '../acl/policy.js';

/** Why a login was refused, with the MQTT 3.1.1 CONNACK return code it maps to. */
export type LoginRefusal =
  | { readonly code: 'no_credentials'; readonly returnCode: 5 }
  | { readonly code: 'bad_credentials'; readonly returnCode: 4 }
  | { readonly code: 'busy'; readonly returnCode: 3 };

export type LoginResult =
  { readonly ok: true; readonly identity: Identity } | ({ readonly ok: false } & LoginRefusal);

/** One account: a user name, its role and the scrypt hash of its password. */
export interface Account {
  readonly username: string;
  readonly role: Role;
  readonly passwordHash: string;
}

/** Where accounts are looked up: the config's list on board, a credentials file at central. */
export interface AccountBook {
  find(username: string): Account | undefined;
  usernames(): Iterable<string>;
}

/** An account book over a fixed list (the on-board broker's `broker.users`). */
export function accountList(accounts: readonly Account[]): AccountBook {
  const byName = new Map(accounts.map((account) => [account.username, account]));
  return { find: (username) => byName.get(username), usernames: () => byName.keys() };
}

export interface AuthenticatorOptions {
  readonly accounts: AccountBook;
  readonly allowAnonymous: boolean;
  readonly anonymousRole: Role;
  /**
   * Logins that may wait in each lane (default CHECKS_WAITING): a bus's broker has a handful of
   * clients; central, a fleet that reconnects at once when it restarts.
   */
  readonly checksWaiting?: number;
  /**
   * Central: a staff console logs in with its session token as password; a live one is taken
   * at once (no scrypt), as the identity it gives.
   */
  readonly sessions?: {
    mqttIdentity(username: string | undefined, password: Buffer | undefined): Identity | null;
  };
}

/**
 * Password checks (16 MiB of scrypt each) run two at a time. Up to 16 more wait in each of two
 * lanes: fresh logins, first in first out, and suspect ones (see LoginThrottle.suspect),
 * served only when no fresh one waits, newest first. Beyond that a login is refused as "server
 * unavailable" (3): a fresh one when its lane is full, a suspect one by the oldest suspect making
 * way. So a flood of bad logins can neither eat the box's memory nor delay anyone else's.
 */
export const CHECKS_AT_ONCE = 2;
export const CHECKS_WAITING = 16;

type Refused = () => void;

// Checked against when the user name is unknown, so that an unknown name costs as long as a
// wrong password and the timing does not tell which names exist.
const DECOY_HASH =
  'scrypt$16384$8$5$ZnNidXMtZGVjb3ktc2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export class Authenticator {
  readonly #accounts: AccountBook;
  readonly #options: AuthenticatorOptions;
  #running = 0;
  readonly #fresh: { go: () => void; refuse: Refused }[] = [];
  readonly #suspect: { go: () => void; refuse: Refused }[] = [];

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
    this.#accounts = options.accounts;
  }

  /**
   * Resolves to the client's identity, or why it is refused. Never rejects. `suspect`: this user
   * name and address gave wrong passwords lately (its check waits behind fresh ones).
   */
  async login(
    username: string | undefined,
    password: Buffer | undefined,
    suspect = false,
  ): Promise<LoginResult> {
    if (username === undefined || username === '') {
      if (password === undefined && this.#options.allowAnonymous) {
        return { ok: true, identity: { username: null, role: this.#options.anonymousRole } };
      }
      return { ok: false, code: 'no_credentials', returnCode: 5 };
    }
    const session = this.#options.sessions?.mqttIdentity(username, password);
    if (session) return { ok: true, identity: session };
    if (this.#running >= CHECKS_AT_ONCE && !(await this.#turn(suspect))) {
      return { ok: false, code: 'busy', returnCode: 3 };
    }
    this.#running += 1;
    try {
      const user = this.#accounts.find(username);
      const matches = await verifyPassword(
        password?.toString('utf8') ?? '',
        user?.passwordHash ?? DECOY_HASH,
      );
      if (!user || !matches) return { ok: false, code: 'bad_credentials', returnCode: 4 };
      return {
        ok: true,
        identity: { username: user.username, role: user.role, passwordHash: user.passwordHash },
      };
    } finally {
      this.#running -= 1;
      (this.#fresh.shift() ?? this.#suspect.pop())?.go();
    }
  }

  /** Waits for a free check in the login's lane; false when it is refused as busy. */
  #turn(suspect: boolean): Promise<boolean> {
    const lane = suspect ? this.#suspect : this.#fresh;
    if (lane.length >= (this.#options.checksWaiting ?? CHECKS_WAITING)) {
      if (!suspect) return Promise.resolve(false);
      lane.shift()?.refuse(); // the oldest suspect makes way
    }
    return new Promise<boolean>((resolve) => {
      lane.push({
        go: () => {
          resolve(true);
        },
        refuse: () => {
          resolve(false);
        },
      });
    });
  }

  /**
   * May this identity use this client id? A user's ids are its name or start with `{name}-`, so
   * no client can take over another user's session (or fire its will). Anonymous clients may
   * use any id no user owns. An id the broker generated (empty id, clean session) is unique.
   */
  ownsClientId(identity: Identity, clientId: string): boolean {
    const ownedBy = (name: string) => clientId === name || clientId.startsWith(`${name}-`);
    if (identity.username !== null) return ownedBy(identity.username);
    return !Array.from(this.#accounts.usernames()).some(ownedBy);
  }
}
