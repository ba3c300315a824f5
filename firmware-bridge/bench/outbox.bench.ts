// The outbox towards central, three measures each beside a baseline of the same run: (1) ingest
// rate with group commit against one SQLite transaction per message; (2) drain of a day's backlog
// (90,000 messages) through the uplink to fsbus-broker against plain mqtt.js publishing the same
// messages with QoS 1; (3) bytes written to disk per hour of a normal day against a naive design.
// Targets: drain >= 0.5x plain mqtt.js, and 90,000 messages in under 2 minutes. Knobs:
// BENCH_MESSAGES (backlog), BENCH_INGEST, BENCH_IN_FLIGHT, BENCH_ROUNDS (drain), BENCH_HOURS,
// BENCH_ONLY=ingest,drain,disk.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { median, statusTopic } from '@fsbus/shared';
import { hashPassword } from '@fsbus/shared/node';
import { Outbox, type OutboxMessage, type OutboxRow } from '../src/outbox/outbox.js';
import { Uplink } from '../src/uplink/uplink.js';
import { backlog, BUS, hourOfArrivals, HOURLY, messageOf, type Arrival } from './outbox-load.js';
import { startService } from './service.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BACKLOG = Number(process.env.BENCH_MESSAGES ?? 90_000);
const INGEST = Number(process.env.BENCH_INGEST ?? 40_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 5000);
const DRAIN_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const INGEST_ROUNDS = 5;
const HOURS = Number(process.env.BENCH_HOURS ?? 12);
const SERVICE_DAY_H = 12;
/** The default of outbox.commitWindowMs, and the uplink's default window. */
const WINDOW_MS = 200;
const UPLINK_WINDOW = 100;
/** One transaction per message in the direct baseline, for at most this long. */
const BASELINE_S = 2;
const DRAIN_DEADLINE_MS = 300_000;
const PASSWORD = 'bench password, not secret';
const CAPS = { telemetryCapBytes: 200e6, hardCapBytes: 1e9 };

// The outbox's table, as outbox.ts creates it, for the baselines that use SQLite directly.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, class INTEGER NOT NULL,
  stream TEXT NOT NULL, topic TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_class ON messages (class, seq);
