// fsbus-central: the fleet's broker and recorder, wired from the central config; the only place
// that knows them all.
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { Aedes, type Client } from 'aedes';
import type { WebSocketServer } from 'ws';
import { CENTRAL_ALERTS_TOPIC, type CentralConfig } from '@fsbus/shared';
import { ConfigError, type Logger, type Running } from '@fsbus/shared/node';
import { Authenticator } from '../auth/authenticator.js';
import { installHooks } from '../hooks.js';
import { Recorder } from '../recorder/recorder.js';
import { openRecorderStore } from '../recorder/open-store.js';
import type { RecorderStore } from '../recorder/store.js';
import { Metrics } from '../status/metrics.js';
import { compiledSchemaCheck } from '../validation/compiled-schema-check.js';
import { openCentralBrokerState } from './broker-state.js';
import { CredentialsBook, CredentialsError } from './credentials.js';
import { mqttWebSocket, startCentralListeners, type CentralPorts } from './listeners.js';
import { CentralPolicy } from './policy.js';
import { watchRevocations } from './revocations.js';
import { AlertsPublisher } from './alerts-publisher.js';
import { apiCertificate, buildApi, listenApi } from './http/api.js';
import { StaffAuth } from './http/staff-auth.js';
import { StaffSessions } from './http/sessions.js';
import { consoleDir } from './http/console-site.js';

export interface CentralOptions {
  readonly config: CentralConfig;
  readonly logger: Logger;
  readonly version: string;
}

export interface RunningCentral extends Running {
  readonly ports: CentralPorts;
  /** The staff API's port. */
  readonly httpPort: number;
  readonly alerts: AlertsPublisher;
  readonly metrics: Metrics;
  readonly recorder: Recorder;
  /** The recorder's database, for the queries of reports and the API. */
  readonly store: RecorderStore;
}

/** Logins that may wait for their password check: a fleet of thousands reconnecting. */
export const LOGINS_WAITING = 10_000;

/** A credentials problem at start is a config problem: exit 78, one line. */
function startupProblem(error: CredentialsError): ConfigError {
  return new ConfigError([
    {
      source: 'config',
      path: 'credentialsFile',
      expected: 'a credentials file written by fsbus-central add-bus / add-user',
      found: error.message,
    },
  ]);
}

/**
 * Starts central: the recorder's database, the broker store under `dataDir/broker`, aedes with
 * the fsbus hooks and central's rules, and the listeners. Rejects, with everything it opened
 * closed again, when a port is taken or a file cannot be used.
 */
