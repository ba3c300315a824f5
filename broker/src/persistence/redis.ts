// The broker state central's nodes share through Redis: retained messages, persistent sessions
// with their subscriptions and QoS 1 queues, and wills (aedes-persistence-redis), and every
// publish passed from the node that took it to the nodes whose clients subscribed
// (mqemitter-redis). Durability is Redis's: docs/scaling.md asks for its append-only file synced
// on every write.
import type { EventEmitter } from 'node:events';
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
  /**
   * A client connected to this node (`node`: its aedes id): the wills other nodes keep for it are
   * dropped. Kept, a dead node's will would be published by another node after the client came
   * back (a bus said offline while it is online): wills are kept per node and client, and aedes
   * deletes only this node's.
   */
  connected(clientId: string, node: string): void;
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
  // Until it answers, the socket's own error says why better than ioredis's "closed".
  const refusal: { error: Error | null } = { error: null };
  const starting = (error: Error) => {
    refusal.error = error;
  };
  base.on('error', starting);
  try {
    await base.connect();
    await base.ping();
  } catch (error) {
    base.disconnect();
    const why = refusal.error ?? (error as Error);
    throw new Error(`cannot reach Redis at ${options.url}: ${why.message}`, { cause: error });
  } finally {
    base.off('error', starting);
  }
  base.on('error', options.onError);
  await checkDurability(base, options.onWarning);
  const persistence = aedesPersistenceRedis({
    conn: watch(base.duplicate()),
    maxSessionDelivery: SESSION_DELIVERY,
  });
  // Which nodes keep a will of each client: a set per client, beside the library's keys.
  const willNodes = (clientId: string) => `fsbus:will-nodes:${clientId}`;
  const wills = persistence.asyncPersistence;
  const putWill = wills.putWill.bind(wills);
  wills.putWill = async (client, packet) => {
    await putWill(client, packet);
    if (packet.brokerId !== undefined) await base.sadd(willNodes(client.id), packet.brokerId);
  };
  const mq = mqemitterRedis({
    subConn: watch(base.duplicate()),
    pubConn: watch(base.duplicate()),
  });
  // The emitter passes its connections' errors on: unheard, they would end the process.
  (mq as unknown as { state: EventEmitter }).state.on('error', options.onError);
  return {
    persistence,
    mq,
    connected(clientId, node) {
      const drop = async () => {
        for (const brokerId of await base.smembers(willNodes(clientId))) {
          if (brokerId === node) continue;
          await wills.delWill({ id: clientId, brokerId });
          await base.srem(willNodes(clientId), brokerId);
        }
      };
      drop().catch((error: unknown) => {
        options.onError(error as Error);
      });
    },
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
  const settings = new Map<string, string>();
  try {
    // One key a call: Redis 6 takes no more.
    for (const name of ['appendonly', 'appendfsync']) {
      const [, value] = (await redis.config('GET', name)) as string[];
      if (value !== undefined) settings.set(name, value);
    }
  } catch {
    // Some hosted Redis refuse CONFIG: nothing to check.
    return;
  }
  const value = (name: string) => settings.get(name);
  if (value('appendonly') !== 'yes' || value('appendfsync') !== 'always') {
    warn(
      'Redis does not sync each write: queued messages and retained state acknowledged just before a Redis crash can be lost (docs/scaling.md)',
      { appendonly: value('appendonly'), appendfsync: value('appendfsync') },
    );
  }
}
