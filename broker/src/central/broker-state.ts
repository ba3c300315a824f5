// Where central's broker keeps its state: LevelDB under dataDir (one central), or Redis shared
// by the nodes of a cluster (cluster.redisUrl). What aedes is given, and what the hooks ask.
import path from 'node:path';
import type { CentralConfig } from '@fsbus/shared';
import { readSecret, type Logger } from '@fsbus/shared/node';
import { openBrokerStore, type ClientEvents } from '../persistence/level.js';
import { openRedisBrokerState } from '../persistence/redis.js';

/** What the state needs to know of the broker: its id, and its clients. */
export interface BrokerEvents extends ClientEvents {
  readonly id: string;
  on(
    event: 'clientReady',
    listener: (client: { readonly clean: boolean; readonly id: string }) => void,
  ): unknown;
}

export interface CentralBrokerState {
  /** aedes's options for it: persistence, the emitter between nodes, heartbeats. */
  readonly aedes: { persistence: unknown; mq?: unknown; heartbeatInterval: number };
  /** In a cluster: the nodes share subscriptions, retained messages and sessions. */
  readonly clustered: boolean;
  watch(broker: BrokerEvents): void;
  /** True for a queued message the client acknowledged meanwhile (see persistence/level.ts). */
  acknowledged(packet: object): boolean;
  close(): Promise<void>;
}

/**
 * A node tells the others it is alive this often; one silent for three is dead, and the wills
 * of its clients are published by another node. Alone, nobody listens: once a minute.
 */
const HEARTBEAT_MS = { alone: 60_000, clustered: 10_000 };

/** Opens the broker's state; `failed` hears of every store failure. */
export async function openCentralBrokerState(
  config: CentralConfig,
  logger: Logger,
  failed: (error: unknown) => void,
): Promise<CentralBrokerState> {
  const { redisUrl, redisPasswordFile } = config.cluster;
  if (redisUrl === null) {
    const store = await openBrokerStore(path.join(config.dataDir, 'broker'), failed);
    return {
      aedes: { persistence: store.persistence, heartbeatInterval: HEARTBEAT_MS.alone },
      clustered: false,
      watch: (broker) => {
        store.watch(broker);
      },
      acknowledged: (packet) => store.acknowledged(packet),
      close: () => store.close(),
    };
  }
  const password = await readSecret('cluster.redisPasswordFile', redisPasswordFile);
  const state = await openRedisBrokerState({
    url: redisUrl,
    password,
    onError: (error) => {
      logger.warn({ err: error }, 'Redis connection failed: reconnecting');
    },
    onWarning: (message, detail) => {
      logger.warn(detail, message);
    },
  });
  return {
    aedes: {
      persistence: state.persistence,
      mq: state.mq,
      heartbeatInterval: HEARTBEAT_MS.clustered,
    },
    clustered: true,
    watch: (broker) => {
      broker.on('clientReady', (client) => {
        state.connected(client.id, broker.id);
      });
    },
    // QoS 1 is at least once: a queued message acknowledged live while its session's queue is
    // replayed may be sent again (the bus's plan keeper ignores a plan it holds).
    acknowledged: () => false,
    close: () => state.close(),
  };
}