export async function startCentral({
  config,
  logger,
  version,
}: CentralOptions): Promise<RunningCentral> {
  const metrics = new Metrics();
  let credentials: CredentialsBook;
  try {
    credentials = new CredentialsBook(config.credentialsFile, (problem) => {
      logger.error(
        { err: problem.message },
        'credentials file unusable: the accounts read before stay in force',
      );
    });
  } catch (error) {
    throw error instanceof CredentialsError ? startupProblem(error) : error;
  }
  if (credentials.size === 0) {
    logger.warn(
      { file: config.credentialsFile },
      'no accounts yet: add buses with `fsbus-central add-bus`',
    );
  }

  const store = await openRecorderStore(config.recorder, logger.child({ component: 'recorder' }));
  const recorder = new Recorder({
    store,
    commitWindowMs: config.recorder.commitWindowMs,
    logger: logger.child({ component: 'recorder' }),
  });
  const storeFailed = (error: unknown) => {
    metrics.add('store_errors');
    logger.error({ err: error }, 'broker store failed: retained state may be lost');
  };
  const brokerStore = await openCentralBrokerState(config, logger, storeFailed).catch(
    async (error: unknown) => {
      await recorder.stop();
      throw error;
    },
  );
  const aedes = new Aedes({ ...brokerStore.aedes, drainTimeout: 30_000 });
  brokerStore.watch(aedes);
  (aedes as EventEmitter).on('error', storeFailed);
  const sessions = new StaffSessions({
    accounts: credentials,
    lifetimeMs: config.http.sessionHours * 3_600_000,
    idleMs: config.http.sessionIdleMin * 60_000,
  });
  const authenticator = new Authenticator({
    accounts: credentials,
    allowAnonymous: false,
    anonymousRole: 'staff',
    // The whole fleet reconnects at once when central restarts: they wait their turn (a few KiB
    // each) rather than being refused; two checks still run at a time.
    checksWaiting: LOGINS_WAITING,
    // The staff console logs in with its session's token over WebSocket.
    sessions,
  });
  const staffAuth = new StaffAuth(
    new Authenticator({ accounts: credentials, allowAnonymous: false, anonymousRole: 'staff' }),
    () => {
      metrics.add('auth_failed');
    },
  );
  const hooks = installHooks(aedes, {
    policy: new CentralPolicy(),
    authenticator,
    metrics,
    logger: logger.child({ component: 'hooks' }),
    maxMessageBytes: config.mqtt.maxMessageBytes,
    localPartners: 'any',
    schemaCheck: compiledSchemaCheck(),
    rateLimit: config.mqtt.rateLimit,
    acknowledged: (packet) => brokerStore.acknowledged(packet),
    ...(config.recorder.enabled
      ? {
          record: (packet, decoded, done) => {
            const payload =
              typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
            recorder.record(packet.topic, payload, decoded, (error, recorded) => {
              done(error, recorded !== 'duplicate');
            });
          },
        }
      : {}),
  });

  const stopRevocations = watchRevocations({
    credentials,
    clients: () => Object.values((aedes as unknown as { clients: Record<string, Client> }).clients),
    identityOf: (client) => hooks.identityOf(client),
    changed: () => {
      staffAuth.forget();
    },
    sessionAlive: (id) => sessions.alive(id),
    logger,
  });

  const closeAedes = () =>
    new Promise<void>((resolve) => {
      hooks.close();
      aedes.close(() => {
        resolve();
      });
    });
  const buses = () => credentials.withRole('bus');
  const alerts = new AlertsPublisher({
    store,
    buses,
    thresholds: {
      silentMs: config.alerts.silentMin * 60_000,
      lateS: config.alerts.lateMin * 60,
      backlogS: config.alerts.backlogHours * 3600,
    },
    everyMs: config.alerts.everyS * 1000,
    logger: logger.child({ component: 'alerts' }),
    publish: (payload) => publishRetained(aedes, CENTRAL_ALERTS_TOPIC, payload),
  });
  let api: Awaited<ReturnType<typeof buildApi>> | undefined;
  let listeners;
  let consoleMqtt: WebSocketServer | undefined;
  let httpPort: number;
  try {
    api = await buildApi({
      store,
      recorder,
      auth: staffAuth,
      sessions,
      config,
      consoleDir: consoleDir(),
      buses,
      alerts: () => alerts.alerts,
      counters: () => ({
        ...metrics.snapshot(),
        clients_connected: aedes.connectedClients,
        ...Object.fromEntries(
          Object.entries(recorder.stats()).map(([name, value]) => [`recorder_${name}`, value]),
        ),
      }),
      logger: logger.child({ component: 'api' }),
      version,
      https: apiCertificate(config),
    });
    await aedes.listen();
    const handle = (stream: Duplex, address: string) => {
      hooks.adopt(aedes.handle(stream), address);
    };
    listeners = await startCentralListeners(config.mqtt, handle);
    consoleMqtt = mqttWebSocket(api.server, config.mqtt, handle);
    httpPort = await listenApi(api, config.http);
  } catch (error) {
    stopRevocations();
    await listeners?.close();
    closeWebSocket(consoleMqtt);
    await api?.close();
    await closeAedes();
    await brokerStore.close();
    await recorder.stop();
    throw error;
  }
  const { ports } = listeners;
  if (ports.tcp !== null || ports.ws !== null) {
    logger.warn(
      { tcpPort: ports.tcp, wsPort: ports.ws },
      'plain (unencrypted) MQTT listeners are on: for development only',
    );
  }
  if (!config.recorder.enabled) {
    logger.warn('recorder.enabled is false: nothing is recorded (benchmarks only)');
  }
  if (config.http.plain) {
    logger.warn({ httpPort }, 'the staff API is on plain HTTP: for development only');
  }
  alerts.start();
  logger.info(
    {
      bind: config.mqtt.bind,
      ...ports,
      http: config.http.bind,
      httpPort,
      storage: config.recorder.storage,
      clustered: brokerStore.clustered,
    },
    'central listening',
  );

  return {
    ports,
    httpPort,
    alerts,
    metrics,
    recorder,
    store,
    async stop() {
      stopRevocations();
      await alerts.stop();
      closeWebSocket(consoleMqtt);
      await api.close();
      await listeners.close();
      await closeAedes();
      await brokerStore.close();
      await recorder.stop();
    },
  };
}

/** Closes the console's MQTT over WebSocket and its connections (the API's server waits for them). */
function closeWebSocket(wss: WebSocketServer | undefined): void {
  if (!wss) return;
  for (const socket of wss.clients) socket.terminate();
  wss.close();
}

/** Publishes a message of central's own, retained, QoS 1 (past the hooks: central writes it). */
function publishRetained(aedes: Aedes, topic: string, payload: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    aedes.publish(
      { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false },
      (error) => {
        if (error) reject(error);
        else resolve();
      },
    );
  });
}
