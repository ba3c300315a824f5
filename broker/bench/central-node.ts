// fsbus-central for the benchmarks: its built service in a child process (pinned to the broker's
// core unless told otherwise), accounts for simulated buses, their messages, and a year of a
// fleet's events written into a recorder store.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  MessageFactory,
  parseTopic,
  topicFor,
  type MessageOf,
  type Stream,
  exampleBody,
} from '@fsbus/shared';
import { hashPassword } from '@fsbus/shared/node';
import { writeCredentials } from '../src/central/credentials.js';
import type { RecorderStore } from '../src/recorder/store.js';
import { parsePeriod } from '../src/reports/period.js';
import { GROUPINGS, monthlyReport, REPORT_NAMES, runReport } from '../src/reports/reports.js';
import { freePort, makePki, type TestPki } from '../../test/central-stand-in.js';
import { fleetMonth } from '../../test/fleet-month.js';
import { BROKER_CPU, median, peakRss, pinned } from './brokers.js';
import { connectBus } from './bus-client.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'bench password, not secret';

/** The simulated buses' accounts, bfs-bench-001 and on. */
export const busIds = Array.from(
  { length: 150 },
  (_, i) => `bfs-bench-${String(i + 1).padStart(3, '0')}`,
);

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits });

/** A bus's messages as its uplink sends them: fixes mostly, door counts and visits. */
export function backlog(busId: string, count: number) {
  const bridge = new MessageFactory({ busId, source: 'bridge' });
  const kiosk = new MessageFactory({ busId, source: 'kiosk-1' });
  const fix = exampleBody('gnss');
  const door = exampleBody('door');
  const visit = exampleBody('visit');
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

export interface Central {
  readonly process: ChildProcess;
  readonly port: number;
  readonly ca: Buffer;
  stop(): void;
}

/** What the nodes of one central share: the certificate and the accounts. */
export interface CentralIdentity {
  readonly pki: TestPki;
  readonly credentialsFile: string;
}

/** A test CA and a credentials file with every bench bus, in `dir`. */
export async function centralIdentity(dir: string): Promise<CentralIdentity> {
  const pki = await makePki(dir);
  // Cheap hashes: 150 logins at once measure scrypt, not ingest.
  const passwordHash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
  const credentialsFile = path.join(dir, 'credentials.json');
  writeCredentials(credentialsFile, {
    version: 1,
    accounts: busIds.map((username) => ({
      username,
      role: 'bus' as const,
      passwordHash,
      createdAt: new Date().toISOString(),
    })),
  });
  return { pki, credentialsFile };
}

/**
 * Starts the built central in `dir` with these config keys (`recorder`, `cluster`), once a bus
 * can log in; `cpu`: the core it is pinned to (null: wherever the system puts it).
 */
export async function startCentral(
  dir: string,
  identity: CentralIdentity,
  keys: Record<string, unknown>,
  cpu: number | null = BROKER_CPU,
): Promise<Central> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const config = path.join(dir, 'central.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      dataDir: path.join(dir, 'data'),
      credentialsFile: identity.credentialsFile,
      log: { level: 'warn' },
      http: { port: 0 },
      mqtt: {
        tlsPort: port,
        tls: { certFile: identity.pki.certFile, keyFile: identity.pki.keyFile },
        // The rate limit would pace a single bus below what is measured here: out of the way.
        rateLimit: { messagesPerSecond: 1_000_000, burst: 1_000_000 },
      },
      ...keys,
    }),
  );
  const command = path.join(ROOT, 'broker/bin/fsbus-central.js');
  const args = ['--config', config];
  const child = spawn(...(cpu === null ? ([command, args] as const) : pinned(cpu, command, args)), {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const ca = readFileSync(identity.pki.caFile);
  const deadline = Date.now() + 30_000;
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

/**
 * Every bus sends its messages at once, 100 in flight each, each bus to the central of its load:
 * messages per second acknowledged (so recorded), and the first central's peak RSS.
 */
export async function ingest(
  loads: {
    central: Central;
    busId: string;
    messages: { topic: string; payload: string }[];
  }[],
) {
  const clients = await Promise.all(
    loads.map(({ central, busId }) =>
      connectBus({ port: central.port, ca: central.ca, username: busId, password: PASSWORD }),
    ),
  );
  const peak = peakRss(loads[0]?.central.process.pid);
  const start = process.hrtime.bigint();
  await Promise.all(clients.map((client, i) => client.send(loads[i]?.messages ?? [])));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakMiB = peak.stop();
  for (const client of clients) client.close();
  const total = loads.reduce((sum, load) => sum + load.messages.length, 0);
  return { rate: total / seconds, seconds, peakMiB };
}

/** Writes a year (2025) of `buses` buses' events (no fixes: reports do not read them). */
export async function writeYear(store: RecorderStore, buses: number): Promise<number> {
  let rows = 0;
  for (let m = 1; m <= 12; m++) {
    const month = `2025-${String(m).padStart(2, '0')}`;
    const { messages } = fleetMonth(month, buses, m);
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
  return rows;
}

/** Each report of a month over `store`: rows and ms (median of 5), and one bus's monthly file. */
export async function timeReports(
  store: RecorderStore,
  month: string,
  busId: string,
): Promise<{ report: string; by: string; rows: number; ms: number }[]> {
  const period = parsePeriod(month);
  const timed = async (run: () => Promise<number>) => {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      rows = await run();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return { rows, ms: median(times) };
  };
  const results = [];
  for (const report of REPORT_NAMES) {
    for (const by of GROUPINGS[report]) {
      const query = { report, period, by, buses: [] };
      results.push({
        report,
        by,
        ...(await timed(async () => (await runReport(store, query)).rows.length)),
      });
    }
  }
  results.push({
    report: 'monthly file of one bus',
    by: '-',
    ...(await timed(async () => (await monthlyReport(store, busId, period)).rows.length)),
  });
  return results;
}
