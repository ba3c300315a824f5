// fsbus-central: sustained ingest from simulated buses over loopback TLS, every message checked
// and recorded before its PUBACK, against the same central with the recorder off, in one run;
// the drain of 100 buses' day backlogs arriving at once; and the query time of month reports
// over a generated year of 150 buses.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  EXAMPLES,
  MessageFactory,
  parseTopic,
  topicFor,
  type BodyOf,
  type MessageOf,
  type Stream,
} from '@fsbus/shared';
import { hashPassword } from '@fsbus/shared/node';
import { writeCredentials } from '../src/central/credentials.js';
import { runReport, monthlyReport, REPORT_NAMES, GROUPINGS } from '../src/reports/reports.js';
import { parsePeriod } from '../src/reports/period.js';
import { openSqliteStore } from '../src/recorder/sqlite-store.js';
import { freePort, makePki } from '../../test/central-stand-in.js';
import { fleetMonth } from '../../test/fleet-month.js';
import { BROKER_CPU, build, median, peakRss, pinLoad, pinned } from './brokers.js';
import { connectBus } from './bus-client.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'bench password, not secret';
const INGEST_BUSES = 50;
const INGEST_MESSAGES = 2000;
const DRAIN_BUSES = 100;
/** Rounds of on and off, back to back: the ratio is each round's, as the machine's speed drifts. */
const ROUNDS = 5;

function bodyOf<S extends Stream>(stream: S): BodyOf<S> {
  const envelope = new Set(['v', 'busId', 'id', 'seq', 'ts', 'source']);
  return Object.fromEntries(
    Object.entries(EXAMPLES[stream]).filter(([key]) => !envelope.has(key)),
  ) as BodyOf<S>;
}

/** A bus's messages as its uplink sends them: fixes mostly, door counts and visits. */
function backlog(busId: string, count: number) {
  const bridge = new MessageFactory({ busId, source: 'bridge' });
  const kiosk = new MessageFactory({ busId, source: 'kiosk-1' });
  const fix = bodyOf('gnss');
  const door = bodyOf('door');
  const visit = bodyOf('visit');
  return Array.from({ length: count }, (_, i) => {
    const [stream, message] =
      i % 10 === 8
        ? (['door', bridge.create('door', door)] as const)
        : i % 10 === 9
          ? (['visit', kiosk.create('visit', visit)] as const)
          : (['gnss', bridge.create('gnss', fix)] as const);
    return { topic: topicFor(stream, busId), payload: JSON.stringify(message) };
  });
}

interface Central {
  readonly process: ChildProcess;
  readonly port: number;
  readonly ca: Buffer;
  stop(): void;
}

const busIds = Array.from(
  { length: Math.max(INGEST_BUSES, DRAIN_BUSES) },
  (_, i) => `bfs-bench-${String(i + 1).padStart(3, '0')}`,
);

async function startCentral(dir: string, recorder: boolean): Promise<Central> {
  const pki = await makePki(dir);
  const port = await freePort();
  const dataDir = path.join(dir, 'data');
  const config = path.join(dir, 'central.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      dataDir,
      log: { level: 'warn' },
      http: { port: 0 },
      mqtt: {
        tlsPort: port,
        tls: { certFile: pki.certFile, keyFile: pki.keyFile },
        // The rate limit would pace a single bus below what is measured here: out of the way.
        rateLimit: { messagesPerSecond: 1_000_000, burst: 1_000_000 },
      },
      recorder: { enabled: recorder },
    }),
  );
  // Cheap hashes: 150 logins at once measure scrypt, not ingest.
  const passwordHash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
  writeCredentials(path.join(dataDir, 'credentials.json'), {
    version: 1,
    accounts: busIds.map((username) => ({
      username,
      role: 'bus' as const,
      passwordHash,
      createdAt: new Date().toISOString(),
    })),
  });
  const child = spawn(
    ...pinned(BROKER_CPU, path.join(ROOT, 'broker/bin/fsbus-central.js'), ['--config', config]),
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const ca = readFileSync(pki.caFile);
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const probe = await connectBus({ port, ca, username: busIds[0] ?? '', password: PASSWORD });
      probe.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    process: child,
    port,
    ca,
    stop: () => {
      child.kill('SIGKILL');
    },
  };
}

