// Test harness: a real fsbus-broker on ephemeral loopback ports, with accounts per role, and
// mqtt.js clients that log in to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import mqtt, { ErrorWithSubackPacket, type IClientOptions, type MqttClient } from 'mqtt';
import { ConfigSchema, type Config, type OnBoardRole } from '@fsbus/shared';
import { createLogger, hashPassword } from '@fsbus/shared/node';
import { startBroker, type RunningBroker } from '../src/main.js';

export const BUS = 'bfs-87-012';
export const PASSWORD = 'correct horse battery staple';

/** One account per role, named after it, plus a second kiosk. */
export const ACCOUNTS: readonly { username: string; role: OnBoardRole }[] = [
  { username: 'bridge', role: 'bridge' },
  { username: 'kiosk-1', role: 'kiosk' },
  { username: 'kiosk-2', role: 'kiosk' },
  { username: 'driver', role: 'driver' },
  { username: 'monitor', role: 'monitor' },
];

// Cheap hashes keep logins fast in tests; production uses the default cost.
const hash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });

export interface TestBroker {
  readonly broker: RunningBroker;
  readonly config: Config;
  readonly url: string;
  readonly wsUrl: string;
  /** JSON log lines the broker wrote. */
  readonly logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** The config of a test broker; `broker` keys override the defaults. */
export function testConfig(
  dataDir: string,
  broker: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Config {
  return ConfigSchema.parse({
    busId: BUS,
    dataDir,
    broker: {
      tcpPort: 0,
      wsPort: 0,
      users: ACCOUNTS.map((account) => ({ ...account, passwordHash: hash })),
      ...broker,
    },
    ...extra,
  });
}

/**
 * Starts a broker from a config; without one, in a fresh data dir that stop() removes (a test
 * that names its own dir, e.g. to restart on it, removes it itself).
 */
export async function startTestBroker(config?: Config): Promise<TestBroker> {
  const owned = config === undefined;
  config ??= testConfig(mkdtempSync(path.join(tmpdir(), 'fsbus-broker-')));
  const dataDir = config.dataDir;
  const logs: Record<string, unknown>[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ service: 'broker', level: 'debug', destination: sink });
  const broker = await startBroker({ config, logger, version: '0.1.0' });
  return {
    broker,
    config,
    url: `mqtt://127.0.0.1:${broker.tcpPort}`,
    wsUrl: `ws://127.0.0.1:${broker.wsPort}${config.broker.wsPath}`,
    logs,
    stop: async () => {
      await broker.stop();
      if (owned) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Connects and resolves once CONNACK accepted; rejects with the refusal (error.code = return code). */
export async function connect(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => {
        resolve();
      });
      client.once('error', reject);
      client.once('close', () => {
        reject(new Error('closed before CONNACK'));
      });
    });
    return client;
  } catch (error) {
    client.end(true);
    throw error;
  }
}

/** Logs in as one of ACCOUNTS. */
export function login(
  url: string,
  username: string,
  options: IClientOptions = {},
): Promise<MqttClient> {
  return connect(url, {
    username,
    password: PASSWORD,
    clientId: `${username}-${Math.random().toString(16).slice(2, 8)}`,
    ...options,
  });
}

/** The granted QoS of one subscription (128 = refused). */
export async function subscribe(
  client: MqttClient,
  topic: string,
  qos: 0 | 1 = 1,
): Promise<number> {
  try {
    const granted = await client.subscribeAsync(topic, { qos });
    return granted[0]?.qos ?? -1;
  } catch (error) {
    // mqtt.js rejects on a refused subscription; the SUBACK it got is on the error.
    if (error instanceof ErrorWithSubackPacket) {
      const granted: unknown = error.packet.granted[0];
      return typeof granted === 'number' ? granted : -1;
    }
    throw error;
  }
}

/** Collects messages a client receives. */
export function collect(client: MqttClient): { topic: string; payload: string; retain: boolean }[] {
  const received: { topic: string; payload: string; retain: boolean }[] = [];
  client.on('message', (topic, payload, packet) =>
    received.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  return received;
}

/** Waits until `condition` holds, polling; fails with `what` after the deadline. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string | (() => string),
  deadlineMs = 5000,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function end(...clients: MqttClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.endAsync(true)));
}

/** The CONNACK return code of a refused connection; fails when the connection is accepted. */
export async function refusal(attempt: Promise<unknown>): Promise<number> {
  try {
    await attempt;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
  throw new Error('the connection was accepted');
}
