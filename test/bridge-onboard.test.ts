// The bridge on a real on-board broker: a replayed NMEA drive through a planned stop becomes
// gnss positions, stop states (en route, arrived, departed) and a bridge status, as a monitor
// subscribed to the broker sees them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MessageFactory,
  topicFilter,
  type GnssMessage,
  type StatusMessage,
  type StopMessage,
} from '@fsbus/shared';
import { createLogger } from '@fsbus/shared/node';
import { startBridge, type RunningBridge } from '../firmware-bridge/src/main.js';
import { EMPTY_FIX, type Fix } from '../firmware-bridge/src/domain/fix.js';
import { destination } from '../firmware-bridge/src/domain/geo.js';
import { encodeFix, withChecksum } from '../firmware-bridge/src/sources/nmea/encode.js';
import { localTime } from '../firmware-bridge/src/sources/simulator/tour-plan.js';
import {
  BUS,
  PASSWORD,
  collect,
  end,
  login,
  startTestBroker,
  testConfig,
  until,
  type TestBroker,
} from '../broker/test/harness.js';

const STOP = { lat: 45.9597, lon: 1.3998 };
const HZ = 5;

type Leg = 'approach' | 'park' | 'leave';

/**
 * A drive at 5 Hz from t0, made of 4-second legs: approach (towards the stop at 15 m/s), park
 * (at it), leave (away from it at 15 m/s).
 */
function drive(t0: number, legs: readonly Leg[]): string {
  const epochs: Fix[] = [];
  const fix = (i: number, place: { lat: number; lon: number }, speed: number): Fix => ({
    ...EMPTY_FIX,
    time: t0 + (i * 1000) / HZ,
    mode: '3d',
    ...place,
    speed,
    track: 90,
    hdop: 0.8,
    satellitesUsed: 10,
  });
  for (const leg of legs) {
    for (let k = 0; k < 4 * HZ; k++) {
      const i = epochs.length;
      const metres = (15 * k) / HZ;
      if (leg === 'approach') epochs.push(fix(i, destination(STOP, 270, 60 - metres), 15));
      else if (leg === 'park') epochs.push(fix(i, STOP, 0));
      else epochs.push(fix(i, destination(STOP, 90, metres + 3), 15));
    }
  }
  return epochs.flatMap((e) => encodeFix(e)).join('');
}

function planFor(now: number) {
  const factory = new MessageFactory({ busId: BUS, source: 'central' });
  return factory.create('plan', {
    planId: 'test-plan',
    date: localTime(now, 'Europe/Paris').slice(0, 10),
    timeZone: 'Europe/Paris',
    depot: null,
    stops: [
      {
        stopId: 'ambazac-mairie',
        name: 'Mairie',
        commune: 'Ambazac',
        ...STOP,
        arrival: localTime(now, 'Europe/Paris'),
        departure: localTime(now + 60_000, 'Europe/Paris'),
      },
    ],
  });
}

let broker: TestBroker | undefined;
let bridge: RunningBridge | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bridge?.stop();
  await broker?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  bridge = undefined;
  broker = undefined;
  dir = undefined;
});

/** A broker with a monitor watching the bus, and what it takes to start bridges on it. */
async function onboard() {
  const work = mkdtempSync(path.join(tmpdir(), 'fsbus-bridge-'));
  dir = work;
  const now = Math.floor(Date.now() / 1000) * 1000;
  writeFileSync(path.join(work, 'plan.json'), JSON.stringify(planFor(now)));
  writeFileSync(path.join(work, 'bridge.password'), `${PASSWORD}\n`);
  const running = await startTestBroker(testConfig(work));
  broker = running;
  const monitor = await login(running.url, 'monitor');
  const seen = collect(monitor);
  await monitor.subscribeAsync(topicFilter('#', BUS), { qos: 1 });
  const of = <T>(stream: string) =>
    seen.filter((m) => m.topic.endsWith(`/${stream}`)).map((m) => JSON.parse(m.payload) as T);
  /** Starts a bridge replaying `nmea` (the same data dir, so the same saved plan and progress). */
  const start = async (name: string, nmea: string, gnss: Record<string, unknown> = {}) => {
    writeFileSync(path.join(work, name), nmea);
    const config = testConfig(
      work,
      {},
      {
        gnss: { source: 'replay', replay: { file: path.join(work, name), speed: 1 }, ...gnss },
        counter: { protocol: 'none' },
        stops: { planFile: path.join(work, 'plan.json'), arriveAfterS: 1, departAfterS: 1 },
        bridge: { passwordFile: path.join(work, 'bridge.password'), brokerUrl: running.url },
      },
    );
    const logger = createLogger({
      service: 'bridge',
      level: 'warn',
      destination: new PassThrough(),
    });
    bridge = await startBridge({ config, logger, version: '0.1.0' });
    return bridge;
  };
  return { now, monitor, of, start };
}