`;

/** SQLite used directly: the outbox's table and pragmas but for the journal, no grouping. */
function openDirect(file: string, journal: 'WAL' | 'DELETE') {
  const db = new Database(file);
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma(`journal_mode = ${journal}`);
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const insert = db.prepare(
    'INSERT OR IGNORE INTO messages (id, class, stream, topic, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const remove = db.prepare('DELETE FROM messages WHERE seq = ?');
  return {
    db,
    /** Inserts in its own transaction (autocommit: one fsync); returns the row's seq. */
    add: (m: OutboxMessage, at: number) =>
      Number(
        insert.run(m.id, m.class === 'event' ? 0 : 1, m.stream, m.topic, m.payload, at)
          .lastInsertRowid,
      ),
    remove: (seq: number) => remove.run(seq),
  };
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const round = (n: number) => Math.round(n).toLocaleString('en');

const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-bench-outbox-'));
let fileCount = 0;
/** A fresh database path in the bench's folder (the same file system as the SQLite files). */
const freshFile = (name: string) => path.join(dir, `${name}-${String((fileCount += 1))}.sqlite`);

// ---------------------------------------------------------------------------------------------
// 1. Ingest: many add() in flight (the bridge never waits for one before taking the next).

/** Messages/s through Outbox.add(), `IN_FLIGHT` at a time, each replaced once committed. */
async function ingestOutbox(messages: readonly OutboxMessage[], windowMs: number, prompt: boolean) {
  const outbox = new Outbox({ file: freshFile('ingest'), commitWindowMs: windowMs, ...CAPS });
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let done = 0;
    const launch = () => {
      const message = messages[next];
      if (message === undefined) return;
      next += 1;
      outbox.add(message, { prompt }).then(() => {
        done += 1;
        if (done === messages.length) resolve();
        else launch();
      }, reject);
    };
    for (let i = 0; i < IN_FLIGHT; i++) launch();
  });
  const rate = messages.length / seconds(start);
  const { commits } = outbox.stats();
  outbox.close();
  return { rate, perCommit: messages.length / commits };
}

/** Messages/s with one transaction (and one fsync) per message, for at most BASELINE_S. */
function ingestDirect(messages: readonly OutboxMessage[]) {
  const direct = openDirect(freshFile('direct'), 'WAL');
  const start = performance.now();
  let count = 0;
  for (const message of messages) {
    direct.add(message, Date.now());
    count += 1;
    if (count % 64 === 0 && seconds(start) > BASELINE_S) break;
  }
  const rate = count / seconds(start);
  direct.db.close();
  return { rate, perCommit: 1 };
}

async function benchIngest(): Promise<void> {
  const messages = backlog(INGEST);
  const runs = {
    [`Outbox, ${String(WINDOW_MS)} ms window`]: () => ingestOutbox(messages, WINDOW_MS, false),
    'SQLite direct, 1 transaction per message (baseline)': () =>
      Promise.resolve(ingestDirect(messages)),
    'Outbox, 20 ms window': () => ingestOutbox(messages, 20, false),
    [`Outbox, ${String(WINDOW_MS)} ms, prompt (kiosk ingest path)`]: () =>
      ingestOutbox(messages, WINDOW_MS, true),
  };
  /** A message waits for its window: at most IN_FLIGHT per window go through. */
  const ceiling = [IN_FLIGHT / (WINDOW_MS / 1000), Infinity, IN_FLIGHT / 0.02, Infinity];
  const names = Object.keys(runs);
  const rates = new Map(names.map((name) => [name, [] as number[]]));
  const perCommit = new Map<string, number>();
  const ratios: number[] = [];
  for (const run of Object.values(runs)) await run(); // warm-up, not counted
  for (let r = 0; r < INGEST_ROUNDS; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    const roundRates = new Map<string, number>();
    for (const name of order) {
      const result = await runs[name]?.();
      if (!result) continue;
      roundRates.set(name, result.rate);
      rates.get(name)?.push(result.rate);
      perCommit.set(name, result.perCommit);
    }
    ratios.push((roundRates.get(names[0] ?? '') ?? 0) / (roundRates.get(names[1] ?? '') ?? 1));
  }
  const baseline = median(rates.get(names[1] ?? '') ?? []);
  console.log(
    `\n1. Ingest: ${round(INGEST)} messages of ${String(Math.round(messages.reduce((s, m) => s + m.payload.length, 0) / messages.length))} bytes on average, ${round(IN_FLIGHT)} add() in flight; WAL, synchronous=FULL; median of ${String(INGEST_ROUNDS)} rounds, order alternating`,
  );
  console.table(
    names.map((name, i) => {
      const rate = median(rates.get(name) ?? []);
      const bound = ceiling[i] ?? Infinity;
      return {
        design: name,
        'msg/s': round(rate),
        'messages per commit': round(perCommit.get(name) ?? Number.NaN),
        'ceiling: in flight / window': bound === Infinity ? '-' : round(bound),
        'vs baseline': `${(rate / baseline).toFixed(1)}x`,
      };
    }),
  );
  console.log(
    `With a window, throughput = messages in flight / window (Little's law): the ${String(WINDOW_MS)} ms row measures how many add() are in flight, up to the outbox's limit of 10,000 uncommitted (${round(10_000 / (WINDOW_MS / 1000))}/s at ${String(WINDOW_MS)} ms); the 20 ms and prompt rows show what SQLite and the outbox code can take.`,
  );
  console.log(
    `Verdict: group commit (${WINDOW_MS} ms) ingests ${median(ratios).toFixed(1)}x the messages/s of one transaction per message (median of the paired ratios).`,
  );
}

// ---------------------------------------------------------------------------------------------
// 2. Drain of a day's backlog to fsbus-broker in its own process.

interface Central {
  readonly url: string;
  readonly dropped: () => number;
  stop(): Promise<void>;
}

/** fsbus-broker from source, in its own process pinned to the second core when there is one. */
async function startCentral(): Promise<Central> {
  const hash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
  const config = path.join(dir, 'central.yaml');
  writeFileSync(
    config,
    [
      `busId: ${BUS}`,
      'dataDir: ./central-data',
      'log: { level: info }',
      'broker:',
      '  tcpPort: 0',
      '  wsPort: 0',
      // Central takes a day's backlog at once; the on-board limit (100/s) would drop most.
      '  rateLimit: { messagesPerSecond: 1000000, burst: 1000000 }',
      // The uplink relays the kiosk's visits too, which the bridge role may not write on board.
      '  acl: [{ role: bridge, access: write, topic: "fsbus/v1/{busId}/#" }]',
      '  users:',
      `    - { username: bridge, role: bridge, passwordHash: "${hash}" }`,
    ].join('\n'),
  );
  // From source through tsx: no build needed, and the runtime code is the same.
  const { child, entry } = await startService(
    [
      process.execPath,
      '--conditions=source',
      '--import',
      'tsx',
      path.join(ROOT, 'broker/src/cli.ts'),
      '--config',
      config,
    ],
    {},
    (line) => typeof line.tcpPort === 'number' && line.tcpPort > 0,
  );
  let dropped = 0;
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"publish dropped"')) dropped += 1;
    });
  }
  pin(child.pid, 1);
  pin(process.pid, 0);
  return {
    url: `mqtt://127.0.0.1:${String(entry.tcpPort)}`,
    dropped: () => dropped,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const stuck = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(stuck);
    },
  };
}

