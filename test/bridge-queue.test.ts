// The bridge as keeper of the queue and of the day's attendance, on a real on-board broker:
// kiosks' visits and opinions and the driver's cmd/queue in, the retained `queue` and
// `attendance` out; through a restart of the bridge, and visits taken while it was down.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AttendanceMessage,
  EXAMPLES,
  MessageFactory,
  QueueMessage,
  serviceDate,
  topicFor,
  type BodyOf,
  type Config,
  exampleBody,
} from '@fsbus/shared';
import { createLogger } from '@fsbus/shared/node';
import { startBridge, type RunningBridge } from '../firmware-bridge/src/main.js';
import {
  BUS,
  PASSWORD,
  collect,
  login,
  startTestBroker,
  testConfig,
  until,
} from '../broker/test/harness.js';

const run = promisify(execFile);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  offsetMs = 0;
});

/** The test's clock: real time plus what the test moved it on. */
let offsetMs = 0;
const clock = () => Date.now() + offsetMs;

const kiosks = {
  A: new MessageFactory({ busId: BUS, source: 'kiosk-1', clock: () => new Date(clock()) }),
  B: new MessageFactory({ busId: BUS, source: 'kiosk-2', clock: () => new Date(clock()) }),
};
const driverFactory = new MessageFactory({
  busId: BUS,
  source: 'driver',
  clock: () => new Date(clock()),
});
const visitBody = exampleBody('visit');
const opinionBody = exampleBody('opinion');

function visit(series: 'A' | 'B', turn: number) {
  return kiosks[series].create('visit', { ...visitBody, series, turn });
}

async function bus() {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-queue-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const onboard = await startTestBroker(testConfig(path.join(dir, 'onboard')));
  cleanups.push(() => onboard.stop());
  writeFileSync(path.join(dir, 'bridge.password'), PASSWORD);
  const config = testConfig(
    path.join(dir, 'bus'),
    {},
    {
      gnss: { source: 'simulator' },
      counter: { protocol: 'none' },
      bridge: { passwordFile: path.join(dir, 'bridge.password'), brokerUrl: onboard.url },
      outbox: { commitWindowMs: 200 },
    },
  );
  let bridge: RunningBridge | null = null;
  const start = async (c: Config = config) => {
    const logger = createLogger({
      service: 'bridge',
      level: 'fatal',
      destination: new PassThrough(),
    });
    const started = await startBridge({ config: c, logger, version: '0.1.0', now: clock });
    bridge = started;
    await until(() => (started.metrics().broker_subscribes ?? 0) >= 1, 'the bridge subscribed');
    return started;
  };
  cleanups.push(() => bridge?.stop());
  const monitor = await login(onboard.url, 'monitor');
  cleanups.push(() => monitor.endAsync());
  const seen = collect(monitor);
  await monitor.subscribeAsync([topicFor('queue', BUS), topicFor('attendance', BUS)], {
    qos: 1,
  });
  const last = (stream: 'queue' | 'attendance') =>
    seen.filter((m) => m.topic === topicFor(stream, BUS) && m.payload.length > 0).at(-1);
  const queue = () => {
    const message = last('queue');
    return message === undefined ? undefined : QueueMessage.parse(JSON.parse(message.payload));
  };
  const attendance = () => {
    const message = last('attendance');
    return message === undefined ? undefined : AttendanceMessage.parse(JSON.parse(message.payload));
  };
  const kiosk1 = await login(onboard.url, 'kiosk-1');
  const kiosk2 = await login(onboard.url, 'kiosk-2');
  const driver = await login(onboard.url, 'driver');
  cleanups.push(async () => {
    await Promise.all([kiosk1, kiosk2, driver].map((c) => c.endAsync()));
  });
  const checkIn = async (series: 'A' | 'B', turn: number) => {
    const message = visit(series, turn);
    await (series === 'A' ? kiosk1 : kiosk2).publishAsync(
      topicFor('visit', BUS),
      JSON.stringify(message),
      { qos: 1 },
    );
    return message;
  };
  const opine = async (message = kiosks.A.create('opinion', opinionBody)) => {
    await kiosk1.publishAsync(topicFor('opinion', BUS), JSON.stringify(message), { qos: 1 });
    return message;
  };
  const command = (body: BodyOf<'cmd/queue'>) =>
    driver.publishAsync(
      topicFor('cmd/queue', BUS),
      JSON.stringify(driverFactory.create('cmd/queue', body)),
      { qos: 1 },
    );
  return {
    dir,
    config,
    onboard,
    start,
    queue,
    attendance,
    checkIn,
    opine,
    command,
    kiosk1,
    stop: () => bridge?.stop(),
  };
}

