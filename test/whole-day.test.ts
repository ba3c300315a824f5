// The whole stack for a simulated day, as npm start runs it (central, the on-board broker, the
// bridge driving the Monts du Forez tour, npm start's planner publishing that tour from
// central, the kiosk server, simulated visitors), at 200 times real time: central is killed for
// a while mid-morning and comes back, then the on-board broker is killed and restarted.
// Asserted from central's recorder once the bus is back at its depot: central's plan and the
// bus's acknowledgement, the stops arrived at and left in order, every visit, opinion and call
// the visitors got acknowledged recorded once (each id is a key), the door counts equal to what
// the simulated counter saw, and the bus healthy; on board, the attendance and the queue count
// the same.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AttendanceMessage,
  QueueMessage,
  StatusMessage,
  statusTopic,
  topicFor,
} from '@fsbus/shared';
import type { VisitorSimulator } from '../kiosk/src/simulator/visitors.js';
import { dayServices, simulatedVisitors, tourPlanner } from '../scripts/start/day.js';
import { centralTourId } from '../scripts/start/planner.js';
import { Services } from '../scripts/start/services.js';
import { BUS_ID, freePorts, layoutOf, prepare } from '../scripts/start/setup.js';
import {
  localTime,
  TOUR_PLAN_PREFIX,
  TOUR_TIME_ZONE,
} from '../firmware-bridge/src/sources/simulator/tour-plan.js';