const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((candidate) => existsSync(candidate));
const CORES = availableParallelism();

/** Every thread of a process on one core, so the broker and this process do not share one. */
function pin(pid: number | undefined, cpu: number): void {
  if (TASKSET === undefined || pid === undefined || CORES < 2) return;
  execFileSync(TASKSET, ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** The order the uplink sends in: events, then telemetry, oldest first within each. */
function sendingOrder(messages: readonly OutboxMessage[]): OutboxMessage[] {
  return [
    ...messages.filter((m) => m.class === 'event'),
    ...messages.filter((m) => m.class === 'telemetry'),
  ];
}

/** An outbox file holding `messages`, committed as the bridge does it. */
async function prepareBacklog(messages: readonly OutboxMessage[]): Promise<string> {
  const file = freshFile('backlog');
  const outbox = new Outbox({ file, commitWindowMs: WINDOW_MS, ...CAPS });
  for (let start = 0; start < messages.length; start += 5000) {
    await Promise.all(messages.slice(start, start + 5000).map((m) => outbox.add(m)));
  }
  outbox.close();
  return file;
}

function deadline<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: not done in ${String(DRAIN_DEADLINE_MS / 1000)} s`));
    }, DRAIN_DEADLINE_MS);
  });
  return Promise.race([work, late]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * Seconds for the uplink to empty a copy of `template` (`total` rows): from start() until every
 * row is acknowledged by the broker and that acknowledgement committed (deleted) in the outbox.
 */
async function drainUplink(central: Central, template: string, total: number): Promise<number> {
  const file = freshFile('drain');
  copyFileSync(template, file);
  let uplink: Uplink | null = null;
  const outbox = new Outbox({
    file,
    commitWindowMs: WINDOW_MS,
    ...CAPS,
    onCommitted: () => uplink?.notify(),
  });
  let acked = 0;
  let allAcked: () => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    allAcked = resolve;
    failed = reject;
  });
  uplink = new Uplink({
    url: central.url,
    ca: null,
    username: 'bridge',
    password: PASSWORD,
    clientId: 'bridge-uplink',
    keepaliveS: 30,
    source: {
      next: (deliveryClass, afterSeq, limit) => outbox.next(deliveryClass, afterSeq, limit),
      ack: (row) => {
        outbox.ack(row);
        acked += 1;
        if (acked === total) allAcked();
      },
    },
    status: {
      topic: statusTopic(BUS, 'uplink'),
      payload: (online) =>
        messageOf('status', { service: 'uplink', state: online ? 'online' : 'offline' }).payload,
    },
    window: UPLINK_WINDOW,
    onState: (state) => {
      if (state !== 'connecting' && state !== 'online') failed(new Error(`uplink ${state}`));
    },
  });
  try {
    const start = performance.now();
    uplink.start();
    await deadline('the uplink drain', done);
    outbox.flush();
    const elapsed = seconds(start);
    const left = outbox.stats();
    if (left.events_pending + left.telemetry_pending !== 0)
      throw new Error(`the outbox is not empty after the drain: ${JSON.stringify(left)}`);
    return elapsed;
  } finally {
    await uplink.stop();
    outbox.close();
    rmSync(file, { force: true });
  }
}

/** Seconds for plain mqtt.js to publish `messages` with QoS 1, `UPLINK_WINDOW` in flight. */
async function drainPlain(central: Central, messages: readonly OutboxMessage[]): Promise<number> {
  const start = performance.now();
  const client = await mqtt.connectAsync(central.url, {
    protocolVersion: 4,
    clientId: 'bridge-plain',
    username: 'bridge',
    password: PASSWORD,
    clean: false,
    keepalive: 30,
    reconnectPeriod: 0,
  });
  const all = new Promise<void>((resolve, reject) => {
    let next = 0;
    let done = 0;
    const launch = () => {
      const message = messages[next];
      if (message === undefined) return;
      next += 1;
      client.publishAsync(message.topic, message.payload, { qos: 1 }).then(() => {
        done += 1;
        if (done === messages.length) resolve();
        else launch();
      }, reject);
    };
    for (let i = 0; i < UPLINK_WINDOW; i++) launch();
  });
  await deadline('plain mqtt.js', all);
  const elapsed = seconds(start);
  await client.endAsync(true);
  return elapsed;
}

async function benchDrain(): Promise<void> {
  const central = await startCentral();
  try {
    const messages = backlog(BACKLOG);
    const ordered = sendingOrder(messages);
    const warm = Math.min(5000, BACKLOG);
    const warmTemplate = await prepareBacklog(messages.slice(0, warm));
    const prepareStart = performance.now();
    const template = await prepareBacklog(messages);
    const prepared = seconds(prepareStart);
    // Warm-up, not counted: the first runs measure the JIT as much as the code.
    await drainUplink(central, warmTemplate, warm);
    await drainPlain(central, sendingOrder(messages.slice(0, warm)));
    const times = { uplink: [] as number[], plain: [] as number[] };
    const ratios: number[] = [];
    for (let r = 0; r < DRAIN_ROUNDS; r++) {
      const order = r % 2 === 0 ? (['uplink', 'plain'] as const) : (['plain', 'uplink'] as const);
      const roundTimes: Record<string, number> = {};
      for (const which of order) {
        roundTimes[which] =
          which === 'uplink'
            ? await drainUplink(central, template, BACKLOG)
            : await drainPlain(central, ordered);
        times[which].push(roundTimes[which]);
      }
      ratios.push((roundTimes.plain ?? 0) / (roundTimes.uplink ?? 1));
    }
    const events = ordered.filter((m) => m.class === 'event').length;
    console.log(
      `\n2. Drain: ${round(BACKLOG)} messages (${round(events)} events, ${round(BACKLOG - events)} telemetry, ${String(Math.round(messages.reduce((s, m) => s + m.payload.length, 0) / BACKLOG))} bytes on average) to fsbus-broker on loopback (own process${CORES >= 2 && TASKSET ? ', own core' : ''}), QoS 1, ${String(UPLINK_WINDOW)} in flight; median of ${String(DRAIN_ROUNDS)} rounds, order alternating. Backlog committed in ${prepared.toFixed(1)} s.`,
    );
    const plain = median(times.plain);
    const uplink = median(times.uplink);
    console.table([
      {
        sender: `Uplink from the Outbox (${String(WINDOW_MS)} ms window)`,
        'msg/s': round(BACKLOG / uplink),
        'drain s': uplink.toFixed(1),
        'runs, s': times.uplink.map((t) => t.toFixed(1)).join(' '),
        'vs plain': median(ratios).toFixed(2),
      },
      {
        sender: 'plain mqtt.js publishAsync (baseline)',
        'msg/s': round(BACKLOG / plain),
        'drain s': plain.toFixed(1),
        'runs, s': times.plain.map((t) => t.toFixed(1)).join(' '),
        'vs plain': '1.00',
      },
    ]);
    const ratio = median(ratios);
    console.log(
      `Verdict: drain rate ${ratio.toFixed(2)}x plain mqtt.js (target >= 0.5x): ${ratio >= 0.5 ? 'met' : 'NOT met'}.`,
    );
    console.log(
      `Verdict: ${round(BACKLOG)} messages drained in ${uplink.toFixed(1)} s (target under 120 s${BACKLOG === 90_000 ? '' : ' for 90,000'}): ${(uplink * 90_000) / BACKLOG < 120 ? 'met' : 'NOT met'}.`,
    );
    if (central.dropped() > 0)
      console.log(`Warning: fsbus-broker logged ${String(central.dropped())} dropped publishes.`);
  } finally {
    await central.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Bytes written to disk per hour at a normal day's load.

interface Io {
  readonly wchar: number;
  readonly write_bytes: number;
  readonly cancelled_write_bytes: number;
}

/** This process's I/O counters (Linux): write() bytes, and bytes of pages sent to the disk. */
function io(): Io {
  const fields = Object.fromEntries(
    readFileSync('/proc/self/io', 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [key = '', value = '0'] = line.split(': ');
        return [key, Number(value)];
      }),
  );
  return {
    wchar: fields.wchar ?? 0,
    write_bytes: fields.write_bytes ?? 0,
    cancelled_write_bytes: fields.cancelled_write_bytes ?? 0,
  };
}

interface DiskResult {
  readonly wchar: number;
  readonly disk: number;
  readonly commits: number;
}

/** Counts the measured hours' I/O: hour 0 is a warm-up (the file and the WAL are made then). */
async function measureHours(
  hours: readonly (readonly Arrival[])[],
  arrive: (arrival: Arrival, clock: number) => Promise<number>,
): Promise<DiskResult> {
  let before = io();
  let commits = 0;
  for (const [h, arrivals] of hours.entries()) {
    if (h === 1) {
      before = io();
      commits = 0;
    }
    for (const arrival of arrivals) commits += await arrive(arrival, h * 3_600_000 + arrival.at);
  }
  const after = io();
  const measured = hours.length - 1;
  return {
    wchar: (after.wchar - before.wchar) / measured,
    disk:
      (after.write_bytes -
        before.write_bytes -
        (after.cancelled_write_bytes - before.cancelled_write_bytes)) /
      measured,
    commits: commits / measured,
  };
}

/**
 * The Outbox as the bridge runs it at this load: each arrival committed alone at the end of its
 * window; the uplink sends it at once, and central's acknowledgement rides on the next
 * arrival's commit (arrivals are seconds apart, well within the Outbox's 60 s for acks). With
 * `ownAckCommits`, each acknowledgement is committed at the end of its own window instead (the
 * Outbox's first design).
 */
async function hoursOutbox(hours: readonly (readonly Arrival[])[], ownAckCommits: boolean) {
  const deferAcks = !ownAckCommits;
  let clock = 0;
  const outbox = new Outbox({
    file: freshFile('hours'),
    commitWindowMs: WINDOW_MS,
    ...CAPS,
    now: () => clock,
  });
  const cursor = { event: 0, telemetry: 0 };
  let unacked: OutboxRow | null = null;
  const result = await measureHours(hours, async ({ message }, at) => {
    const commitsBefore = outbox.stats().commits;
    clock = at;
    const committed = outbox.add(message);
    if (deferAcks && unacked !== null) outbox.ack(unacked);
    clock += WINDOW_MS;
    outbox.flush();
    await committed;
    const [row] = outbox.next(message.class, cursor[message.class], 1);
    if (row === undefined) throw new Error('the committed row is not in the outbox');
    cursor[message.class] = row.seq;
    if (deferAcks) {
      unacked = row;
    } else {
      clock += WINDOW_MS;
      outbox.ack(row);
      outbox.flush();
    }
    return outbox.stats().commits - commitsBefore;
  });
  outbox.close();
  return result;
}

/** A naive design: rollback journal, synchronous=FULL, a transaction per message and per ack. */
function hoursNaive(hours: readonly (readonly Arrival[])[]) {
  const direct = openDirect(freshFile('naive'), 'DELETE');
  const result = measureHours(hours, ({ message }, at) => {
    direct.remove(direct.add(message, at));
    return Promise.resolve(2);
  });
  return result.finally(() => {
    direct.db.close();
  });
}

async function benchDisk(): Promise<void> {
  const hours = Array.from({ length: HOURS + 1 }, () => hourOfArrivals());
  const perHour = hours[0]?.length ?? 0;
  const bytesPerHour = (hours[0] ?? []).reduce((s, a) => s + a.message.payload.length, 0);
  if (io().write_bytes === 0 && io().wchar === 0) throw new Error('no /proc/self/io counters');
  const rows: [string, DiskResult][] = [
    [
      `Outbox (WAL, FULL, ${String(WINDOW_MS)} ms window, acks on the next commit)`,
      await hoursOutbox(hours, false),
    ],
    [
      'naive: rollback journal (DELETE), FULL, 1 commit per message and per ack',
      await hoursNaive(hours),
    ],
    ['Outbox with a commit per ack too (its first design)', await hoursOutbox(hours, true)],
  ];
  const naive = rows[1]?.[1].disk ?? Number.NaN;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
  const mix = Object.entries(HOURLY).map(([stream, n]) => `${String(n)} ${stream}`);
  console.log(
    `\n3. Disk writes at a normal day's load: per hour ${String(perHour)} messages (${mix.join(', ')}, ${String(HOURLY.door)} occupancy), ${round(bytesPerHour)} bytes of JSON; each arrival in its own window, acked by central right after. Averaged over ${String(HOURS)} simulated hours after a warm-up hour; a day = ${String(SERVICE_DAY_H)} h of service.`,
  );
  console.table(
    rows.map(([design, r]) => ({
      design,
      'commits/h': round(r.commits),
      'KB/commit': (r.disk / r.commits / 1e3).toFixed(1),
      'write() MB/h': mb(r.wchar),
      'disk MB/h': mb(r.disk),
      'disk MB/day': mb(r.disk * SERVICE_DAY_H),
      'disk GB/10 years': ((r.disk * SERVICE_DAY_H * 365 * 10) / 1e9).toFixed(0),
      'vs naive': `${(r.disk / naive).toFixed(2)}x`,
    })),
  );
  const outbox = rows[0]?.[1].disk ?? Number.NaN;
  console.log(
    `Verdict: the outbox writes ${mb(outbox * SERVICE_DAY_H)} MB/day to the card, ${(naive / outbox).toFixed(1)}x less than the naive design (${mb(naive * SERVICE_DAY_H)} MB/day); ${(outbox / bytesPerHour).toFixed(0)} bytes on disk per byte of JSON.`,
  );
  console.log(
    "disk = write_bytes - cancelled_write_bytes of /proc/self/io: the 4 KiB pages this process dirtied in the page cache, i.e. sent to the block device (WAL frames, checkpoints, rollback journals); the file system's own journal and metadata are not in it. write() = wchar: bytes handed to write().",
  );
}

// ---------------------------------------------------------------------------------------------

const started = performance.now();
/** BENCH_ONLY=drain (or ingest, disk; comma-separated) runs only those parts. */
const only = (process.env.BENCH_ONLY ?? 'ingest,drain,disk').split(',');
try {
  if (only.includes('ingest')) await benchIngest();
  if (only.includes('drain')) await benchDrain();
  if (only.includes('disk')) await benchDisk();
  console.log(`\nwhole benchmark: ${seconds(started).toFixed(0)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
