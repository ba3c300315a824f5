// The Modbus door counter end to end: an RTU counter on a socat pseudo-terminal, the bridge
// polling it, the on-board broker, and a monitor adding up the door events. Through a wrap of
// 16-bit totals, a device reset, unanswered polls, exception answers, a 10 s unplug and a
// burst, the people the bridge publishes are the people the device counted. And a bus driving
// into its depot is emptied, whatever the counter missed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MessageFactory,
  statusTopic,
  topicFor,
  type DoorMessage,
  type OccupancyMessage,
  type StatusMessage,
} from '@fsbus/shared';
import { createLogger } from '@fsbus/shared/node';
import { startBridge, type RunningBridge } from '../firmware-bridge/src/main.js';
import { EMPTY_FIX } from '../firmware-bridge/src/domain/fix.js';
import { destination } from '../firmware-bridge/src/domain/geo.js';
import { encodeFix } from '../firmware-bridge/src/sources/nmea/encode.js';
import { localTime } from '../firmware-bridge/src/sources/simulator/tour-plan.js';
import { middayZone } from './midday-zone.js';
import { PtySlave, setTotal } from '../firmware-bridge/test/modbus-pty-slave.js';
import { plugPty, type PtyPair } from '../firmware-bridge/test/pty.js';
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

const UNIT = 9;
const BAUD = 19_200;
/** Door 1's totals at registers 0 and 1, door 2's at 10 and 11 (16-bit, so they wrap). */
const MAP = [
  { door: 1, inAddress: 0, outAddress: 1 },
  { door: 2, inAddress: 10, outAddress: 11 },
];
const DEPOT = { name: 'Dépôt', lat: 45.95, lon: 1.38, radiusM: 150 };

/** The counter's totals since power-up, door by door, and the people the bridge can know of. */
class Device {
  readonly bank = new Map<number, number>();
  /** Counted since power-up long ago: the bridge's first reading is a baseline. */
  readonly totals = [
    { in: 65_530, out: 65_528 },
    { in: 200, out: 150 },
  ];
  truth = { in: 0, out: 0 };

  constructor() {
    this.store();
  }

  people(door: 1 | 2, inCount: number, out: number): void {
    const totals = this.totals[door - 1];
    if (!totals) throw new Error(`no door ${door}`);
    totals.in += inCount;
    totals.out += out;
    this.truth.in += inCount;
    this.truth.out += out;
    this.store();
  }

  /** Totals the bridge takes as a new baseline (nobody counted), e.g. before it first reads. */
  set(door: 1 | 2, inTotal: number, outTotal: number): void {
    this.totals[door - 1] = { in: inTotal, out: outTotal };
    this.store();
  }

  store(): void {
    MAP.forEach((map, i) => {
      const totals = this.totals[i] ?? { in: 0, out: 0 };
      setTotal(this.bank, map.inAddress, totals.in);
      setTotal(this.bank, map.outAddress, totals.out);
    });
  }
}

let broker: TestBroker | undefined;
let bridge: RunningBridge | undefined;
const ptys: PtyPair[] = [];
const slaves: PtySlave[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await bridge?.stop();
  await broker?.stop();
  for (const slave of slaves.splice(0)) await slave.close();
  for (const pty of ptys.splice(0)) await pty.unplug();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  bridge = broker = undefined;
});

