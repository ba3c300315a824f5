// CPU and memory of fsbus-bridge at 10 Hz: a receiver on a socat pseudo-terminal sends 10 NMEA
// epochs a second of a bus driving its demo day plan; the bridge (built CLI, serial source) reads
// them, filters, tracks the stop and publishes on a real fsbus-broker. Measured for 60 s after a
// warm-up, beside an idle Node process started the same way (the baseline: what Node itself
// costs). Target: under 2 % of one core and under 80 MB RSS.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageFactory } from '@fsbus/shared';
import { hashPassword } from '@fsbus/shared/node';
import { EMPTY_FIX } from '../src/domain/fix.js';
import { encodeFix } from '../src/sources/nmea/encode.js';
import { tourStartingIn } from '../src/sources/simulator/tour-plan.js';
import { positionAt, timeline } from '../src/sources/simulator/route.js';
import { startService } from './service.js';
import { plugPty } from '../test/pty.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RATE_HZ = 10;
const WARM_UP_S = 10;
const MEASURE_S = Number(process.env.BENCH_SECONDS ?? 60);
const PASSWORD = 'bench password, not secret';
const BUS = 'bench-bus';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  const fields =
    readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
      .split(') ')[1]
      ?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-bench-bridge-'));
const pty = await plugPty(dir);
const start = Date.now();
// The tour, moved so that the bus drives from the start.
const body = tourStartingIn(start, 4 * 60_000);
const plan = new MessageFactory({ busId: BUS, source: 'central' }).create('plan', body);
writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
writeFileSync(path.join(dir, 'bridge.password'), PASSWORD);
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
    '  users:',
    `    - { username: bridge, role: bridge, passwordHash: "${await hashPassword(PASSWORD)}" }`,
    'gnss:',
    '  source: serial',
    `  serial: { path: ${pty.device}, baudRate: 9600, autoBaud: false }`,
    'stops: { planFile: plan.json }',
    'bridge: { passwordFile: bridge.password }',
  ].join('\n'),
);

// The receiver: 10 epochs a second of the demo day, from its start, in real time.
const segments = timeline(plan);
let epoch = 0;
const receiver = setInterval(() => {
  const at = start + (epoch * 1000) / RATE_HZ;
  epoch += 1;
  const point = positionAt(segments, at + 3 * 60_000);
  if (!point) return;
  pty.write(
    encodeFix({
      ...EMPTY_FIX,
      time: at,
      mode: '3d',
      lat: point.lat,
      lon: point.lon,
      alt: 320,
      speed: point.speed,
      track: point.track,
      hdop: 0.9,
      satellitesUsed: 9,
    }).join(''),
  );
}, 1000 / RATE_HZ);

const broker = await startService(
  [path.join(ROOT, 'broker/bin/fsbus-broker.js'), '--config', config],
  {},
  (entry) => typeof entry.tcpPort === 'number',
);
const bridge = await startService(
  [path.join(ROOT, 'firmware-bridge/bin/fsbus-bridge.js'), '--config', config],
  { FSBUS_BRIDGE__BROKER_URL: `mqtt://127.0.0.1:${String(broker.entry.tcpPort)}` },
  (entry) => entry.msg === 'bridge started',
);
// The baseline: Node itself, idling on a timer at the same rate.
const idle = spawn(process.execPath, ['-e', `setInterval(() => {}, ${String(1000 / RATE_HZ)})`], {
  stdio: 'ignore',
});

const pids = { 'fsbus-bridge': bridge.child.pid ?? 0, 'idle node (baseline)': idle.pid ?? 0 };
console.log(
  `warming up ${String(WARM_UP_S)} s, then measuring ${String(MEASURE_S)} s at ${String(RATE_HZ)} Hz`,
);
await new Promise((resolve) => setTimeout(resolve, WARM_UP_S * 1000));
const cpuBefore = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
const peak: Record<string, number> = {};
const sampler = setInterval(() => {
  for (const [name, pid] of Object.entries(pids))
    peak[name] = Math.max(peak[name] ?? 0, rssMiB(pid));
}, 500);
await new Promise((resolve) => setTimeout(resolve, MEASURE_S * 1000));
clearInterval(sampler);
const rows = Object.entries(pids).map(([name, pid]) => {
  const cpu = (100 * (cpuSeconds(pid) - (cpuBefore[name] ?? 0))) / MEASURE_S;
  return {
    process: name,
    'CPU % of one core': cpu.toFixed(2),
    'RSS now MiB': rssMiB(pid).toFixed(1),
    'RSS peak MiB': (peak[name] ?? Number.NaN).toFixed(1),
  };
});
console.table(rows);
const bridgeRow = rows[0];
const idleRss = rssMiB(pids['idle node (baseline)']);
console.log(
  `epochs sent: ${String(epoch)}; bridge RSS is ${(rssMiB(pids['fsbus-bridge']) / idleRss).toFixed(2)}x an idle Node process. Target: bridge under 2 % of one core (${bridgeRow?.['CPU % of one core'] ?? '?'} %) and under 80 MB RSS (${bridgeRow?.['RSS peak MiB'] ?? '?'} MiB peak).`,
);
clearInterval(receiver);
for (const child of [bridge.child, broker.child, idle]) {
  child.stdout?.destroy();
  child.kill('SIGKILL');
}
await pty.unplug();
