// fsbus-central: sustained ingest from simulated buses over loopback TLS, every message checked
// and recorded before its PUBACK, against the same central with the recorder off, in one run;
// the drain of 100 buses' day backlogs arriving at once; and the query time of month reports
// over a generated year of 150 buses.
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../src/recorder/sqlite-store.js';
import { build, median, pinLoad } from './brokers.js';
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

const INGEST_BUSES = 50;
const INGEST_MESSAGES = 2000;
const DRAIN_BUSES = 100;
/** Rounds of on and off, back to back: the ratio is each round's, as the machine's speed drifts. */
const ROUNDS = 5;

/** A central alone in a new folder, recorder on or off; `run` uses it, then it is removed. */
async function withCentral<T>(recorder: boolean, run: (central: Central) => Promise<T>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-central-bench-'));
  try {
    const central = await startCentral(dir, await centralIdentity(dir), {
      recorder: { enabled: recorder },
    });
    try {
      return await run(central);
    } finally {
      central.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadsOn = (central: Central, buses: number, messages: number) =>
  busIds.slice(0, buses).map((busId) => ({ central, busId, messages: backlog(busId, messages) }));

async function ingestComparison(): Promise<void> {
  console.log(
    `\n## Sustained ingest: ${String(INGEST_BUSES)} buses over TLS, ${fmt(INGEST_BUSES * INGEST_MESSAGES)} messages a round, 100 in flight per bus`,
  );
  const rates = { on: [] as number[], off: [] as number[] };
  const peaks = { on: [] as number[], off: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const result = await withCentral(mode === 'on', (central) =>
        ingest(loadsOn(central, INGEST_BUSES, INGEST_MESSAGES)),
      );
      rates[mode].push(result.rate);
      peaks[mode].push(result.peakMiB);
    }
  }
  const on = median(rates.on);
  const off = median(rates.off);
  const ratios = rates.on.map((rate, round) => rate / (rates.off[round] ?? rate));
  console.log(`| central | msg/s (median of ${String(ROUNDS)}) | peak RSS MiB |`);
  console.log('| --- | --- | --- |');
  console.log(`| recorder off (broker alone) | ${fmt(off)} | ${fmt(median(peaks.off))} |`);
  console.log(
    `| recorder on (validated, recorded, PUBACK after commit) | ${fmt(on)} | ${fmt(median(peaks.on))} |`,
  );
  console.log(
    `recorder on / off: ${median(ratios).toFixed(2)}x, median of the rounds' (${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}; target >= 0.5x); recorded: ${fmt(on)} msg/s (target >= 5,000)`,
  );
}

async function drain(): Promise<void> {
  const perBus = 1500;
  console.log(
    `\n## Drain: ${String(DRAIN_BUSES)} buses' day backlogs (${fmt(perBus)} messages each) arriving at once, recorder on`,
  );
  const result = await withCentral(true, (central) =>
    ingest(loadsOn(central, DRAIN_BUSES, perBus)),
  );
  console.log(
    `${fmt(DRAIN_BUSES * perBus)} messages recorded in ${result.seconds.toFixed(1)} s (${fmt(result.rate)} msg/s), central's peak RSS ${fmt(result.peakMiB)} MiB`,
  );
}

/** A year of 150 buses' events (no fixes: reports do not read them), kept between runs. */
async function yearOfFleet(): Promise<string> {
  const file = path.join(tmpdir(), 'fsbus-bench-year-150-v3.sqlite');
  if (existsSync(file)) return file;
  const building = `${file}.building`;
  rmSync(building, { force: true });
  const store = openSqliteStore(building);
  const started = Date.now();
  const rows = await writeYear(store, 150);
  await store.close();
  renameSync(building, file);
  console.log(
    `(generated ${fmt(rows)} messages in ${((Date.now() - started) / 1000).toFixed(0)} s, kept in ${file})`,
  );
  return file;
}

async function queries(): Promise<void> {
  console.log('\n## Month reports over a year of 150 buses (SQLite, about 1.4 million events)');
  const store = openSqliteStore(await yearOfFleet());
  console.log('| report | grouped by | rows | ms (median of 5) |');
  console.log('| --- | --- | --- | --- |');
  try {
    for (const { report, by, rows, ms } of await timeReports(store, '2025-10', 'bfs-test-42'))
      console.log(`| ${report} | ${by} | ${by === '-' ? '-' : fmt(rows)} | ${ms.toFixed(1)} |`);
  } finally {
    await store.close();
  }
}

build();
pinLoad();
await ingestComparison();
await drain();
await queries();