/** A broker, a monitor adding up door events, and a Modbus counter on a pty. */
async function onboard(extra: Record<string, unknown> = {}) {
  const work = mkdtempSync(path.join(tmpdir(), 'fsbus-modbus-e2e-'));
  dirs.push(work);
  writeFileSync(path.join(work, 'bridge.password'), PASSWORD);
  const device = new Device();
  const plug = async () => {
    const pty = await plugPty(work, 'counter');
    ptys.push(pty);
    const slave = await PtySlave.open(path.join(work, 'counter-feed'), UNIT, device.bank, BAUD);
    slaves.push(slave);
    return { pty, slave };
  };
  let line = await plug();
  const running = await startTestBroker(testConfig(work));
  broker = running;
  const monitor = await login(running.url, 'monitor');
  const seen = collect(monitor);
  await monitor.subscribeAsync(
    [topicFor('door', BUS), topicFor('occupancy', BUS), statusTopic(BUS, 'bridge')],
    { qos: 1 },
  );
  const config = testConfig(
    work,
    {},
    {
      gnss: { source: 'simulator' },
      counter: {
        protocol: 'modbus-rtu',
        path: line.pty.device,
        baudRate: BAUD,
        modbus: { unitId: UNIT, pollMs: 200, timeoutMs: 150, registerWords: 1, doors: MAP },
      },
      bridge: { passwordFile: path.join(work, 'bridge.password'), brokerUrl: running.url },
      ...extra,
    },
  );
  const logger = createLogger({ service: 'bridge', level: 'warn', destination: new PassThrough() });
  const started = await startBridge({ config, logger, version: '0.1.0' });
  bridge = started;
  const of = <T>(stream: string) =>
    seen.filter((m) => m.topic.endsWith(`/${stream}`)).map((m) => JSON.parse(m.payload) as T);
  /** People in the door events, each event once by its id (QoS 1 may deliver one twice). */
  const published = () =>
    [...new Map(of<DoorMessage>('door').map((d) => [d.id, d])).values()].reduce(
      (sum, d) => ({ in: sum.in + d.in, out: sum.out + d.out }),
      { in: 0, out: 0 },
    );
  return {
    work,
    device,
    bridge: started,
    monitor,
    of,
    published,
    line: () => line,
    replug: async () => {
      line = await plug();
    },
    agree: async (what: string, deadlineMs = 15_000) => {
      await until(
        () => published().in === device.truth.in && published().out === device.truth.out,
        () =>
          `${what}: published ${JSON.stringify(published())}, counted ${JSON.stringify(device.truth)}`,
        deadlineMs,
      );
    },
    health: (counter: string) =>
      until(
        () => of<StatusMessage>('status/bridge').at(-1)?.health.counter === counter,
        `counter ${counter} on the status`,
        10_000,
      ),
  };
}

