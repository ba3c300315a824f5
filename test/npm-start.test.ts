// `npm start` as a newcomer runs it: central, the bus and the kiosk come up, the simulated bus
// reaches central, Ctrl-C stops everything within 5 s, and a second start resumes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly kiosk: string;
  readonly driver: string;
  readonly console: string;
  readonly api: string;
  readonly busMqttPort: number;
}

/** Runs the start script (the build is the test run's) and waits for its banner. */
async function start(dataDir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/start.ts', '--data', dataDir, '--free-ports'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!output.includes('Ctrl-C stops everything')) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`no banner:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = (label: string) => {
    const found = new RegExp(`${label}\\s+(http://\\S+)`).exec(output)?.[1];
    if (!found) throw new Error(`no ${label} URL in:\n${output}`);
    return found;
  };
  const port = /-p (\d+)/.exec(output)?.[1];
  return {
    child,
    output: () => output,
    kiosk: url('Visitor kiosk'),
    driver: url('Driver display'),
    console: url('Staff console'),
    api: url('Staff API \\(central\\)'),
    busMqttPort: Number(port),
  };
}

interface Fleet {
  readonly buses: readonly { busId: string; position: { ts: string } | null }[];
}

/** Central's fleet, as the staff account npm start made sees it. */
async function fleet(api: string, dataDir: string): Promise<Fleet> {
  const password = readFileSync(path.join(dataDir, 'staff.password'), 'utf8').trim();
  const response = await fetch(api, {
    headers: { authorization: `Basic ${Buffer.from(`staff:${password}`).toString('base64')}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Fleet;
}

/** Waits until the simulated bus's position at central is newer than `after`. */
async function busReachesCentral(api: string, dataDir: string, after: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const bus = (await fleet(api, dataDir)).buses.find((b) => b.busId === 'sim-bus-01');
    if (bus?.position && bus.position.ts > after) return bus.position.ts;
    if (Date.now() > deadline) throw new Error('the simulated bus never reached central');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      resolve(true);
    });
  });
}

/** Ctrl-C: how long until the script and every service are gone. */
async function interrupt(started: Started): Promise<number> {
  const began = Date.now();
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGINT');
  expect(await exited).toBe(0);
  const took = Date.now() - began;
  for (const url of [started.kiosk, started.api])
    expect(await portClosed(Number(new URL(url).port))).toBe(true);
  expect(await portClosed(started.busMqttPort)).toBe(true);
  return took;
}

describe('npm start', () => {
  it('runs central and the simulated bus, stops on Ctrl-C within 5 s, and resumes', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fsbus-start-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    const seen = await busReachesCentral(first.api, dataDir, '');
    const kiosk = await fetch(first.kiosk);
    expect(kiosk.status).toBe(200);
    expect(await kiosk.text()).toContain('<html');
    const driver = await fetch(first.driver);
    expect(driver.status).toBe(200);
    expect(await driver.text()).toContain('poste du conducteur');
    const staffConsole = await fetch(first.console);
    expect(staffConsole.status).toBe(200);
    expect(await staffConsole.text()).toContain('console de la flotte');
    const staffPassword = readFileSync(path.join(dataDir, 'staff.password'), 'utf8');
    expect(await interrupt(first)).toBeLessThan(5000);
    const recorded = () => {
      const db = new Database(path.join(dataDir, 'central', 'central.sqlite'), { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM fixes').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const afterFirst = recorded();
    expect(afterFirst).toBeGreaterThan(0);

    // A second start: the same accounts, the same data, the bus carries on.
    const second = await start(dataDir);
    await busReachesCentral(second.api, dataDir, seen);
    expect(readFileSync(path.join(dataDir, 'staff.password'), 'utf8')).toBe(staffPassword);
    expect(await interrupt(second)).toBeLessThan(5000);
    expect(recorded()).toBeGreaterThan(afterFirst);
  }, 240_000);
});
