// Central beyond one machine (docs/scaling.md), against real PostgreSQL and Redis servers started
// for the run: the recorder's ingest on PostgreSQL against SQLite; ingest through central with
// one node against two (both on PostgreSQL and Redis), in one run; month reports over a
// generated year of 150 buses on both storages.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseTopic, type MessageOf, type Stream } from '@fsbus/shared';
import { openPostgresStore } from '../src/recorder/postgres-store.js';
import { openSqliteStore } from '../src/recorder/sqlite-store.js';
import type { ArrivedMessage, RecorderStore } from '../src/recorder/store.js';
import { startPostgres, startRedis } from '../../test/db-servers.js';
import { build, median } from './brokers.js';
import {
  backlog,
  busIds,
  centralIdentity,
  fmt,
  ingest,
  startCentral,
  timeReports,
  writeYear,
  type Central,
} from './central-node.js';

const ROUNDS = 5;
const BUSES = 50;
const PER_BUS = 2000;
/** The recorder's batches as central makes them under load (recorder.ts: at most 2,000). */
const BATCH = 2000;

build();
const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-scaling-bench-'));
// fsync on, as in production: a batch counts once on disk, as SQLite's synchronous=FULL.
const [postgres, redis] = await Promise.all([startPostgres({ durable: true }), startRedis()]);
let databases = 0;
const newDatabase = () => postgres.createDatabase(`bench_${String((databases += 1))}`);
const postgresKeys = async () => ({
  storage: 'postgres',
  postgres: { url: await newDatabase(), passwordFile: postgres.passwordFile },
});

/** Messages of `BUSES` buses as central receives them, in recorder batches. */
function arrivals(): ArrivedMessage[][] {
  const messages = busIds
    .slice(0, BUSES)
    .flatMap((busId) => backlog(busId, PER_BUS))
    .map(({ topic, payload }) => ({
      stream: parseTopic(topic).stream,
      message: JSON.parse(payload) as MessageOf<Stream>,
      payload: Buffer.from(payload),
      receivedAt: 0,
    }));
  const batches = [];
  for (let i = 0; i < messages.length; i += BATCH) batches.push(messages.slice(i, i + BATCH));
  return batches;
}

async function recorderIngest(): Promise<void> {
  console.log(
    `\n## Recorder ingest: ${fmt(BUSES * PER_BUS)} messages (fixes, door counts, visits) in batches of ${fmt(BATCH)}, one at a time, each committed and synced`,
  );
  const rates = { sqlite: [] as number[], postgres: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const kinds =
      round % 2 === 0 ? (['sqlite', 'postgres'] as const) : (['postgres', 'sqlite'] as const);
    for (const kind of kinds) {
      const batches = arrivals();
      const store: RecorderStore =
        kind === 'sqlite'
          ? openSqliteStore(path.join(dir, `round-${String(round)}.sqlite`))
          : await openPostgresStore({ url: await newDatabase(), password: postgres.password });
      const start = process.hrtime.bigint();
      for (const batch of batches) await store.write(batch);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      await store.close();
      rates[kind].push((BUSES * PER_BUS) / seconds);
    }
  }
  const ratios = rates.postgres.map((rate, round) => rate / (rates.sqlite[round] ?? rate));
  console.log(`| recorder | msg/s (median of ${String(ROUNDS)}) |`);
  console.log('| --- | --- |');
  console.log(`| SQLite (WAL, synchronous=FULL) | ${fmt(median(rates.sqlite))} |`);
  console.log(`| PostgreSQL (fsync on, over loopback TCP) | ${fmt(median(rates.postgres))} |`);
  console.log(
    `PostgreSQL / SQLite: ${median(ratios).toFixed(2)}x, median of the rounds' (${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)})`,
  );
}

/** `nodes` central nodes on a new database and a new Redis database, until `run` is done. */
async function withCluster<T>(nodes: number, run: (centrals: Central[]) => Promise<T>) {
  const home = mkdtempSync(path.join(dir, 'cluster-'));
  const identity = await centralIdentity(home);
  const keys = {
    recorder: await postgresKeys(),
    cluster: { redisUrl: `${redis.url}/${String(databases % 16)}` },
  };
  const centrals: Central[] = [];
  try {
    for (let i = 0; i < nodes; i++) {
      const nodeDir = path.join(home, `node-${String(i)}`);
      // Not pinned: the nodes, PostgreSQL, Redis and the load share the machine's cores.
      centrals.push(await startCentral(nodeDir, identity, keys, null));
    }
    return await run(centrals);
  } finally {
    for (const central of centrals) central.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

async function nodesIngest(): Promise<void> {
  console.log(
    `\n## Ingest through central on PostgreSQL and Redis: ${String(BUSES)} buses over TLS, ${fmt(BUSES * PER_BUS)} messages a round, 100 in flight per bus, the buses split between the nodes`,
  );
  const rates = { one: [] as number[], two: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 === 0 ? (['one', 'two'] as const) : (['two', 'one'] as const)) {
      const result = await withCluster(mode === 'one' ? 1 : 2, (centrals) =>
        ingest(
          busIds.slice(0, BUSES).map((busId, i) => ({
            central: centrals[i % centrals.length] as Central,
            busId,
            messages: backlog(busId, PER_BUS),
          })),
        ),
      );
      rates[mode].push(result.rate);
    }
  }
  const ratios = rates.two.map((rate, round) => rate / (rates.one[round] ?? rate));
  console.log(`| central | msg/s recorded (median of ${String(ROUNDS)}) |`);
  console.log('| --- | --- |');
  console.log(`| one node | ${fmt(median(rates.one))} |`);
  console.log(`| two nodes | ${fmt(median(rates.two))} |`);
  console.log(
    `two nodes / one: ${median(ratios).toFixed(2)}x, median of the rounds' (${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}), on this machine's ${String(availableParallelism())} cores for everything`,
  );
}

async function reports(): Promise<void> {
  console.log(
    '\n## Month reports over a year of 150 buses (about 1.4 million events), both storages',
  );
  const sqlite = openSqliteStore(path.join(dir, 'year.sqlite'));
  const pg = await openPostgresStore({ url: await newDatabase(), password: postgres.password });
  try {
    const times: Record<string, number> = {};
    for (const [name, store] of [
      ['SQLite', sqlite],
      ['PostgreSQL', pg],
    ] as const) {
      const start = Date.now();
      const rows = await writeYear(store, 150);
      times[name] = (Date.now() - start) / 1000;
      console.log(`(${name}: ${fmt(rows)} messages written in ${times[name].toFixed(0)} s)`);
    }
    const onSqlite = await timeReports(sqlite, '2025-10', 'bfs-test-42');
    const onPostgres = await timeReports(pg, '2025-10', 'bfs-test-42');
    console.log('| report | grouped by | rows | SQLite ms | PostgreSQL ms | PostgreSQL / SQLite |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    onSqlite.forEach((s, i) => {
      const p = onPostgres[i];
      if (p === undefined) return;
      if (p.rows !== s.rows)
        throw new Error(
          `${s.report} by ${s.by}: ${String(s.rows)} rows on SQLite, ${String(p.rows)} on PostgreSQL`,
        );
      console.log(
        `| ${s.report} | ${s.by} | ${s.by === '-' ? '-' : fmt(s.rows)} | ${s.ms.toFixed(1)} | ${p.ms.toFixed(1)} | ${(p.ms / s.ms).toFixed(2)}x |`,
      );
    });
  } finally {
    await sqlite.close();
    await pg.close();
  }
}

try {
  await recorderIngest();
  await nodesIngest();
  await reports();
} finally {
  await Promise.all([postgres.stop(), redis.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