describe('Modbus door counter through the bridge', () => {
  it('publishes exactly the people the device counted, whatever the line does', async () => {
    const bus = await onboard();
    const { device } = bus;
    await until(() => (bus.bridge.metrics().counter_link_answers ?? 0) >= 2, 'the first polls');
    await bus.health('ok');

    // People through both doors; door 1's totals wrap at 65536.
    device.people(1, 4, 1);
    device.people(2, 2, 0);
    await bus.agree('first people');
    device.people(1, 5, 9); // 65534 + 5 -> 3 in, 65529 + 9 -> 2 out
    await bus.agree('across the wrap');

    // Polls unanswered: silent on the status; people meanwhile are counted when it answers.
    bus.line().slave.behaviour = 'silent';
    await bus.health('silent');
    device.people(2, 3, 1);
    bus.line().slave.behaviour = 'answer';
    await bus.agree('after timeouts');
    await bus.health('ok');

    // The device answers exceptions (busy): a fault, then counts again.
    bus.line().slave.behaviour = { exception: 6 };
    await bus.health('fault');
    device.people(1, 1, 0);
    bus.line().slave.behaviour = 'answer';
    await bus.agree('after exception answers');

    // The device resets mid-day: its totals restart near 0, and those are people.
    device.set(2, 0, 0);
    device.people(2, 2, 0);
    await bus.agree('after a device reset');

    // Unplugged for 10 s, people meanwhile, plugged back as a new device node.
    await bus.line().slave.close();
    await bus.line().pty.unplug();
    await bus.health('fault');
    device.people(1, 3, 3);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await bus.replug();
    // The port is opened again as soon as its path is back; the deadline is for a loaded machine.
    await bus.agree('after the unplug', 40_000);

    // A burst: 50 people in 10 s.
    for (let i = 0; i < 50; i++) {
      device.people(i % 2 === 0 ? 1 : 2, 1, 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await bus.agree('after a burst of 50');

    const metrics = bus.bridge.metrics();
    expect(metrics.counter_link_timeouts).toBeGreaterThan(0);
    expect(metrics.counter_link_exception_busy).toBeGreaterThan(0);
    expect(metrics.counter_link_resets).toBeGreaterThanOrEqual(1);
    // The occupancy follows each door event.
    await until(
      () =>
        JSON.stringify(bus.of<OccupancyMessage>('occupancy').at(-1)?.today) ===
        JSON.stringify(bus.published()),
      'the occupancy with the day totals',
    );
    await end(bus.monitor);
  }, 150_000);

  it('empties the bus when it drives into its depot, once per entry', async () => {
    const gps = { distanceM: 400, timer: undefined as NodeJS.Timeout | undefined };
    const work = mkdtempSync(path.join(tmpdir(), 'fsbus-depot-'));
    dirs.push(work);
    const gpsPty = await plugPty(work, 'gps');
    ptys.push(gpsPty);
    const now = Date.now();
    // In a zone where it is midday now: the stop an hour or two ahead stays on today's date.
    const zone = middayZone(now);
    const plan = new MessageFactory({ busId: BUS, source: 'central' }).create('plan', {
      planId: 'depot-test',
      date: localTime(now, zone).slice(0, 10),
      timeZone: zone,
      depot: DEPOT,
      stops: [
        {
          stopId: 'far-away',
          name: 'Mairie',
          commune: 'Ailleurs',
          ...destination(DEPOT, 0, 5000),
          arrival: localTime(now + 3_600_000, zone),
          departure: localTime(now + 7_200_000, zone),
        },
      ],
    });
    writeFileSync(path.join(work, 'plan.json'), JSON.stringify(plan));
    const bus = await onboard({
      gnss: { source: 'serial', serial: { path: gpsPty.device, baudRate: 9600 } },
      stops: { planFile: path.join(work, 'plan.json') },
    });
    // The receiver: a fix a second, the bus 400 m north of the depot, driving in at 15 m/s.
    let driving = false;
    gps.timer = setInterval(() => {
      if (driving) gps.distanceM = Math.max(0, gps.distanceM - 15);
      const fix = {
        ...EMPTY_FIX,
        time: Date.now(),
        mode: '3d' as const,
        ...destination(DEPOT, 0, gps.distanceM),
        speed: driving && gps.distanceM > 0 ? 15 : 0,
        track: 180,
        hdop: 0.8,
        satellitesUsed: 10,
      };
      gpsPty.write(encodeFix(fix).join(''));
    }, 1000);
    try {
      await until(() => (bus.bridge.metrics().counter_link_answers ?? 0) >= 2, 'the first polls');
      await until(() => (bus.bridge.metrics().fixes_accepted ?? 0) >= 2, 'fixes accepted');
      bus.device.people(1, 6, 1);
      await bus.agree('people on board');
      const occupancy = () => bus.of<OccupancyMessage>('occupancy').at(-1);
      await until(() => occupancy()?.onBoard === 5, 'five on board');

      driving = true;
      await until(() => occupancy()?.lastReset?.reason === 'depot', 'the depot reset', 60_000);
      expect(occupancy()).toMatchObject({ onBoard: 0, today: { in: 6, out: 1 } });
      // Still in the depot: someone gets on to clean the bus, and stays counted.
      bus.device.people(1, 1, 0);
      await bus.agree('in the depot');
      await until(() => occupancy()?.onBoard === 1, 'one on board in the depot');
      expect(bus.bridge.metrics().counter_depot_resets).toBe(1);
      await end(bus.monitor);
    } finally {
      clearInterval(gps.timer);
    }
  }, 120_000);
});