/**
 * A one-stop plan for today in a zone where the date is not Paris's now (Paris is the bridge's
 * zone until it has a plan).
 */
function planElsewhere() {
  const now = Date.now();
  const parisHour = Number(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(now),
  );
  // UTC-12 is 13 or 14 hours behind Paris, UTC+14 12 or 13 ahead.
  const [timeZone, offset] = parisHour < 12 ? ['Etc/GMT+12', '-12:00'] : ['Etc/GMT-14', '+14:00'];
  const date = serviceDate(now, timeZone);
  expect(date).not.toBe(serviceDate(now, 'Europe/Paris'));
  const plan = new MessageFactory({ busId: BUS, source: 'central' }).create('plan', {
    ...EXAMPLES.plan,
    date,
    timeZone,
    depot: null,
    stops: EXAMPLES.plan.stops.slice(0, 1).map((stop) => ({
      ...stop,
      arrival: `${date}T00:00:00${offset}`,
      departure: `${date}T23:59:00${offset}`,
    })),
  });
  return { date, plan };
}

describe('the bridge keeps the queue', () => {
  it('builds the retained queue from two kiosks’ visits and the driver’s calls, with an estimate from the calls', async () => {
    const { onboard, start, queue, checkIn, command } = await bus();
    const bridge = await start();
    await until(() => queue()?.issued === 0, 'an empty queue for today');
    expect(queue()).toMatchObject({ serving: null, waiting: 0, estimatedWaitS: 0 });

    await checkIn('A', 1);
    await checkIn('B', 1);
    await checkIn('A', 2);
    await checkIn('B', 2);
    await until(
      () => queue()?.issued === 4,
      () => `4 turns issued: ${JSON.stringify(queue())}`,
    );
    expect(queue()).toMatchObject({
      waiting: 4,
      lastIssued: { A: 2, B: 2 },
      waitingTurns: [
        { series: 'A', number: 1 },
        { series: 'B', number: 1 },
        { series: 'A', number: 2 },
        { series: 'B', number: 2 },
      ],
      // No call yet: nothing to estimate from.
      estimatedWaitS: null,
    });

    // The adviser calls every 6 minutes.
    await command({ action: 'call_next' });
    offsetMs += 6 * 60_000;
    await command({ action: 'call_next' });
    offsetMs += 6 * 60_000;
    await command({ action: 'call_next' });
    await until(
      () => queue()?.serving === 2 && queue()?.servingSeries === 'A',
      () => `A 2 served: ${JSON.stringify(queue())}`,
    );
    expect(queue()).toMatchObject({ waiting: 1, serviceS: 360, estimatedWaitS: 12 * 60 });
    expect(bridge.metrics()).toMatchObject({ queue_issued: 4, queue_called: 3 });

    // Any MQTT client reads it: the retained message, with mosquitto_sub.
    const { stdout } = await run('mosquitto_sub', [
      ...['-h', '127.0.0.1', '-p', new URL(onboard.url).port],
      ...['-u', 'monitor', '-P', PASSWORD, '-t', topicFor('queue', BUS), '-C', '1', '-W', '10'],
    ]);
    expect(QueueMessage.parse(JSON.parse(stdout))).toMatchObject({ serving: 2, waiting: 1 });
  }, 60_000);

  it('keeps the queue and the attendance through a restart, takes the visits published while it was down, and counts a message delivered again once', async () => {
    const { start, queue, attendance, checkIn, opine, command, kiosk1, stop } = await bus();
    await start();
    const first = await checkIn('A', 1);
    await checkIn('A', 2);
    const opinion = await opine();
    await command({ action: 'call_next' });
    await until(() => queue()?.serving === 1, 'A 1 served');
    await until(
      () => attendance()?.today.opinions === 1 && attendance()?.today.visits === 2,
      () => `the attendance: ${JSON.stringify(attendance())}`,
    );

    await stop();
    // The kiosks go on handing out turns while the bridge is down (the broker keeps them).
    await checkIn('A', 3);
    await checkIn('B', 1);
    // A kiosk that did not see its PUBACK sends again, with the same id.
    await kiosk1.publishAsync(topicFor('visit', BUS), JSON.stringify(first), { qos: 1 });
    await opine(opinion);
    await opine();
    const restarted = await start();
    await until(
      () => queue()?.issued === 4,
      () => `the visits taken while down: ${JSON.stringify(queue())}`,
    );
    expect(queue()).toMatchObject({
      serving: 1,
      waitingTurns: [
        { series: 'A', number: 2 },
        { series: 'A', number: 3 },
        { series: 'B', number: 1 },
      ],
      lastIssued: { A: 3, B: 1 },
    });
    expect(restarted.metrics().queue_repeat).toBe(1);
    await until(
      () => attendance()?.today.opinions === 2,
      () => `the opinion given while down: ${JSON.stringify(attendance())}`,
    );
    const stopId = visitBody.stopId ?? '';
    expect(attendance()).toMatchObject({
      today: { visits: 4, opinions: 2 },
      stops: [{ stopId, visits: 4, opinions: 2 }],
    });
    expect(restarted.metrics()).toMatchObject({ attendance_repeat: 2 });

    // Skip, recall and reset from the driver.
    await command({ action: 'skip', turn: 2, series: 'A' });
    await until(() => queue()?.waiting === 2, 'A 2 skipped');
    await command({ action: 'recall', turn: 2, series: 'A' });
    await until(() => queue()?.serving === 2, 'A 2 recalled');
    await command({ action: 'reset' });
    await until(() => queue()?.waiting === 0 && queue()?.serving === null, 'the queue reset');
    // Numbering goes on after a reset.
    expect(queue()).toMatchObject({ issued: 4, lastIssued: { A: 3, B: 1 } });
  }, 60_000);

  it('starts a new day at midnight of the plan’s time zone', async () => {
    const { start, queue, attendance, checkIn } = await bus();
    await start();
    await checkIn('A', 1);
    await until(() => queue()?.issued === 1, 'a turn issued');
    await until(() => attendance()?.today.visits === 1, 'a visit counted');
    const today = queue()?.date ?? '';
    offsetMs += 24 * 3600_000;
    await until(
      () => queue()?.date !== today && queue()?.issued === 0,
      () => `a new day: ${JSON.stringify(queue())}`,
    );
    expect(queue()).toMatchObject({ waiting: 0, lastIssued: {} });
    await until(
      () => attendance()?.date === queue()?.date,
      () => `the attendance of the new day: ${JSON.stringify(attendance())}`,
    );
    expect(attendance()).toMatchObject({ today: { visits: 0, opinions: 0 }, stops: [] });
  }, 60_000);

  it('judges the service day in the time zone of the plan it starts with', async () => {
    const { date, plan } = planElsewhere();
    const { dir, config, start, queue, attendance, checkIn } = await bus();
    const planFile = path.join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    await start({ ...config, stops: { ...config.stops, planFile } });
    await until(
      () => queue()?.date === date,
      () => `the plan's day: ${JSON.stringify(queue())}`,
    );
    await checkIn('A', 1);
    await until(
      () => queue()?.waiting === 1,
      () => `a turn taken: ${JSON.stringify(queue())}`,
    );
    await until(() => attendance()?.today.visits === 1, 'a visit counted');
    expect(attendance()?.date).toBe(date);
  }, 60_000);

  it('goes on with the day under its new date when a plan names another time zone', async () => {
    const { date, plan } = planElsewhere();
    const { onboard, start, queue, attendance, checkIn } = await bus();
    await start();
    await checkIn('A', 1);
    await until(() => queue()?.waiting === 1, 'a turn taken in Paris’s day');
    await until(() => attendance()?.today.visits === 1, 'a visit counted');
    expect(queue()?.date).toBe(serviceDate(Date.now(), 'Europe/Paris'));
    // The plan comes retained on board (as after a lost store), in another zone.
    const planner = await login(onboard.url, 'bridge');
    cleanups.push(() => planner.endAsync());
    await planner.publishAsync(topicFor('plan', BUS), JSON.stringify(plan), {
      qos: 1,
      retain: true,
    });
    await until(
      () => queue()?.date === date,
      () => `the day's new date: ${JSON.stringify(queue())}`,
    );
    expect(queue()).toMatchObject({ waiting: 1, lastIssued: { A: 1 } });
    await until(() => attendance()?.date === date, 'the counts under the new date');
    expect(attendance()?.today.visits).toBe(1);
    // Today's visits go on counting.
    await checkIn('A', 2);
    await until(
      () => queue()?.waiting === 2,
      () => `a second turn: ${JSON.stringify(queue())}`,
    );
    await until(() => attendance()?.today.visits === 2, 'a second visit counted');
  }, 60_000);
});
