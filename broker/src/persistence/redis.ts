// The broker state central's nodes share through Redis: retained messages, persistent sessions
// with their subscriptions and QoS 1 queues, and wills (aedes-persistence-redis), and every
// publish passed from the node that took it to the nodes whose clients subscribed
// (mqemitter-redis). Durability is Redis's: docs/scaling.md asks for its append-only file synced
// on every write.
import aedesPersistenceRedis, { type RedisPersistence } from 'aedes-persistence-redis';
import { Redis } from 'ioredis';
import mqemitterRedis from 'mqemitter-redis';

export interface RedisBrokerStateOptions {
  /** redis://host:port/db (rediss:// over TLS), without a password. */
  readonly url: string;
  readonly password: string | null;
  /** A Redis connection failed (ioredis reconnects by itself). */
  readonly onError: (error: Error) => void;
  /** Says what Redis's own settings put at risk (not synced on every write). */
  readonly onWarning: (message: string, detail: Record<string, unknown>) => void;
}

export interface RedisBrokerState {
  readonly persistence: RedisPersistence;
  readonly mq: ReturnType<typeof mqemitterRedis>;
  close(): Promise<void>;
}

/**
 * Queued messages a persistent session gets at its connection; more wait for its next one. A
 * bus's queue holds its plans (a few a day), far below.
 */
const SESSION_DELIVERY = 10_000;

/** Connects to Redis (rejecting, with why, when it does not answer) and opens the shared state. */
export async function openRedisBrokerState(
  options: RedisBrokerStateOptions,
): Promise<RedisBrokerState> {
  const base = new Redis(options.url, {
    ...(options.password === null ? {} : { password: options.password }),
    lazyConnect: true,
    connectionName: 'fsbus-central',
  });
  const connections = [base];
  const watch = (connection: Redis) => {
    connection.on('error', options.onError);
    connections.push(connection);
    return connection;
  };
  base.on('error', options.onError);
  try {
    await base.connect();
    await base.ping();
  } catch (error) {
    base.disconnect();
    throw new Error(`cannot reach Redis at ${options.url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  await checkDurability(base, options.onWarning);
  const persistence = aedesPersistenceRedis({
    conn: watch(base.duplicate()),
    maxSessionDelivery: SESSION_DELIVERY,
  });
  const mq = mqemitterRedis({
    subConn: watch(base.duplicate()),
    pubConn: watch(base.duplicate()),
  });
  return {
    persistence,
    mq,
    async close() {
      await persistence.destroy();
      await new Promise<void>((resolve) => {
        mq.close(resolve);
      });
      for (const connection of connections) connection.disconnect();
    },
  };
}

/** Warns when Redis may lose what it acknowledged: no append-only file, or not synced at once. */
async function checkDurability(
  redis: Redis,
  warn: RedisBrokerStateOptions['onWarning'],
): Promise<void> {
  let settings: string[];
  try {
    settings = (await redis.config('GET', 'appendonly', 'appendfsync')) as string[];
  } catch {
    // Some hosted Redis refuse CONFIG: nothing to check.
    return;
  }
  const value = (name: string) => settings[settings.indexOf(name) + 1];
  if (value('appendonly') !== 'yes' || value('appendfsync') !== 'always') {
    warn(
      'Redis does not sync each write: queued messages and retained state acknowledged just before a Redis crash can be lost (docs/scaling.md)',
      { appendonly: value('appendonly'), appendfsync: value('appendfsync') },
    );
  }
}
