// fsbus-broker: wires store, hooks, listeners and status report from the config; the only place that knows them all.
import type { EventEmitter } from 'node:events';
import path from 'node:path';
import { Aedes } from 'aedes';
import mqttPacket from 'mqtt-packet';
import {
  MessageFactory,
  StatusReporter,
  isServiceName,
  statusTopic,
  type Config,
} from '@fsbus/shared';
import type { Logger, Running } from '@fsbus/shared/node';
import { AclPolicy } from './acl/policy.js';
import { Authenticator, accountList } from './auth/authenticator.js';
import { installHooks } from './hooks.js';
import { compiledSchemaCheck } from './validation/compiled-schema-check.js';
import { startListeners, type Listeners } from './listeners/listeners.js';
import { openBrokerStore } from './persistence/level.js';
import { Metrics } from './status/metrics.js';

// mqtt-packet otherwise fills a cache of 65,536 two-byte buffers (6 MiB) on its first write to
// save an allocation per packet id: a bad trade at a bus's few messages a second.
mqttPacket.writeToStream.cacheNumbers = false;

export interface BrokerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly version: string;
  readonly clock?: () => Date;
}

export interface RunningBroker extends Running {
  readonly tcpPort: number;
  readonly wsPort: number;
  readonly tlsPort: number | null;
  readonly metrics: Metrics;
}

/** The seq of the last status this broker published, so a restart carries on from it. */
function lastStatusSeq(payload: Buffer | undefined): number | undefined {
  if (!payload) return undefined;
  try {
    const seq = (JSON.parse(payload.toString('utf8')) as { seq?: unknown }).seq;
    return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the on-board broker: persistence under `dataDir/broker`, aedes with the fsbus hooks,
 * the listeners, and the status report. Rejects, with everything it opened closed again, when
 * a port is taken or the store cannot be opened.
 */
export async function startBroker({
  config,
  logger,
  version,
  clock,
}: BrokerOptions): Promise<RunningBroker> {
  const { broker: settings, busId } = config;
  const metrics = new Metrics();
  // Store failures (a full disk, a LevelDB error) come as failed writes and, from aedes, as
  // 'error' events, which would kill the process without a listener. The broker keeps serving
  // live traffic, and its status says the store failed.
  let storeFailures = 0;
  const storeFailed = (error: unknown) => {
    storeFailures += 1;
    metrics.add('store_errors');
    logger.error(
      { err: error },
      'broker store failed: retained state or queued messages may be lost',
    );
  };
  const store = await openBrokerStore(path.join(config.dataDir, 'broker'), storeFailed);
  const aedes = new Aedes({
    persistence: store.persistence,
    drainTimeout: 30_000,
    heartbeatInterval: 60_000,
  });
  store.watch(aedes);
  (aedes as EventEmitter).on('error', storeFailed);
  const hooks = installHooks(aedes, {
    policy: new AclPolicy({ busId, rules: settings.acl }),
    authenticator: new Authenticator({
      accounts: accountList(settings.users),
      allowAnonymous: settings.allowAnonymous,
      anonymousRole: settings.anonymousRole,
    }),
    metrics,
    logger: logger.child({ component: 'hooks' }),
    maxMessageBytes: settings.maxMessageBytes,
    localPartners: new Set(config.kiosk.localPartners.map((partner) => partner.code)),
    schemaCheck: compiledSchemaCheck(),
    rateLimit: settings.rateLimit,
    acknowledged: (packet) => store.acknowledged(packet),
  });
  const closeAedes = () =>
    new Promise<void>((resolve) => {
      hooks.close();
      aedes.close(() => {
        resolve();
      });
    });

  let listeners: Listeners | undefined;
  let reporter: StatusReporter;
  try {
    await aedes.listen();
    const statusSeq = lastStatusSeq(await store.retained(statusTopic(busId, 'broker')));
    listeners = await startListeners({
      broker: settings,
      handle: (stream, address) => {
        hooks.adopt(aedes.handle(stream), address);
      },
    });
    const tlsHealth = listeners.tlsPort === null ? 'off' : 'listening';
    reporter = new StatusReporter({
      busId,
      service: 'broker',
      version,
      factory: new MessageFactory({
        busId,
        source: 'broker',
        ...(clock ? { clock } : {}),
        ...(statusSeq === undefined ? {} : { lastSeq: { status: statusSeq } }),
      }),
      ...(clock ? { clock } : {}),
      publish: (topic, payload) =>
        new Promise<void>((resolve, reject) => {
          aedes.publish(
            {
              cmd: 'publish',
              topic,
              payload: Buffer.from(payload),
              qos: 1,
              retain: true,
              dup: false,
            },
            (error) => {
              if (error) reject(error);
              else resolve();
            },
          );
        }),
      read: () => ({
        metrics: { ...metrics.snapshot(), clients_connected: aedes.connectedClients },
        health: {
          persistence: storeFailures === 0 ? 'ok' : 'fault',
          tcp: 'listening',
          ws: 'listening',
          tls: tlsHealth,
        },
        alarms: [
          ...(settings.allowAnonymous ? ['anonymous_allowed'] : []),
          ...(storeFailures === 0 ? [] : ['store_failed']),
        ],
      }),
      onError: (error) => {
        logger.error({ err: error }, 'status report failed');
      },
    });
    await reporter.start();
  } catch (error) {
    // Nothing half-started: close what was opened, in reverse order.
    await listeners?.close();
    await closeAedes();
    await store.close();
    throw error;
  }

  if (settings.allowAnonymous) {
    logger.warn(
      { role: settings.anonymousRole },
      'anonymous clients are allowed: for development only',
    );
  }
  for (const user of settings.users) {
    if ((user.role === 'kiosk' || user.role === 'driver') && !isServiceName(user.username)) {
      logger.warn(
        { username: user.username },
        'user name is not a service name: it cannot publish its own status topic',
      );
    }
  }
  logger.info(
    {
      bind: settings.bind,
      tcpPort: listeners.tcpPort,
      wsPort: listeners.wsPort,
      tlsPort: listeners.tlsPort,
    },
    'broker listening',
  );

  return {
    tcpPort: listeners.tcpPort,
    wsPort: listeners.wsPort,
    tlsPort: listeners.tlsPort,
    metrics,
    async stop() {
      await reporter.stop().catch((error: unknown) => {
        logger.warn({ err: error }, 'could not publish offline status');
      });
      await listeners.close();
      await closeAedes();
      await store.close();
    },
  };
}
