// The recorder's two storages for tests that must pass on both: SQLite files, and databases on
// a real PostgreSQL server (one per test file, started by `setUp` and stopped by `tearDown`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connectionString, openPostgresStore } from '../broker/src/recorder/postgres-store.js';
import { openSqliteStore, SqliteStore } from '../broker/src/recorder/sqlite-store.js';
import type { RecorderStore } from '../broker/src/recorder/store.js';
import { startPostgres, type TestPostgres } from './db-servers.js';

export interface StorageUnderTest {
  readonly name: 'sqlite' | 'postgres';
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** Where a new, empty store lives (a file, a database URL). */
  place(): Promise<string>;
  /** Opens the store at a place (again, for a restart). */
  open(place: string): Promise<RecorderStore>;
  /** Runs a statement beside the store (a trigger that fails inserts, say). */
  exec(store: RecorderStore, sql: { sqlite: string; postgres: string }): Promise<void>;
  /** The recorder config keys that choose this storage at a place. */
  config(place: string): Record<string, unknown>;
}

export function sqliteStorage(): StorageUnderTest {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    setUp: () => Promise.resolve(),
    tearDown: () => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
    place: () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-recorder-'));
      dirs.push(dir);
      return Promise.resolve(path.join(dir, 'central.sqlite'));
    },
    open: (file) => Promise.resolve(openSqliteStore(file)),
    exec: (store, sql) => {
      if (!(store instanceof SqliteStore)) throw new Error('not a SQLite store');
      store.db.exec(sql.sqlite);
      return Promise.resolve();
    },
    config: (file) => ({ storage: 'sqlite', path: file }),
  };
}

export function postgresStorage(): StorageUnderTest {
  let server: TestPostgres | null = null;
  let databases = 0;
  const urls = new WeakMap<RecorderStore, string>();
  const running = () => {
    if (server === null) throw new Error('PostgreSQL is not started: call setUp first');
    return server;
  };
  return {
    name: 'postgres',
    setUp: async () => {
      server = await startPostgres();
    },
    tearDown: async () => {
      await server?.stop();
      server = null;
    },
    place: () => {
      databases += 1;
      return running().createDatabase(`recorder_${String(databases)}`);
    },
    open: async (url) => {
      const store = await openPostgresStore({ url, password: running().password });
      urls.set(store, url);
      return store;
    },
    exec: async (store, sql) => {
      const url = urls.get(store);
      if (url === undefined) throw new Error('not a PostgreSQL store of this harness');
      const client = new pg.Client({ connectionString: connectionString(url, running().password) });
      await client.connect();
      try {
        await client.query(sql.postgres);
      } finally {
        await client.end();
      }
    },
    config: (url) => ({
      storage: 'postgres',
      postgres: { url, passwordFile: running().passwordFile },
    }),
  };
}

/** Both storages, for `describe.each`. */
export const STORAGES = [sqliteStorage, postgresStorage] as const;
