/// <reference lib="dom" />
// npm run bench -- console: the staff console's fleet view in Debian's Chromium against a real
// fsbus-central with 150 simulated buses, each sending a position a second. Measured: the
// first load (fresh context, cold cache) until the table shows every bus, median of 10; the
// frames a second and the main thread's time per update while the fleet moves, against the
// same page with the fleet standing still (side by side in the same run); and the JS + CSS
// shipped (gzip), at first and with the map's and the reports' chunks. Targets: first load
// under 2 s, 50 frames a second at least.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import mqtt, { type MqttClient } from 'mqtt';
import { chromium, type Page } from 'playwright-core';
import {
  CentralConfigSchema,
  MessageFactory,
  median,
  statusTopic,
  topicFor,
  exampleBody,
} from '@fsbus/shared';
import { createLogger, hashPassword } from '@fsbus/shared/node';
import { startCentral } from '../../broker/src/central/main.js';
import { writeCredentials } from '../../broker/src/central/credentials.js';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../test/chromium.js';

const BUSES = 150;
const LOADS = 10;
const WINDOW_MS = 15_000;
const TARGETS = { firstLoadMs: 2000, fps: 50 };
const root = path.resolve(import.meta.dirname, '../..');
const rendererDir = path.join(root, 'kiosk/dist/console');

