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
import { encodeFix } from '../firmware-bridge/src/sources/nmea/encode.js';
import { localTime } from '../firmware-bridge/src/sources/simulator/demo-plan.js';
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

/** A drive at 5 Hz: 4 s towards the stop at 15 m/s, 4 s parked at it, 4 s away from it. */
function driveThroughStop(t0: number): string {
  const epochs: Fix[] = [];
  const at = (i: number) => t0 + (i * 1000) / HZ;
  const fix = (i: number, place: { lat: number; lon: number }, speed: number): Fix => ({
    ...EMPTY_FIX,
    time: at(i),
    mode: '3d',
    ...place,
    speed,
    track: 90,
    hdop: 0.8,
    satellitesUsed: 10,
  });
  let i = 0;
  for (; i < 4 * HZ; i++) epochs.push(fix(i, destination(STOP, 270, 60 - (15 * i) / HZ), 15));
  for (const end = i + 4 * HZ; i < end; i++) epochs.push(fix(i, STOP, 0));
  for (let k = 1; k <= 4 * HZ; k++, i++)
    epochs.push(fix(i, destination(STOP, 90, (15 * k) / HZ), 15));
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

describe('fsbus-bridge on the on-board broker', () => {
  it('publishes positions, stop states and its status from a replayed drive', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fsbus-bridge-'));
    const now = Math.floor(Date.now() / 1000) * 1000;
    writeFileSync(path.join(dir, 'drive.nmea'), driveThroughStop(now));
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(planFor(now)));
    writeFileSync(path.join(dir, 'bridge.password'), `${PASSWORD}\n`);
    broker = await startTestBroker(
      testConfig(
        dir,
        {},
        {
          gnss: { source: 'replay', replay: { file: path.join(dir, 'drive.nmea'), speed: 1 } },
          stops: {
            planFile: path.join(dir, 'plan.json'),
            arriveAfterS: 1,
            departAfterS: 1,
          },
          bridge: { passwordFile: path.join(dir, 'bridge.password') },
        },
      ),
    );
    const monitor = await login(broker.url, 'monitor');
    const seen = collect(monitor);
    await monitor.subscribeAsync(topicFilter('#', BUS), { qos: 1 });
    const config = {
      ...broker.config,
      bridge: { ...broker.config.bridge, brokerUrl: broker.url },
    };
    const logger = createLogger({
      service: 'bridge',
      level: 'warn',
      destination: new PassThrough(),
    });
    bridge = await startBridge({ config, logger, version: '0.1.0' });

    const of = <T>(stream: string) =>
      seen.filter((m) => m.topic.endsWith(`/${stream}`)).map((m) => JSON.parse(m.payload) as T);
    const states = () => of<StopMessage>('stop').map((s) => s.state);
    await until(() => states().includes('departed'), 'a departure', 20_000);

    // Every epoch of the drive is read and accepted, and published on board once the bridge is
    // connected (a position from before the connection is dropped: live values are not queued).
    const running = bridge;
    await until(() => running.metrics().fixes_accepted === 12 * HZ, 'every position accepted');
    await until(() => of('gnss').length >= 12 * HZ - 2, 'the positions on board');
    const positions = of<GnssMessage>('gnss');
    expect(positions.every((p) => p.via === 'replay' && p.mode === '3d')).toBe(true);
    // Consecutive duplicates collapse: the retained state repeats every 30 s and on connect.
    const transitions = states().filter((s, i, all) => s !== all[i - 1]);
    expect(transitions).toEqual(['en_route', 'arrived', 'departed']);
    const arrived = of<StopMessage>('stop').find((s) => s.state === 'arrived');
    expect(arrived?.current?.stopId).toBe('ambazac-mairie');
    expect(arrived?.delayS).toBeGreaterThanOrEqual(0);

    const status = of<StatusMessage>('bridge').at(-1);
    expect(status?.state).toBe('online');
    expect(bridge.metrics().gnss_to_central).toBeGreaterThan(0);

    await bridge.stop();
    bridge = undefined;
    await until(
      () => of<StatusMessage>('bridge').at(-1)?.state === 'offline',
      'the offline status',
    );
    await end(monitor);
  });
});