/** Every bus sends its messages at once, 100 in flight each: messages per second acknowledged. */
async function ingest(
  central: Central,
  loads: { busId: string; messages: { topic: string; payload: string }[] }[],
) {
  const clients = await Promise.all(
    loads.map(({ busId }) =>
      connectBus({ port: central.port, ca: central.ca, username: busId, password: PASSWORD }),
    ),
  );
  const peak = peakRss(central.process.pid);
  const start = process.hrtime.bigint();
  await Promise.all(clients.map((client, i) => client.send(loads[i]?.messages ?? [])));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakMiB = peak.stop();
  for (const client of clients) client.close();
  const total = loads.reduce((sum, load) => sum + load.messages.length, 0);
  return { rate: total / seconds, seconds, peakMiB };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits });

async function ingestComparison(): Promise<void> {
  console.log(
    `\n## Sustained ingest: ${String(INGEST_BUSES)} buses over TLS, ${fmt(INGEST_BUSES * INGEST_MESSAGES)} messages a round, 100 in flight per bus`,
  );
  const rates = { on: [] as number[], off: [] as number[] };
  const peaks = { on: [] as number[], off: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-central-bench-'));
      const central = await startCentral(dir, mode === 'on');
      try {
        const loads = busIds
          .slice(0, INGEST_BUSES)
          .map((busId) => ({ busId, messages: backlog(busId, INGEST_MESSAGES) }));
        const result = await ingest(central, loads);
        rates[mode].push(result.rate);
        peaks[mode].push(result.peakMiB);
      } finally {
        central.stop();
        rmSync(dir, { recursive: true, force: true });
      }
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
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-central-bench-'));
  const central = await startCentral(dir, true);
  try {
    const loads = busIds
      .slice(0, DRAIN_BUSES)
      .map((busId) => ({ busId, messages: backlog(busId, perBus) }));
    const result = await ingest(central, loads);
    console.log(
      `${fmt(DRAIN_BUSES * perBus)} messages recorded in ${result.seconds.toFixed(1)} s (${fmt(result.rate)} msg/s), central's peak RSS ${fmt(result.peakMiB)} MiB`,
    );
  } finally {
    central.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A year of 150 buses' events (no fixes: reports do not read them), kept between runs. */
async function yearOfFleet(): Promise<string> {
  const file = path.join(tmpdir(), 'fsbus-bench-year-150-v3.sqlite');
  if (existsSync(file)) return file;
  const building = `${file}.building`;
  rmSync(building, { force: true });
  const store = openSqliteStore(building);
  let rows = 0;
  const started = Date.now();
  for (let m = 1; m <= 12; m++) {
    const month = `2025-${String(m).padStart(2, '0')}`;
    const { messages } = fleetMonth(month, 150, m);
    for (let start = 0; start < messages.length; start += 5000) {
      const batch = messages.slice(start, start + 5000).map((message) => ({
        stream: parseTopic(message.topic).stream,
        message: JSON.parse(message.payload) as MessageOf<Stream>,
        payload: Buffer.from(message.payload),
        receivedAt: Date.now(),
      }));
      await store.write(batch);
      rows += batch.length;
    }
  }
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
  const period = parsePeriod('2025-10');
  console.log('| report | grouped by | rows | ms (median of 5) |');
  console.log('| --- | --- | --- | --- |');
  try {
    for (const report of REPORT_NAMES) {
      for (const by of GROUPINGS[report]) {
        const times: number[] = [];
        let rows = 0;
        for (let i = 0; i < 5; i++) {
          const start = process.hrtime.bigint();
          rows = (await runReport(store, { report, period, by, buses: [] })).rows.length;
          times.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
        console.log(`| ${report} | ${by} | ${fmt(rows)} | ${median(times).toFixed(1)} |`);
      }
    }
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      await monthlyReport(store, 'bfs-test-42', period);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    console.log(`| monthly file of one bus | - | - | ${median(times).toFixed(1)} |`);
  } finally {
    await store.close();
  }
}

build();
pinLoad();
await ingestComparison();
await drain();
await queries();
