// Keeps connections in line with the credentials file and the console's sessions: a revoked
// account, or one whose role or password changed, loses its connections within seconds of the
// file changing; a staff console's, within seconds of its session ending.
import type { Client } from 'aedes';
import type { Logger } from '@fsbus/shared/node';
import type { Identity } from '../acl/policy.js';
import type { CredentialsBook } from './credentials.js';

/** How often the credentials file is checked, ms. */
export const REVOCATION_CHECK_MS = 2000;

export interface RevocationWatchOptions {
  readonly credentials: CredentialsBook;
  /** Every connection now. */
  readonly clients: () => Iterable<Client>;
  readonly identityOf: (client: Client) => Identity | undefined;
  /** The accounts changed (logins remembered elsewhere must be checked again). */
  readonly changed: () => void;
  /** Is this console session still live? */
  readonly sessionAlive: (id: string) => boolean;
  readonly logger: Logger;
}

/** Starts watching; returns what stops it. */
export function watchRevocations(options: RevocationWatchOptions): () => void {
  const { credentials, logger } = options;
  // Logins and the API read the book too: a change is seen by its version, whoever re-read it.
  let seen = credentials.version;
  const timer = setInterval(() => {
    for (const client of options.clients()) {
      const session = options.identityOf(client)?.session;
      if (session === undefined || options.sessionAlive(session)) continue;
      logger.info({ clientId: client.id }, 'console disconnected: its session ended');
      client.close();
    }
    const version = credentials.version;
    if (version === seen) return;
    seen = version;
    options.changed();
    for (const client of options.clients()) {
      const identity = options.identityOf(client);
      if (!identity?.username) continue;
      const account = credentials.find(identity.username);
      if (account?.role === identity.role && account.passwordHash === identity.passwordHash) {
        continue;
      }
      logger.warn(
        { clientId: client.id, username: identity.username },
        'client disconnected: its account was revoked or its password renewed',
      );
      client.close();
    }
  }, REVOCATION_CHECK_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