const SPEED = 200;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Waits for a condition checked every 100 ms (async), up to `deadlineMs`. */
async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: () => string,
  deadlineMs: number,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a whole simulated day, end to end', () => {
  it('records the day once at central, through central’s death and the on-board broker’s', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fsbus-day-'));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });
    const layout = layoutOf(dataDir);
    const ports = await freePorts();
    prepare(layout, ports);
    const services = new Services(layout.logDir);
    cleanups.push(() => services.stop());
    // Two fixes a real second: 100 simulated seconds apart.
    const specs = dayServices(layout, ports, { speed: SPEED, rateHz: 2 });
    const spec = (name: string) => {
      const found = specs.find((s) => s.name === name);
      if (!found) throw new Error(`no service ${name}`);
      return found;
    };
    // npm start's planner first, as npm start does: it waits for central and the bus's broker.
    const problems: string[] = [];
    const planner = tourPlanner(layout, ports, {
      onProblem: (problem) => problems.push(problem),
    });
    cleanups.push(() => planner.stop());
    planner.start();
    for (const service of specs) await services.start(service);
    let visitors: VisitorSimulator | null = simulatedVisitors(ports, SPEED);
    cleanups.push(() => visitors?.stop());
    await visitors.start();

    // The bus's time, from the bridge's status (anonymous clients may read, in simulation).
    const monitor = await mqtt.connectAsync(`mqtt://127.0.0.1:${String(ports.busMqtt)}`, {
      clientId: 'monitor-whole-day',
      reconnectPeriod: 500,
    });
    cleanups.push(() => monitor.endAsync());
    const latest: {
      bridge: { status: StatusMessage; seenAt: number } | null;
      attendance: AttendanceMessage | null;
      queue: QueueMessage | null;
    } = { bridge: null, attendance: null, queue: null };
    monitor.on('message', (topic, payload) => {
      if (payload.byteLength === 0) return;
      const json: unknown = JSON.parse(payload.toString());
      if (topic === topicFor('attendance', BUS_ID))
        latest.attendance = AttendanceMessage.parse(json);
      else if (topic === topicFor('queue', BUS_ID)) latest.queue = QueueMessage.parse(json);
      else {
        const status = StatusMessage.parse(json);
        if (status.state !== 'offline') latest.bridge = { status, seenAt: Date.now() };
      }
    });
    const subscribe = () => {
      monitor.subscribe(
        [statusTopic(BUS_ID, 'bridge'), topicFor('attendance', BUS_ID), topicFor('queue', BUS_ID)],
        { qos: 1 },
      );
    };
    monitor.on('connect', subscribe);
    subscribe();
    const busTime = () => {
      const seen = latest.bridge;
      return seen === null ? null : Date.parse(seen.status.ts) + (Date.now() - seen.seenAt) * SPEED;
    };
    const busClock = () => {
      const at = busTime();
      return at === null ? 'none yet' : localTime(at, TOUR_TIME_ZONE).slice(11, 16);
    };
    /** Until the bus's clock reads `hhmm` (a simulated day is minutes of real time). */
    const at = (hhmm: string) =>
      eventually(() => busClock() >= hhmm && busClock() !== 'none yet', busClock, 300_000);

    // Central dies at 10:00 and stays away for about forty minutes of the bus's time.
    await at('10:00');
    // The bus's service day (the test ends hours of its time later, maybe after its midnight).
    const day = localTime(busTime() ?? 0, TOUR_TIME_ZONE).slice(0, 10);
    await services.kill('central');
    await at('10:40');
    await services.start(spec('central'));
    // The on-board broker dies at 11:30 and is back about fifteen minutes later.
    await at('11:30');
    await services.kill('broker');
    await at('11:45');
    await services.start(spec('broker'));
    // The last permanence closes at 17:30: the visitors go home, the bus drives back to its
    // depot, where nobody comes in any more.
    await at('17:45');
    await visitors.stop();
    const produced = visitors.produced;
    visitors = null;
    await at('18:30');

    const database = new Database(path.join(dataDir, 'central', 'central.sqlite'), {
      readonly: true,
    });
    cleanups.push(() => {
      database.close();
    });
    const rows = <T>(sql: string) => database.prepare(sql).all() as T[];
    const ids = (table: string, source: string) =>
      new Set(
        rows<{ id: string }>(`SELECT id FROM ${table} WHERE source = '${source}'`).map((r) => r.id),
      );
    const peopleIn = () =>
      rows<{ n: number | null }>('SELECT sum(count_in) AS n FROM door_counts')[0]?.n ?? 0;
    const counted = () => latest.bridge?.status.metrics.counter_link_people_in ?? -1;
    // Everything reaches central once the outbox drains.
    await eventually(
      () =>
        ids('visits', 'kiosk-2').size === produced.visits.length &&
        ids('opinions', 'kiosk-2').size === produced.opinions.length &&
        peopleIn() === counted(),
      () =>
        `central to catch up: ${String(ids('visits', 'kiosk-2').size)}/${String(produced.visits.length)} visits, ${String(ids('opinions', 'kiosk-2').size)}/${String(produced.opinions.length)} opinions, ${String(peopleIn())}/${String(counted())} people in`,
      120_000,
    );

    // The bus made its own tour; npm start's planner published it from central, and the bus
    // took central's plan and acknowledged it: central holds the day's plan and its answer.
    const ownTour = `${TOUR_PLAN_PREFIX}${day}`;
    const planId = centralTourId(ownTour);
    expect(
      rows<{ plan_id: string; source: string }>(
        `SELECT plan_id, source FROM plans WHERE date = '${day}'`,
      ),
    ).toEqual([{ plan_id: planId, source: 'central' }]);
    expect(
      rows<{ plan_id: string; outcome: string }>(
        `SELECT plan_id, outcome FROM plan_acks WHERE date = '${day}'`,
      ),
    ).toEqual([{ plan_id: planId, outcome: 'accepted' }]);

    // The stops of central's plan, arrived at and left in order.
    const transitions = rows<{ state: string; stop_id: string | null; plan_id: string | null }>(
      "SELECT state, stop_id, plan_id FROM stop_events WHERE state IN ('arrived', 'departed') ORDER BY ts, seq",
    );
    // Under central's plan from the time it came (the bus keeps its progress when a plan for
    // the same day replaces its own tour), and from the first stop on a machine not overloaded.
    expect(transitions.at(-1)?.plan_id).toBe(planId);
    for (const { plan_id: id } of transitions) expect([planId, ownTour]).toContain(id);
    expect(transitions.map((t) => `${t.state} ${t.stop_id ?? ''}`)).toEqual(
      ['boen-mairie', 'st-georges-couzan-eglise', 'chalmazel-mairie', 'sauvain-place'].flatMap(
        (stop) => [`arrived ${stop}`, `departed ${stop}`],
      ),
    );
    // The visitors came at every permanence, and each fact the broker acknowledged is there.
    expect(produced.visits.length).toBeGreaterThan(10);
    expect(ids('visits', 'kiosk-2')).toEqual(new Set(produced.visits.map((v) => v.id)));
    expect(ids('opinions', 'kiosk-2')).toEqual(new Set(produced.opinions.map((o) => o.id)));
    const calls = rows<{ n: number }>(
      "SELECT count(*) AS n FROM commands WHERE stream = 'cmd/queue' AND action = 'call_next'",
    )[0]?.n;
    expect(calls).toBe(produced.calls);
    expect(
      new Set(
        rows<{ stop_id: string }>('SELECT DISTINCT stop_id FROM visits').map((r) => r.stop_id),
      ),
    ).toEqual(
      new Set(['boen-mairie', 'st-georges-couzan-eglise', 'chalmazel-mairie', 'sauvain-place']),
    );
    // The door counts are what the simulated counter saw, people in at every stop.
    expect(peopleIn()).toBeGreaterThan(10);
    // On board, the driver display's counts and the queue say the same: every visit and opinion
    // of the day, every turn issued.
    expect(latest.attendance?.today).toEqual({
      visits: produced.visits.length,
      opinions: produced.opinions.length,
    });
    expect(latest.queue?.lastIssued?.B).toBe(produced.visits.length);
    // The bus is healthy: its last status at central, online, with no alarm.
    const last = rows<{ state: string; body: string }>(
      "SELECT state, body FROM statuses WHERE service = 'bridge' ORDER BY ts DESC LIMIT 1",
    )[0];
    expect(last?.state).toBe('online');
    expect((JSON.parse(last?.body ?? '{}') as { alarms?: string[] }).alarms).toEqual([]);
    // Central away (10:00-10:40) is no problem to the planner: nothing else happened to it.
    expect(problems).toEqual([]);
  }, 600_000);
});
