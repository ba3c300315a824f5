// Latency of a door count: from a counter line written to the pseudo-terminal to the `door`
// message seen by an MQTT subscriber on the on-board broker, through the built fsbus-bridge
// (line reader, door counts, occupancy, state file, schema check) and fsbus-broker (login, ACL,
// schema check). Beside it, in the same run, the same kind of pty read directly in this process:
// the transport floor. p50 and p99 over 1,000 events each. Target: fsbus-bridge p99 under 20 ms.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReadlineParser } from '@serialport/parser-readline';
import mqtt from 'mqtt';
import { SerialPort } from 'serialport';
import { topicFor } from '@fsbus/shared';
import { hashPassword } from '@fsbus/shared/node';
import { formatCounterSentence } from '../src/sources/counter/line-protocol.js';
import { startService } from './service.js';
import { plugPty, type PtyPair } from '../test/pty.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const PASSWORD = 'bench password, not secret';
const BUS = 'bench-bus';
const NO_FLAGS = { blocked: false, tamper: false, lowSignal: false, poweredUp: false };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/** Writes one line per event, waits until `onArrival` fires for it; the latencies, ms, sorted. */
async function measure(
  pty: PtyPair,
  onArrival: (arrived: () => void) => void,
  line: (i: number) => string,
): Promise<number[]> {
  const latencies: number[] = [];
  let waiting: (() => void) | null = null;
  onArrival(() => waiting?.());
  for (let i = 0; i < EVENTS; i++) {
    const arrived = new Promise<void>((resolve) => (waiting = resolve));
    const start = process.hrtime.bigint();
    pty.write(line(i));
    const late = setTimeout(() => {
      console.error(`event ${String(i)}: no message within 5 s (dropped?)`);
      process.exit(1);
    }, 5000);
    await arrived;
    clearTimeout(late);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return latencies.sort((a, b) => a - b);
}

execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-bench-counter-'));
const counterPty = await plugPty(dir, 'counter');
const floorPty = await plugPty(dir, 'floor');
writeFileSync(path.join(dir, 'bridge.password'), PASSWORD);
const hash = await hashPassword(PASSWORD);
const config = path.join(dir, 'bus.yaml');
writeFileSync(
  config,
  [
    `busId: ${BUS}`,
    'dataDir: ./data',
    'log: { level: info }',
    'broker:',
    '  tcpPort: 0',
    '  wsPort: 0',
    // Events follow each other as fast as they arrive here: the rate limit is set out of the way.
    '  rateLimit: { messagesPerSecond: 1000000, burst: 1000000 }',
    '  users:',
    `    - { username: bridge, role: bridge, passwordHash: "${hash}" }`,
    `    - { username: monitor, role: monitor, passwordHash: "${hash}" }`,
    'gnss: { source: simulator }',
    `counter: { protocol: fsbus-line, path: ${counterPty.device} }`,
    'bridge: { passwordFile: bridge.password }',
  ].join('\n'),
);
const broker = await startService(
  [path.join(ROOT, 'broker/bin/fsbus-broker.js'), '--config', config],
  {},
  (entry) => typeof entry.tcpPort === 'number',
);
const url = `mqtt://127.0.0.1:${String(broker.entry.tcpPort)}`;
const bridge = await startService(
  [path.join(ROOT, 'firmware-bridge/bin/fsbus-bridge.js'), '--config', config],
  { FSBUS_BRIDGE__BROKER_URL: url },
  (entry) => entry.msg === 'bridge started',
);
// The baseline: the same kind of pty read in this process, line by line: the transport floor.
const port = new SerialPort({ path: floorPty.device, baudRate: 9600 });
const lines = port.pipe(new ReadlineParser({ delimiter: '\r\n' }));
await new Promise((resolve) => port.once('open', resolve));
await new Promise((resolve) => setTimeout(resolve, 2000)); // the bridge's counter port opens
const client = await mqtt.connectAsync(url, {
  clientId: 'monitor-bench',
  username: 'monitor',
  password: PASSWORD,
});

const reading = (seq: number, inTotal: number) =>
  formatCounterSentence({ type: 'reading', door: 1, seq, inTotal, outTotal: 0, flags: NO_FLAGS });
// The bridge takes its first reading as a baseline: one line before measuring.
counterPty.write(reading(0, 0));
await new Promise((resolve) => setTimeout(resolve, 500));
const doorTopic = topicFor('door', BUS);
await client.subscribeAsync(doorTopic, { qos: 1 });
const results = {
  'pty alone (baseline)': await measure(
    floorPty,
    (arrived) => lines.on('data', arrived),
    (i) => reading(i, i),
  ),
  'fsbus-bridge + fsbus-broker': await measure(
    counterPty,
    (arrived) =>
      client.on('message', (topic) => {
        if (topic === doorTopic) arrived();
      }),
    (i) => reading(i + 1, i + 1),
  ),
};
const base = results['pty alone (baseline)'];
console.table(
  Object.entries(results).map(([name, sorted]) => ({
    path: name,
    'p50 ms': percentile(sorted, 50).toFixed(2),
    'p99 ms': percentile(sorted, 99).toFixed(2),
    'max ms': (sorted.at(-1) ?? Number.NaN).toFixed(2),
    'p99 vs baseline': (percentile(sorted, 99) / percentile(base, 99)).toFixed(2),
  })),
);
console.log(
  `${String(EVENTS)} door events, one at a time, from the line written to the message received. Target: fsbus-bridge p99 under 20 ms.`,
);
await client.endAsync();
port.close();
for (const child of [bridge.child, broker.child]) {
  child.stdout?.destroy();
  child.kill('SIGKILL');
}
await counterPty.unplug();
await floorPty.unplug();