execFileSync(
  process.execPath,
  [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/bundle.ts'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

/**
 * gzip kB of the console's first load (its entry, the chunks it imports and their CSS) and of
 * all it may load later (the map, the reports), from the build's manifest.
 */
interface Chunk {
  readonly file: string;
  readonly css?: string[];
  readonly imports?: string[];
  readonly dynamicImports?: string[];
}
const manifest = JSON.parse(
  readFileSync(path.join(rendererDir, '.vite/manifest.json'), 'utf8'),
) as Record<string, Chunk>;
function closure(key: string, lazy: boolean, into = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (chunk === undefined || into.has(chunk.file)) return into;
  into.add(chunk.file);
  for (const css of chunk.css ?? []) into.add(css);
  for (const next of [...(chunk.imports ?? []), ...(lazy ? (chunk.dynamicImports ?? []) : [])])
    closure(next, lazy, into);
  return into;
}
const gz = (file: string) => gzipSync(readFileSync(path.join(rendererDir, file))).length;
const kB = (files: Set<string>) => [...files].reduce((sum, file) => sum + gz(file), 0) / 1000;
const firstKB = kB(closure('console.html', false));
const allKB = kB(closure('console.html', true));

// Central, plain TCP and HTTP on loopback (no TLS cost in the browser's numbers), 150 buses.
const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-console-bench-'));
mkdirSync(path.join(dir, 'central'), { recursive: true });
// Files in the temporary folder (the schema alone leaves relative paths to the config loader).
const config = CentralConfigSchema.parse({
  dataDir: path.join(dir, 'central'),
  credentialsFile: path.join(dir, 'central', 'credentials.json'),
  recorder: { path: path.join(dir, 'central', 'central.sqlite') },
  mqtt: { bind: '127.0.0.1', tcpPort: 0 },
  http: { bind: '127.0.0.1', port: 0, plain: true },
});
const busIds = Array.from(
  { length: BUSES },
  (_, i) => `bfs-bench-${String(i + 1).padStart(3, '0')}`,
);
const cheap = { N: 1024, r: 8, p: 1 };
const hash = await hashPassword('bench secret', cheap);
writeCredentials(config.credentialsFile, {
  version: 1,
  accounts: [...busIds, 'marie'].map((username) => ({
    username,
    role: username === 'marie' ? 'staff' : 'bus',
    passwordHash: hash,
    createdAt: new Date().toISOString(),
  })),
});
const central = await startCentral({
  config,
  logger: createLogger({ service: 'central', level: 'fatal', destination: new PassThrough() }),
  version: '0.1.0',
});
const url = `http://127.0.0.1:${String(central.httpPort)}/`;

// The fleet: each bus around a point of France, a position a second while `moving`.
let moving = false;
const clients: MqttClient[] = [];
const timers: ReturnType<typeof setInterval>[] = [];
await Promise.all(
  busIds.map(async (busId, index) => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${String(central.ports.tcp)}`, {
      username: busId,
      password: 'bench secret',
      clientId: `${busId}-uplink`,
    });
    clients.push(client);
    const factory = new MessageFactory({ busId, source: 'bridge' });
    await client.publishAsync(
      statusTopic(busId, 'bridge'),
      JSON.stringify(
        factory.create('status', {
          service: 'bridge',
          state: 'online',
          version: '0.1.0',
          startedAt: null,
          health: { gnss: 'fix_3d' },
          metrics: {},
          alarms: [],
        }),
      ),
      { qos: 1, retain: true },
    );
    const home = { lat: 43.5 + (index % 15) * 0.45, lon: -1 + Math.floor(index / 15) * 0.8 };
    let step = 0;
    const send = () => {
      step += 1;
      const example = exampleBody('gnss');
      const fix = factory.create('gnss', {
        ...example,
        lat: home.lat + Math.sin(step / 20) * 0.02,
        lon: home.lon + Math.cos(step / 20) * 0.02,
        track: (step * 3) % 360,
        fixTime: new Date().toISOString(),
      });
      void client.publishAsync(topicFor('gnss', busId), JSON.stringify(fix), { qos: 0 });
    };
    send();
    // Spread over the second, as buses' clocks are.
    setTimeout(
      () => {
        timers.push(
          setInterval(() => {
            if (moving) send();
          }, 1000),
        );
      },
      (index * 1000) / BUSES,
    );
  }),
);

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });

/** A logged-in console, showing the whole fleet; ms from navigation to the table's 150 rows. */
async function open(): Promise<{ page: Page; ms: number; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  // Logged in through the API first, as a returning tab is: the session is in sessionStorage.
  await page.goto(`${url}api/v1/health`);
  const session: unknown = await page.evaluate(async () => {
    const response = await fetch('/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'marie', password: 'bench secret' }),
    });
    return (await response.json()) as unknown;
  });
  await page.evaluate((saved) => {
    sessionStorage.setItem('fsbus-console-session', JSON.stringify(saved));
  }, session);
  const started = performance.now();
  await page.goto(url);
  await page
    .locator('.fleet-table tbody tr')
    .nth(BUSES - 1)
    .waitFor();
  const ms = performance.now() - started;
  return { page, ms, close: () => context.close() };
}

/** Frames a second and main-thread busy time (CDP TaskDuration) over the window. */
async function watch(page: Page): Promise<{ fps: number; busyMs: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
  const before = await task();
  // A string, not a function: tsx would wrap a named inner function in a helper the page lacks.
  const frames = await page.evaluate<number>(`new Promise((resolve) => {
    let count = 0;
    const end = performance.now() + ${String(WINDOW_MS)};
    const frame = () => {
      count += 1;
      if (performance.now() < end) requestAnimationFrame(frame);
      else resolve(count);
    };
    requestAnimationFrame(frame);
  })`);
  const busyMs = (await task()) - before;
  await cdp.detach();
  return { fps: frames / (WINDOW_MS / 1000), busyMs };
}

const loads: number[] = [];
for (let i = 0; i < LOADS; i++) {
  const opened = await open();
  loads.push(opened.ms);
  await opened.close();
}
const live = await open();
await live.page.locator('.fleet-map canvas').first().waitFor();
const still = await watch(live.page);
moving = true;
const updates = await watch(live.page);
moving = false;
await live.close();

for (const timer of timers) clearInterval(timer);
await Promise.all(clients.map((client) => client.endAsync()));
await browser.close();
await central.stop();
rmSync(dir, { recursive: true, force: true });

const firstLoad = median(loads);
const messages = (BUSES * WINDOW_MS) / 1000;
const extraMs = Math.max(0, updates.busyMs - still.busyMs);
console.log(
  `staff console, fleet view: ${String(BUSES)} buses, a position each a second, in Chromium`,
);
console.log(
  `${'first load to the whole table'.padEnd(40)} ${firstLoad.toFixed(0).padStart(6)} ms  median of ${String(LOADS)}  target < ${String(TARGETS.firstLoadMs)} ms ${firstLoad < TARGETS.firstLoadMs ? 'ok' : 'MISSED'}`,
);
console.log(
  `${'frames a second, fleet moving'.padEnd(40)} ${updates.fps.toFixed(0).padStart(6)}     still ${still.fps.toFixed(0)}  ratio ${(updates.fps / still.fps).toFixed(2)}  target >= ${String(TARGETS.fps)} ${updates.fps >= TARGETS.fps ? 'ok' : 'MISSED'}`,
);
console.log(
  `${'main thread busy, fleet moving'.padEnd(40)} ${((updates.busyMs / WINDOW_MS) * 100).toFixed(1).padStart(6)} %   still ${((still.busyMs / WINDOW_MS) * 100).toFixed(1)} %  ratio ${(updates.busyMs / Math.max(1, still.busyMs)).toFixed(2)}`,
);
console.log(
  `${'main thread per position update'.padEnd(40)} ${(extraMs / messages).toFixed(3).padStart(6)} ms  (${messages.toFixed(0)} positions, batched every 250 ms: ${(extraMs / (WINDOW_MS / 250)).toFixed(1)} ms a batch)`,
);
console.log(
  `${'JS + CSS shipped at first (gzip)'.padEnd(40)} ${firstKB.toFixed(0).padStart(6)} kB`,
);
console.log(
  `${'with the map and reports, once opened'.padEnd(40)} ${allKB.toFixed(0).padStart(6)} kB`,
);
