// Publish -> subscribe throughput through fsbus-broker (login, ACL, rate limit and schema checks
// on) against bare aedes (no hooks) and, when installed, Debian's mosquitto, in the same run.
// Each broker runs in a child process of its own, so its RSS can be read, idle and under load.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EXAMPLES, topicFor } from '@fsbus/shared';
import mqtt from 'mqtt';
import { connectRaw } from './raw-client.js';
import { hashPassword } from '@fsbus/shared/node';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MESSAGES = { 0: 40_000, 1: 40_000 } as const;
const ROUNDS = 9;
const MESSAGES_MQTTJS = 10_000;
const PASSWORD = 'bench password, not secret';

// The brokers run on one core and the load on the other, so that they do not fight over a core
// and the runs vary less (taskset, from util-linux; without it, no pinning).
const BROKER_CPU = 1;
const LOAD_CPU = 0;
const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((candidate) => existsSync(candidate));

function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return taskset ? [taskset, ['-c', String(cpu), command, ...args]] : [command, args];
}

interface Credentials {
  readonly username?: string;
  readonly password?: string;
}

interface Broker {
  readonly name: string;
  readonly process: ChildProcess;
  readonly port: number;
  readonly publisher: Credentials;
  readonly subscriber: Credentials;
}

/** Starts a child and resolves with the port it reports (JSON line with `port` or `tcpPort`). */
async function spawnBroker(
  name: string,
  command: string,
  args: string[],
  options: Omit<Broker, 'name' | 'process' | 'port'>,
): Promise<Broker> {
  const child = spawn(...pinned(BROKER_CPU, command, args), { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${name} exited with ${String(code)}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { port?: number; tcpPort?: number };
        const found = entry.port ?? entry.tcpPort;
        if (typeof found === 'number' && found > 0) resolve(found);
      } catch {
        // not a JSON line
      }
    });
  });
  return { name, process: child, port, ...options };
}

function freePort(): number {
  // mosquitto cannot report a system-chosen port, so one is picked from a range unlikely to be used.
  return 20_000 + Math.floor(Math.random() * 20_000);
}

