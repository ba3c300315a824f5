// The door counter end to end: a counter speaking the line protocol on a socat pseudo-terminal,
// the bridge, the on-board broker, and a monitor adding up the door events it receives. Through
// noise, bad checksums, cut lines, a wrap of the totals, a device reset, an unplug and a burst,
// the people the bridge publishes are the people the device counted.
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
import { plugPty, type PtyPair } from '../firmware-bridge/test/pty.js';
import { Device } from './counter-device.js';
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

let broker: TestBroker | undefined;
let bridge: RunningBridge | undefined;
let pty: PtyPair | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bridge?.stop();
  await broker?.stop();
  await pty?.unplug();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  bridge = broker = pty = dir = undefined;
});

describe('door counter through the bridge', () => {
  it('publishes exactly the people the device counted, whatever the line does', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'fsbus-counter-'));
    dir = work;
    writeFileSync(path.join(work, 'bridge.password'), PASSWORD);
    pty = await plugPty(work, 'counter');
    const device = new Device(pty);
    broker = await startTestBroker(testConfig(work));
    const monitor = await login(broker.url, 'monitor');
    const seen = collect(monitor);
    await monitor.subscribeAsync([topicFor('door', BUS), topicFor('occupancy', BUS)], { qos: 1 });
    const config = testConfig(
      work,
      {},
      {
        gnss: { source: 'simulator' },
        counter: { protocol: 'fsbus-line', path: pty.device },
        bridge: { passwordFile: path.join(work, 'bridge.password'), brokerUrl: broker.url },
      },
    );
    const logger = createLogger({
      service: 'bridge',
      level: 'warn',
      destination: new PassThrough(),
    });
    const running = await startBridge({ config, logger, version: '0.1.0' });
    bridge = running;
    const doors = () =>
      seen
        .filter((m) => m.topic.endsWith('/door'))
        .map((m) => JSON.parse(m.payload) as DoorMessage);
    const published = () =>
      doors().reduce((sum, d) => ({ in: sum.in + d.in, out: sum.out + d.out }), { in: 0, out: 0 });
    const agree = async (what: string, deadlineMs = 15_000) => {
      await until(
        () => published().in === device.truth.in && published().out === device.truth.out,
        `${what}: published ${JSON.stringify(published())}, counted ${JSON.stringify(device.truth)}`,
        deadlineMs,
      );
    };
    await until(() => (running.metrics().counter_link_opens ?? 0) >= 1, 'the counter port open');

    // Power-up lines, people, noise, a bad checksum and lines cut across writes.
    for (let i = 0; i < 10; i++) {
      if (i === 3) device.people(3, 0);
      device.send(i === 5 ? '\u0000\u00ffgarbage\r\n$FSDC,1,999,1,1,00*00\r\n' : '');
    }
    device.poweredUp = false;
    device.people(2, 1);
    const cut = device.line();
    pty.write(cut.slice(0, 9));
    pty.write(cut.slice(9));
    await agree('after noise and cut lines');

    // The totals wrap: the device has counted 65,530 since power-up long ago (one jump would be
    // implausible, so it climbs past the wrap in steps the bridge sees).
    device.inTotal = 65_530;
    device.outTotal = 65_531;
    device.send(); // a new baseline the bridge takes as a glitch: nobody counted
    device.truth = { ...published() };
    device.people(4, 2);
    device.send();
    device.people(5, 6); // 65530 + 9 = 65539 -> 3: the wrap
    device.send();
    await agree('across the wrap');

    // The device resets mid-day: the people counted since power-up come through.
    device.powerUp();
    device.people(2, 0);
    for (let i = 0; i < 10; i++) device.send();
    device.poweredUp = false;
    await agree('after a device reset');

    // Unplugged for 10 s; people go through meanwhile; plugged back: they are counted.
    await pty.unplug();
    device.people(3, 3);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    pty = await plugPty(work, 'counter');
    device.pty = pty;
    const talking = setInterval(() => {
      device.send();
    }, 200);
    try {
      // The port is opened again as soon as its path is back; the deadline is for a loaded machine.
      await agree('after the unplug', 40_000);
    } finally {
      clearInterval(talking);
    }

    // A burst: 50 people in 10 s, a line for each.
    for (let i = 0; i < 50; i++) {
      device.people(1, 0);
      device.send();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await agree('after a burst of 50');

    const occupancy = seen
      .filter((m) => m.topic.endsWith('/occupancy'))
      .map((m) => JSON.parse(m.payload) as OccupancyMessage)
      .at(-1);
    expect(occupancy?.today).toEqual(published());
    expect(running.metrics().counter_resets).toBeGreaterThanOrEqual(1);
    expect(running.metrics().counter_link_rejected_checksum).toBeGreaterThanOrEqual(1);

    // The driver counts 4 people on board: the occupancy follows, and says why.
    const driver = await login(broker.url, 'driver');
    const factory = new MessageFactory({ busId: BUS, source: 'driver' });
    await driver.publishAsync(
      topicFor('cmd/occupancy', BUS),
      JSON.stringify(factory.create('cmd/occupancy', { action: 'reset', onBoard: 4 })),
      { qos: 1 },
    );
    const lastOccupancy = () =>
      seen
        .filter((m) => m.topic.endsWith('/occupancy'))
        .map((m) => JSON.parse(m.payload) as OccupancyMessage)
        .at(-1);
    await until(() => lastOccupancy()?.lastReset?.reason === 'driver', 'the driver reset');
    expect(lastOccupancy()).toMatchObject({ onBoard: 4, today: published() });

    // The counter stops talking: within its 5 s the status says silent, with an alarm.
    await monitor.subscribeAsync(statusTopic(BUS, 'bridge'), { qos: 1 });
    await until(
      () =>
        seen
          .filter((m) => m.topic.endsWith('/status/bridge'))
          .map((m) => JSON.parse(m.payload) as StatusMessage)
          .some((m) => m.health.counter === 'silent' && m.alarms.includes('counter_silent')),
      'a silent counter on the status',
      10_000,
    );

    // A restart: the counts come back from disk. Two people came in while the bridge was down:
    // they are counted (from the saved totals), and nobody already counted is counted again.
    await running.stop();
    device.people(2, 0);
    const occupancyBefore = lastOccupancy();
    const restarted = await startBridge({ config, logger, version: '0.1.0' });
    bridge = restarted;
    const messagesBefore = seen.length;
    await until(
      () => seen.slice(messagesBefore).some((m) => m.topic.endsWith('/occupancy')),
      'the occupancy published by the restarted bridge',
    );
    expect(lastOccupancy()).toMatchObject({
      onBoard: occupancyBefore?.onBoard,
      today: occupancyBefore?.today,
    });
    device.send();
    device.send();
    await agree('after a restart');
    await end(monitor, driver);
  }, 150_000);
});
