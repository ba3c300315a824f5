// fsbus-central for tests: a test CA, a config file, accounts with known passwords, and central
// itself, in this process (its store and logs at hand) or as the built service (to kill it).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { CentralRole } from '@fsbus/shared';
import { createLogger, hashPassword, loadCentralConfig } from '@fsbus/shared/node';
import { startCentral, type RunningCentral } from '../broker/src/central/main.js';
import { writeCredentials } from '../broker/src/central/credentials.js';
import { freePort, makePki, type TestPki } from './central-stand-in.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The password of every test account: its name, then " secret". */
export const secretOf = (username: string) => `${username} secret`;

// Cheap hashes keep logins fast in tests; production uses the default cost.
const cheap = { N: 1024, r: 8, p: 1 };

export interface CentralSetup {
  readonly dir: string;
  readonly pki: TestPki;
  readonly configFile: string;
  /** mqtts:// port (fixed, so a restarted central comes back on it). */
  readonly tlsPort: number;
  readonly url: string;
}

/**
 * A folder with a test CA, a central config (TLS on a free port, WSS off unless asked) and a
 * credentials file with these accounts.
 */
export async function centralSetup(
  dir: string,
  accounts: readonly { username: string; role: CentralRole }[],
  mqttKeys: Record<string, unknown> = {},
): Promise<CentralSetup> {
  mkdirSync(dir, { recursive: true });
  const pki = await makePki(dir);
  const tlsPort = await freePort();
  const configFile = path.join(dir, 'central.yaml');
  writeFileSync(
    configFile,
    `${JSON.stringify({
      dataDir: path.join(dir, 'central'),
      log: { level: 'debug' },
      mqtt: {
        bind: '127.0.0.1',
        tlsPort,
        tls: { certFile: pki.certFile, keyFile: pki.keyFile },
        ...mqttKeys,
      },
    })}\n`,
  );
  const config = loadCentralConfig({ file: configFile });
  writeCredentials(config.credentialsFile, {
    version: 1,
    accounts: await Promise.all(
      accounts.map(async ({ username, role }) => ({
        username,
        role,
        passwordHash: await hashPassword(secretOf(username), cheap),
        createdAt: new Date().toISOString(),
      })),
    ),
  });
  return { dir, pki, configFile, tlsPort, url: `mqtts://127.0.0.1:${String(tlsPort)}` };
}

export interface InProcessCentral {
  readonly central: RunningCentral;
  readonly logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Central in this process, from the setup's config file. */
export async function startCentralHere(setup: CentralSetup): Promise<InProcessCentral> {
  const config = loadCentralConfig({ file: setup.configFile });
  const logs: Record<string, unknown>[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ service: 'central', level: 'debug', destination: sink });
  const central = await startCentral({ config, logger, version: '0.1.0' });
  return { central, logs, stop: () => central.stop() };
}

/** The built service (its launcher, as a service manager runs it); `start` again after a kill. */
export function builtCentral(setup: CentralSetup) {
  let child: ChildProcess | null = null;
  return {
    start(): ChildProcess {
      child = spawn(
        path.join(ROOT, 'broker/bin/fsbus-central.js'),
        ['serve', '--config', setup.configFile],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      return child;
    },
    get child(): ChildProcess | null {
      return child;
    },
  };
}

/** An mqtt.js client logged in to central as `username` over TLS with the test CA. */
export function connectToCentral(
  setup: CentralSetup,
  username: string,
  options: IClientOptions = {},
): MqttClient {
  return mqtt.connect(setup.url, {
    username,
    password: secretOf(username),
    clientId: `${username}-test-${Math.random().toString(16).slice(2, 8)}`,
    ca: readFileSync(setup.pki.caFile),
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
}

/** Connects, or rejects with the connection error (a refused login has its CONNACK code). */
export function connected(client: MqttClient): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => {
      resolve(client);
    });
    client.once('error', reject);
    client.once('close', () => {
      reject(new Error('closed before CONNACK'));
    });
  });
}
