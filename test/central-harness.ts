// fsbus-central for tests: a test CA, a config file, accounts with known passwords, and central
// itself, in this process (its store and logs at hand) or as the built service (to kill it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { CentralRole } from '@fsbus/shared';
import { createLogger, hashPassword, loadCentralConfig } from '@fsbus/shared/node';
import { startCentral, type RunningCentral } from '../broker/src/central/main.js';
import { writeCredentials } from '../broker/src/central/credentials.js';
import { TABLES } from '../broker/src/recorder/tables.js';
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
  /** The recorder's database. */
  readonly recorderFile: string;
}

/**
 * A folder with a test CA, a central config (TLS on a free port, WSS off unless asked, `more`
 * keys at the top: a recorder, a cluster) and a credentials file with these accounts.
 */
export async function centralSetup(
  dir: string,
  accounts: readonly { username: string; role: CentralRole }[],
  mqttKeys: Record<string, unknown> = {},
  httpKeys: Record<string, unknown> = {},
  more: Record<string, unknown> = {},
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
      http: { bind: '127.0.0.1', port: 0, ...httpKeys },
      mqtt: {
        bind: '127.0.0.1',
        tlsPort,
        tls: { certFile: pki.certFile, keyFile: pki.keyFile },
        ...mqttKeys,
      },
      ...more,
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
  return {
    dir,
    pki,
    configFile,
    tlsPort,
    url: `mqtts://127.0.0.1:${String(tlsPort)}`,
    recorderFile: config.recorder.path,
  };
}

/**
 * Another node of the same central (a cluster): the setup's config with its own data folder and
 * TLS port, the same certificate, accounts, recorder and Redis.
 */
export async function anotherNode(setup: CentralSetup, dir: string): Promise<CentralSetup> {
  mkdirSync(dir, { recursive: true });
  const config = JSON.parse(readFileSync(setup.configFile, 'utf8')) as {
    mqtt: Record<string, unknown>;
  } & Record<string, unknown>;
  const tlsPort = await freePort();
  const configFile = path.join(dir, 'central.yaml');
  writeFileSync(
    configFile,
    `${JSON.stringify({
      ...config,
      dataDir: path.join(dir, 'central'),
      credentialsFile: loadCentralConfig({ file: setup.configFile }).credentialsFile,
      mqtt: { ...config.mqtt, tlsPort },
    })}\n`,
  );
  return {
    ...setup,
    dir,
    configFile,
    tlsPort,
    url: `mqtts://127.0.0.1:${String(tlsPort)}`,
    recorderFile: loadCentralConfig({ file: configFile }).recorder.path,
  };
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

export interface CentralProcess {
  readonly port: number;
  /** Stops it (SIGTERM: a clean stop; SIGKILL: a crash) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data, once it answers logins. */
  restart(): Promise<void>;
}

/**
 * The built service (its launcher, as a service manager runs it), ready once a TLS client gets
 * a CONNACK; `account` is one it can log in with to check.
 */
export async function centralProcess(
  setup: CentralSetup,
  account: string,
): Promise<CentralProcess> {
  let child: ChildProcess | null = null;
  const launch = async () => {
    const started = spawn(
      path.join(ROOT, 'broker/bin/fsbus-central.js'),
      ['serve', '--config', setup.configFile],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    started.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child = started;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`fsbus-central exited: ${stderr}`);
      const probe = connectToCentral(setup, account, { connectTimeout: 1000 });
      const answered = await connected(probe).then(
        () => true,
        () => false,
      );
      probe.end(true);
      if (answered) return;
      if (Date.now() > deadline) throw new Error(`fsbus-central did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await launch();
  return {
    port: setup.tlsPort,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      const running: ChildProcess | null = child;
      if (running === null || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
    restart: launch,
  };
}

/** Every keyed table of the recorder: where an envelope id can be. */
const MESSAGE_TABLES = TABLES.filter((table) => table.key === 'id').map((table) => table.name);

/**
 * What central recorded, read from its database (read-only, beside the running central): the
 * ids of every message, the rows of a query.
 */
export class CentralRecord {
  #db: Database.Database | null = null;

  constructor(private readonly file: string) {}

  /** Every envelope id recorded: a query of every table, so take it once per check. */
  ids(): Set<string> {
    const db = this.#open();
    if (db === null) return new Set();
    const union = MESSAGE_TABLES.map((table) => `SELECT id FROM ${table}`).join(' UNION ALL ');
    return new Set(db.prepare(union).pluck().all() as string[]);
  }

  rows<T>(sql: string, ...params: unknown[]): T[] {
    const db = this.#open();
    return db === null ? [] : (db.prepare(sql).all(...params) as T[]);
  }

  close(): void {
    this.#db?.close();
    this.#db = null;
  }

  #open(): Database.Database | null {
    if (this.#db === null && existsSync(this.file)) {
      this.#db = new Database(this.file, { readonly: true, fileMustExist: true });
    }
    return this.#db;
  }
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

/** A GET on central's staff API over HTTPS with the test CA, as `username`. */
export function apiGet(
  setup: CentralSetup,
  port: number,
  path: string,
  username: string | null,
): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: readFileSync(setup.pki.caFile),
        ...(username === null ? {} : { auth: `${username}:${secretOf(username)}` }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            type: response.headers['content-type'] ?? '',
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** The same, expecting 200 and JSON. */
export async function apiJson<T>(
  setup: CentralSetup,
  port: number,
  path: string,
  username = 'marie',
): Promise<T> {
  const response = await apiGet(setup, port, path, username);
  if (response.status !== 200) {
    throw new Error(`GET ${path}: ${String(response.status)} ${response.body.toString()}`);
  }
  return JSON.parse(response.body.toString('utf8')) as T;
}
