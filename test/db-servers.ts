// Real database servers for tests and benchmarks: Debian's PostgreSQL and Redis, each in a
// temporary folder on a free loopback port, stopped and removed by what started them. As root
// (CI), PostgreSQL runs as the `postgres` user Debian's package creates: it refuses root.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { connectionString } from '../broker/src/recorder/postgres-store.js';
import { freePort } from './central-stand-in.js';

export interface TestPostgres {
  /** postgres://fsbus@127.0.0.1:port/fsbus (no password in it). */
  readonly url: string;
  readonly password: string;
  /** A file holding the password, as recorder.postgres.passwordFile names one. */
  readonly passwordFile: string;
  /** A new, empty database on this server, and its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * Stops the server (a fast shutdown: its sessions end) and starts it again, data kept, once
   * `down` (what to wait for meanwhile) resolves.
   */
  restart(down?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface TestRedis {
  readonly url: string;
  /** Stops the server and starts it again on its port, its append-only file kept, after `down`. */
  restart(down?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** The folder of PostgreSQL's server programs: Debian's newest, else the PATH's. */
function postgresBin(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((name) => existsSync(path.join(debian, name, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return path.join(debian, versions[0], 'bin');
  }
  return '';
}

/** Who runs PostgreSQL: this process, or the `postgres` user when this is root. */
function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Polls `check` until it resolves true, or throws after `ms` with the last error it threw. */
async function waitFor(what: string, check: () => Promise<void>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    let last: unknown;
    try {
      await check();
      return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not start within ${String(ms)} ms: ${String(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  child.kill(signal);
  return exited;
}

/**
 * A server process: started by `launch`, ready once `ready` resolves; `restart` stops it (its
 * data kept) and starts it again on the same port, as a server restarted under its clients.
 */
async function serverProcess(
  name: string,
  launch: () => ChildProcess,
  ready: () => Promise<void>,
  signal: NodeJS.Signals,
) {
  let log = '';
  let child: ChildProcess;
  const start = async () => {
    child = launch();
    const started = child;
    for (const stream of [started.stdout, started.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4000);
      });
    }
    await waitFor(name, async () => {
      if (started.exitCode !== null) throw new Error(`${name} exited: ${log}`);
      await ready();
    });
  };
  await start();
  return {
    stop: () => stopChild(child, signal),
    restart: async (down?: () => Promise<void>) => {
      await stopChild(child, signal);
      await down?.();
      await start();
    },
  };
}

/**
 * A PostgreSQL server of its own (initdb, then postgres on 127.0.0.1 only, no Unix socket),
 * with a superuser `fsbus` whose password is checked (scram-sha-256) and a database `fsbus`.
 * `durable: false` (tests) turns fsync off; a benchmark keeps it on, as in production.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-pg-'));
  const user = postgresUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const bin = postgresBin();
  const program = (name: string) => (bin === '' ? name : path.join(bin, name));
  const password = 'fsbus test secret';
  const passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`);
  if (user) chownSync(passwordFile, user.uid, user.gid);
  const data = path.join(dir, 'data');
  execFileSync(
    program('initdb'),
    [
      '-D',
      data,
      '-U',
      'fsbus',
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ],
    { stdio: 'pipe', ...(user ?? {}) },
  );
  const port = await freePort();
  const url = (database: string) => `postgres://fsbus@127.0.0.1:${String(port)}/${database}`;
  const admin = () =>
    new pg.Client({ connectionString: connectionString(url('postgres'), password) });
  let server: Awaited<ReturnType<typeof serverProcess>>;
  try {
    server = await serverProcess(
      'PostgreSQL',
      () =>
        spawn(
          program('postgres'),
          [
            '-D',
            data,
            '-p',
            String(port),
            '-c',
            'listen_addresses=127.0.0.1',
            '-c',
            'unix_socket_directories=',
            '-c',
            `fsync=${options.durable === true ? 'on' : 'off'}`,
            '-c',
            'max_connections=200',
          ],
          { stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}) },
        ),
      async () => {
        const client = admin();
        try {
          await client.connect();
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      // Fast shutdown: sessions are ended, as by a restart of the service.
      'SIGINT',
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const createDatabase = async (name: string) => {
    const client = admin();
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return url(name);
  };
  await createDatabase('fsbus');
  return {
    url: url('fsbus'),
    password,
    passwordFile,
    createDatabase,
    restart: server.restart,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Redis server of its own on 127.0.0.1, its append-only file synced on every write (what
 * docs/scaling.md asks of production).
 */
export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${String(port)}`;
  let server: Awaited<ReturnType<typeof serverProcess>>;
  try {
    server = await serverProcess(
      'Redis',
      () =>
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--dir',
            dir,
            '--save',
            '',
            '--appendonly',
            'yes',
            '--appendfsync',
            'always',
            '--protected-mode',
            'yes',
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      async () => {
        const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.ping();
        } finally {
          client.disconnect();
        }
      },
      'SIGTERM',
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    restart: server.restart,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