async function startMosquitto(): Promise<Broker | undefined> {
  const binary = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((candidate) =>
    existsSync(candidate),
  );
  if (!binary) return undefined;
  const port = freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-bench-mosquitto-'));
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${String(port)} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nset_tcp_nodelay true\n`,
  );
  const child = spawn(...pinned(BROKER_CPU, binary, ['-c', conf]), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const probe = await connectRaw(port, 'probe', {});
      probe.close();
      return { name: 'mosquitto', process: child, port, publisher: {}, subscriber: {} };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill();
  return undefined;
}

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Samples a process's RSS every 50 ms until stop(), which returns the highest, MiB. */
function peakRss(pid: number | undefined): { stop(): number } {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid));
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMiB(pid));
    },
  };
}

/** Messages per second from first publish to last delivery, and the broker's peak RSS meanwhile. */
async function measure(broker: Broker, qos: 0 | 1): Promise<{ rate: number; peakMiB: number }> {
  const count = MESSAGES[qos];
  const subscriber = await connectRaw(
    broker.port,
    `${broker.subscriber.username ?? 'anonymous'}-bench-sub`,
    broker.subscriber,
  );
  const publisher = await connectRaw(
    broker.port,
    `${broker.publisher.username ?? 'anonymous'}-bench-pub`,
    broker.publisher,
  );
  const topic = topicFor('gnss', EXAMPLES.gnss.busId);
  await subscriber.subscribe(topic, qos);
  const payload = Buffer.from(JSON.stringify(EXAMPLES.gnss));
  let received = 0;
  const peak = peakRss(broker.process.pid);
  const done = new Promise<void>((resolve) => {
    subscriber.onPublish = () => {
      received += 1;
      if (received === count) resolve();
    };
  });
  const start = process.hrtime.bigint();
  await publisher.publishMany(topic, payload, qos, count);
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakMiB = peak.stop();
  publisher.close();
  subscriber.close();
  return { rate: count / seconds, peakMiB };
}

/** The same with mqtt.js clients, as the bus's own services are: the clients share the load. */
async function measureMqttJs(
  broker: Broker,
  qos: 0 | 1,
): Promise<{ rate: number; peakMiB: number }> {
  const count = MESSAGES_MQTTJS;
  const options = (credentials: Credentials, role: string) => ({
    host: '127.0.0.1',
    port: broker.port,
    protocolVersion: 4 as const,
    reconnectPeriod: 0,
    clientId: `${credentials.username ?? 'anonymous'}-bench-${role}`,
    ...credentials,
  });
  const subscriber = await mqtt.connectAsync(options(broker.subscriber, 'sub'));
  const publisher = await mqtt.connectAsync(options(broker.publisher, 'pub'));
  const topic = topicFor('gnss', EXAMPLES.gnss.busId);
  await subscriber.subscribeAsync(topic, { qos });
  const payload = Buffer.from(JSON.stringify(EXAMPLES.gnss));
  let received = 0;
  const peak = peakRss(broker.process.pid);
  const done = new Promise<void>((resolve) => {
    subscriber.on('message', () => {
      received += 1;
      if (received === count) resolve();
    });
  });
  const start = process.hrtime.bigint();
  // In windows of 500, as a busy service would, and to stay within mqtt.js's listener limits.
  for (let sent = 0; sent < count; sent += 500) {
    const window = Math.min(500, count - sent);
    await Promise.all(
      Array.from({ length: window }, () => publisher.publishAsync(topic, payload, { qos })),
    );
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakMiB = peak.stop();
  await Promise.all([publisher.endAsync(true), subscriber.endAsync(true)]);
  return { rate: count / seconds, peakMiB };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

if (taskset)
  execFileSync(taskset, ['-cp', String(LOAD_CPU), String(process.pid)], { stdio: 'ignore' });

// fsbus-broker runs from its build, as in service.
execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-bench-broker-'));
const hash = await hashPassword(PASSWORD);
const config = path.join(dir, 'bus.yaml');
writeFileSync(
  config,
  [
    `busId: ${EXAMPLES.gnss.busId}`,
    'dataDir: ./data',
    'log: { level: info }',
    'broker:',
    '  tcpPort: 0',
    '  wsPort: 0',
    // The rate limit is set out of this benchmark's way; its bucket is still checked per message.
    '  rateLimit: { messagesPerSecond: 1000000, burst: 1000000 }',
    '  users:',
    `    - { username: bridge, role: bridge, passwordHash: "${hash}" }`,
    `    - { username: monitor, role: monitor, passwordHash: "${hash}" }`,
  ].join('\n'),
);

const brokers: Broker[] = [
  await spawnBroker(
    'fsbus-broker',
    process.execPath,
    [path.join(ROOT, 'broker/bin/fsbus-broker.js'), '--config', config],
    {
      publisher: { username: 'bridge', password: PASSWORD },
      subscriber: { username: 'monitor', password: PASSWORD },
    },
  ),
  await spawnBroker(
    'bare aedes',
    process.execPath,
    [path.join(import.meta.dirname, 'bare-aedes.mjs')],
    { publisher: {}, subscriber: {} },
  ),
  await spawnBroker(
    'aedes, coalesced writes',
    process.execPath,
    [path.join(import.meta.dirname, 'bare-aedes.mjs'), '--coalesce'],
    { publisher: {}, subscriber: {} },
  ),
];
const mosquitto = await startMosquitto();
if (mosquitto) brokers.push(mosquitto);
else
  console.log('mosquitto not installed (Debian package mosquitto): compared with bare aedes only');

const idle = new Map(brokers.map((b) => [b.name, rssMiB(b.process.pid)]));
const MODES = {
  'raw pipelining clients: the broker is the bottleneck': measure,
  'mqtt.js clients, as the bus services are': measureMqttJs,
} as const;

for (const [mode, run] of Object.entries(MODES)) {
  const results = new Map(
    brokers.map((b) => [b.name, { 0: [] as number[], 1: [] as number[], peak: 0 }]),
  );
  // Ratios to bare aedes, one per round: this machine's speed drifts by tens of percent within
  // seconds, so each fsbus-broker run is compared with the bare aedes run next to it, in
  // alternating order, and the median of those ratios is reported.
  const ratios = new Map(brokers.map((b) => [b.name, { 0: [] as number[], 1: [] as number[] }]));
  // One warm-up run each, not counted: the first runs measure the JIT as much as the broker.
  for (const qos of [0, 1] as const) for (const broker of brokers) await run(broker, qos);
  for (let round = 0; round < ROUNDS; round++) {
    for (const qos of [0, 1] as const) {
      const order = round % 2 === 0 ? brokers : [...brokers].reverse();
      const rates = new Map<string, number>();
      for (const broker of order) {
        const { rate, peakMiB } = await run(broker, qos);
        rates.set(broker.name, rate);
        const entry = results.get(broker.name);
        if (entry) {
          entry[qos].push(rate);
          entry.peak = Math.max(entry.peak, peakMiB);
        }
      }
      for (const broker of brokers) {
        ratios
          .get(broker.name)
          ?.[qos].push(
            (rates.get(broker.name) ?? Number.NaN) / (rates.get('bare aedes') ?? Number.NaN),
          );
      }
    }
  }
  console.log(`\n${mode}`);
  console.table(
    brokers.map((broker) => {
      const entry = results.get(broker.name);
      const ratio = ratios.get(broker.name);
      return {
        broker: broker.name,
        'QoS 0 msg/s': Math.round(median(entry?.[0] ?? [])),
        'QoS 0 vs bare aedes': median(ratio?.[0] ?? []).toFixed(2),
        'QoS 1 msg/s': Math.round(median(entry?.[1] ?? [])),
        'QoS 1 vs bare aedes': median(ratio?.[1] ?? []).toFixed(2),
        'RSS idle MiB': (idle.get(broker.name) ?? Number.NaN).toFixed(1),
        'RSS peak MiB': (entry?.peak ?? Number.NaN).toFixed(1),
      };
    }),
  );
}
// Benchmark brokers need no clean stop; their output pipes would keep this process alive.
for (const broker of brokers) {
  broker.process.stdout?.destroy();
  broker.process.stderr?.destroy();
  broker.process.kill('SIGKILL');
}
console.log(
  `1 publisher -> 1 subscriber on loopback, gnss messages of ${String(JSON.stringify(EXAMPLES.gnss).length)} bytes (${String(MESSAGES[0])} per run with raw clients, ${String(MESSAGES_MQTTJS)} with mqtt.js), msg/s: median of ${String(ROUNDS)} rounds; ratios: median of the ratios to the bare aedes run of the same round (order alternating). Target: fsbus-broker >= 0.80 x bare aedes. fsbus-broker gathers the writes of one event-loop turn into one system call; "aedes, coalesced writes" does the same with no checks, so fsbus-broker's ratio to it is the price of login, ACL, rate limit and schema checks alone.`,
);
