// The recorder's storage the central config chooses: a SQLite file, or a PostgreSQL server.
import type { CentralConfig } from '@fsbus/shared';
import { readSecret, type Logger } from '@fsbus/shared/node';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { RecorderStore } from './store.js';

/**
 * Opens the recorder's store, creating its tables. Rejects, saying which database and why, when
 * it cannot (a PostgreSQL server that does not answer or refuses the login).
 */
export async function openRecorderStore(
  recorder: CentralConfig['recorder'],
  logger: Logger,
): Promise<RecorderStore> {
  if (recorder.storage === 'sqlite') {
    return openSqliteStore(recorder.path, {
      onCheckpointFailure: (error) => {
        logger.warn({ err: error }, 'recorder: WAL checkpoints run in the writer again');
      },
    });
  }
  const { url, passwordFile, poolSize } = recorder.postgres;
  if (url === null) throw new Error('recorder.postgres.url is not set');
  const password = await readSecret('recorder.postgres.passwordFile', passwordFile);
  try {
    return await openPostgresStore({
      url,
      password,
      poolSize,
      onConnectionError: (error) => {
        logger.warn(
          { err: error },
          'recorder: a PostgreSQL connection failed; the pool opens another',
        );
      },
    });
  } catch (error) {
    throw new Error(`recorder: cannot use PostgreSQL at ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
