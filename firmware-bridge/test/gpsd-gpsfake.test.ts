// The gpsd source against a real gpsd: gpsfake replays a receiver log from gpsd's regression
// suite through a pty into a gpsd of its own, on a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fix } from '../src/domain/fix.js';
import { GpsdSource } from '../src/sources/gpsd.js';
import { Backoff, type GnssState } from '../src/sources/position-source.js';
import { freePort } from '@fsbus/shared/node';
import { until } from './pty.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const LOGS = path.resolve(REPO_ROOT, '../shared/fixtures/gnss/gpsd-logs');
/**
 * A SiRF V receiver in 3D fix, one epoch a second. Dated 2019: gpsd 3.22 moves older dates
 * 1024 weeks forward (its week-rollover guess), which would not match the reference.
 */
const LOG = path.join(LOGS, 'sirfstarv-nmea.log');
/** Seconds between sentences: 367 lines last about 18 s, more than a test needs. */
const CYCLE_S = '0.05';

interface Tpv {
  readonly time: number;
  readonly lat: number;
  readonly lon: number;
}

/** The TPVs gpsd itself decoded from the log (the regression suite's reference). */
function referenceTpvs(): Tpv[] {
  const tpvs: Tpv[] = [];
  for (const line of readFileSync(`${LOG}.chk`, 'utf8').split('\n')) {
    if (!line.startsWith('{"class":"TPV"')) continue;
    const tpv = JSON.parse(line) as { time?: string; lat?: number; lon?: number };
    if (tpv.time === undefined || tpv.lat === undefined || tpv.lon === undefined) continue;
    tpvs.push({ time: Date.parse(tpv.time), lat: tpv.lat, lon: tpv.lon });
  }
  return tpvs;
}

/** A running gpsfake and the gpsd it started (both in one process group). */
interface Gpsfake {
  readonly child: ChildProcess;
  readonly port: number;
  readonly tmp: string;
  stderr: string;
  exited: boolean;
}

const running: Gpsfake[] = [];

/** Starts gpsfake on `port`, its control socket in a directory of its own. */
async function startGpsfake(port: number): Promise<Gpsfake> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'fsbus-gpsfake-'));
  // detached: gpsfake leads a process group that gpsd joins, so one kill reaches both.
  const child = spawn('gpsfake', ['-1', '-q', '-P', String(port), '-c', CYCLE_S, LOG], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  const gpsfake: Gpsfake = { child, port, tmp, stderr: '', exited: false };
  running.push(gpsfake);
  child.stderr.on('data', (chunk: Buffer) => (gpsfake.stderr += chunk.toString()));
  child.once('exit', () => (gpsfake.exited = true));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return gpsfake;
}

/**
 * Kills gpsfake and its gpsd at once. SIGKILL on purpose: gpsfake's SIGTERM handler can hang
 * (it polls its gpsd child from inside a signal handler), and an abrupt death is what the
 * reconnect test wants anyway.
 */
async function killGpsfake(gpsfake: Gpsfake): Promise<void> {
  const { child } = gpsfake;
  if (!gpsfake.exited && child.pid !== undefined) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL'); // the group is already gone: gpsfake alone is left
    }
    await exited;
  }
  rmSync(gpsfake.tmp, { recursive: true, force: true });
  // gpsd leaves the shared-memory segment it exports fixes in (key 0x4770 + port).
  const key = `0x4770${gpsfake.port.toString(16).padStart(4, '0')}`;
  spawnSync('ipcrm', ['-M', key], { stdio: 'ignore' });
}

/** Throws with gpsfake's own words if it died: a condition for `until`. */
function alive(gpsfake: Gpsfake): boolean {
  if (gpsfake.exited) throw new Error(`gpsfake exited early: ${gpsfake.stderr}`);
  return true;
}

const positioned = (fix: Fix) => fix.time !== null && fix.lat !== null && fix.lon !== null;

let source: GpsdSource | undefined;
let fixes: Fix[];
let states: GnssState[];

/** Fails (never skips) with what to install when a program the test needs is missing. */
function requireProgram(program: string, args: string[]): void {
  // gpsfake looks for gpsd in /usr/sbin too, which a user's PATH may lack.
  const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin` };
  const probe = spawnSync(program, args, { stdio: 'ignore', env });
  if (probe.error !== undefined) {
    throw new Error(
      `${program} is missing (${probe.error.message}): install the Debian packages gpsd and ` +
        'gpsd-clients (gpsfake is in gpsd-clients on Debian 12)',
    );
  }
}

beforeAll(() => {
  requireProgram('gpsfake', ['-h']);
  requireProgram('gpsd', ['-V']); // gpsfake itself says so only once it tries to start it
});

beforeEach(() => {
  fixes = [];
  states = [];
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  for (const gpsfake of running.splice(0)) await killGpsfake(gpsfake);
});

function open(port: number): GpsdSource {
  source = new GpsdSource({
    host: '127.0.0.1',
    port,
    watchdogMs: 5000,
    backoff: new Backoff(100, 400),
    onFix: (fix) => fixes.push(fix),
    onState: (state) => states.push(state),
  });
  source.start();
  return source;
}

describe('GpsdSource with gpsd run by gpsfake', () => {
  it('reads the fixes gpsd decodes from the log: same time, lat and lon, state fix_3d', async () => {
    const port = await freePort();
    const gpsfake = await startGpsfake(port);
    const client = open(port);
    // This receiver sends its DOPs every five epochs or so: the first fixes have none yet.
    await until(
      () =>
        alive(gpsfake) &&
        fixes.filter(positioned).length >= 5 &&
        fixes.some((fix) => fix.hdop !== null && (fix.satellitesUsed ?? 0) > 0),
      'five fixes with time and position, and one with the DOPs of a SKY',
      10_000,
    );
    expect(states[0]).toBe('no_device');
    expect(states).toContain('fix_3d');
    const reference = referenceTpvs();
    for (const fix of fixes.filter(positioned)) {
      const match = reference.find(
        (tpv) =>
          tpv.time === fix.time &&
          Math.abs(tpv.lat - (fix.lat ?? NaN)) < 1e-6 &&
          Math.abs(tpv.lon - (fix.lon ?? NaN)) < 1e-6,
      );
      expect(match, `fix ${JSON.stringify(fix)} in the reference`).toBeDefined();
    }
    expect(client.stats).toMatchObject({ connects: 1, bad_json: 0, too_long: 0 });
  });

  it('reports no_device while gpsd is gone, keeps retrying, and reads again once it is back', async () => {
    const port = await freePort();
    const first = await startGpsfake(port);
    const client = open(port);
    await until(() => alive(first) && states.at(-1) === 'fix_3d', 'a 3D fix', 10_000);
    await killGpsfake(first);
    await until(() => states.at(-1) === 'no_device', 'no_device once gpsd is killed');
    const refusedBefore = client.stats.connect_errors;
    await until(() => client.stats.connect_errors >= refusedBefore + 2, 'retries while gone');
    const second = await startGpsfake(port);
    const before = fixes.length;
    await until(
      () => alive(second) && fixes.length > before && states.at(-1) === 'fix_3d',
      'fixes from the new gpsd',
      10_000,
    );
    expect(client.stats.connects).toBeGreaterThanOrEqual(2);
    expect(client.stats.reconnects).toBeGreaterThanOrEqual(3);
  });
});
