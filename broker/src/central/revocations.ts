// Keeps connections in line with the credentials file: a revoked account, or one whose role
// changed, loses its connections within seconds of the file changing.
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
  readonly logger: Logger;
}

/** Starts watching; returns what stops it. */
export function watchRevocations(options: RevocationWatchOptions): () => void {
  const { credentials, logger } = options;
  const timer = setInterval(() => {
    if (!credentials.refresh()) return;
    options.changed();
    for (const client of options.clients()) {
      const identity = options.identityOf(client);
      if (!identity?.username) continue;
      if (credentials.find(identity.username)?.role === identity.role) continue;
      logger.warn(
        { clientId: client.id, username: identity.username },
        'client disconnected: its account was revoked',
      );
      client.close();
    }
  }, REVOCATION_CHECK_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