describe('fsbus-bridge on the on-board broker', () => {
  it('publishes positions, stop states and its status from a replayed drive', async () => {
    const { now, monitor, of, start } = await onboard();
    const running = await start('drive.nmea', drive(now, ['approach', 'park', 'leave']));
    const states = () => of<StopMessage>('stop').map((s) => s.state);
    await until(() => states().includes('departed'), 'a departure', 20_000);

    // Every epoch of the drive is read and accepted, and published on board once the bridge is
    // connected (a position from before the connection is dropped: live values are not queued).
    await until(() => running.metrics().fixes_accepted === 12 * HZ, 'every position accepted');
    await until(() => of('gnss').length >= 12 * HZ - 2, 'the positions on board');
    const positions = of<GnssMessage>('gnss');
    expect(positions.every((p) => p.via === 'replay' && p.mode === '3d')).toBe(true);
    // Consecutive duplicates collapse: the retained state repeats every 30 s and on connect.
    const transitions = states().filter((s, i, all) => s !== all[i - 1]);
    // en_route comes first unless the bridge connected only after the arrival (a slow machine):
    // the state before the connection is not queued, the current one is published on connect.
    expect(transitions.slice(-2)).toEqual(['arrived', 'departed']);
    expect(transitions.slice(0, -2).every((state) => state === 'en_route')).toBe(true);
    const arrived = of<StopMessage>('stop').find((s) => s.state === 'arrived');
    expect(arrived?.current?.stopId).toBe('ambazac-mairie');
    expect(arrived?.delayS).toBeGreaterThanOrEqual(0);

    // The status says at once that the receiver has a 3D fix, and how old it is.
    await until(
      () => of<StatusMessage>('bridge').some((m) => m.health.gnss === 'fix_3d'),
      'a status with the fix',
    );
    const status = of<StatusMessage>('bridge').findLast((m) => m.health.gnss === 'fix_3d');
    expect(status?.state).toBe('online');
    expect(status?.health.plan).toBe('today');
    expect(status?.metrics.gnss_fix_age_s).toBeLessThanOrEqual(1);
    expect(status?.alarms).toEqual([]);
    expect(running.metrics().gnss_to_central).toBeGreaterThan(0);

    await running.stop();
    bridge = undefined;
    await until(
      () => of<StatusMessage>('bridge').at(-1)?.state === 'offline',
      'the offline status',
    );
    await end(monitor);
  });

  it('resumes a stop after a restart: same arrival, then the departure', async () => {
    const { now, monitor, of, start } = await onboard();
    const stopsSeen = () => of<StopMessage>('stop');
    const first = await start('before.nmea', drive(now, ['approach', 'park', 'park']));
    await until(() => stopsSeen().some((s) => s.state === 'arrived'), 'the arrival', 15_000);
    const arrival = stopsSeen().find((s) => s.state === 'arrived')?.current?.actualArrival;
    expect(arrival).toEqual(expect.any(String));
    await first.stop();
    const before = stopsSeen().length;

    // A new process on the same data dir: it still stands at the stop, then drives away.
    await start('after.nmea', drive(Date.now(), ['park', 'leave']));
    await until(() => stopsSeen().at(-1)?.state === 'departed', 'the departure', 15_000);
    const after = stopsSeen().slice(before);
    // Never en route again: still arrived (published on connect, unless the bridge connected
    // only after leaving, on a slow machine), then departed, with the arrival of before.
    expect(after.every((s) => s.state === 'arrived' || s.state === 'departed')).toBe(true);
    expect(after.every((s) => s.current?.actualArrival === arrival)).toBe(true);
    await end(monitor);
  });

  it('drops a checksum-valid position whose speed no bus reaches (speed and track swapped)', async () => {
    const { now, monitor, of, start } = await onboard();
    const lines = drive(now, ['park']).split('\r\n');
    // The 10th epoch says 359 knots on a track of 0.4 degrees instead of 0.4 knots on 359.
    const seen = { RMC: 0, VTG: 0 };
    const swapped = lines.map((line) => {
      const type = line.slice(3, 6);
      if (type !== 'RMC' && type !== 'VTG') return line;
      if (++seen[type] !== 10) return line;
      const fields = line.slice(1, line.indexOf('*')).split(',');
      if (type === 'RMC') [fields[7], fields[8]] = ['359.0', '0.4'];
      else [fields[1], fields[5], fields[7]] = ['0.4', '359.0', '664.9'];
      return withChecksum(fields.join(',')).trimEnd();
    });
    const running = await start('swapped.nmea', swapped.join('\r\n'));
    await until(
      () =>
        (running.metrics().fixes_accepted ?? 0) + (running.metrics().fixes_rejected_speed ?? 0) ===
        4 * HZ,
      'every epoch judged',
      15_000,
    );
    expect(running.metrics().fixes_rejected_speed).toBe(1);
    await until(() => of('gnss').length >= 4 * HZ - 3, 'the other positions on board');
    expect(of<GnssMessage>('gnss').every((p) => (p.speed ?? 0) < 40)).toBe(true);
    await end(monitor);
  });

  it('raises gnss_no_device on the status as soon as it is due, not at the next 30 s report', async () => {
    const { now, monitor, of, start } = await onboard();
    // A replay says no_device when its log is over: here after 4 s.
    const running = await start('short.nmea', drive(now, ['park']), { noDeviceAlarmS: 2 });
    const statuses = () => of<StatusMessage>('bridge');
    await until(() => statuses().some((m) => m.health.gnss === 'fix_3d'), 'a status with the fix');
    await until(
      () => statuses().some((m) => m.health.gnss === 'no_device'),
      'no_device when the log is over',
      10_000,
    );
    const gone = Date.now();
    await until(
      () => statuses().some((m) => m.alarms.includes('gnss_no_device')),
      'the alarm',
      15_000,
    );
    // Due 2 s after the receiver went; the periodic report would come up to 30 s later.
    expect(Date.now() - gone).toBeLessThan(15_000);
    expect(running.metrics().fixes_accepted).toBeGreaterThan(0);
    await end(monitor);
  });
});
