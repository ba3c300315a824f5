// npm start's planner between two real brokers (Debian's mosquitto standing for central and
// for the bus's broker): it publishes the bus's own tour from central, once, and never replaces
// a plan staff published.
import { spawn, type ChildProcess } from 'node:child_process';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageFactory, PlanMessage, topicFor } from '@fsbus/shared';
import { freePort } from '@fsbus/shared/node';
import { tourPlan } from '../firmware-bridge/src/sources/simulator/tour-plan.js';
import { TourPlanner } from '../scripts/start/planner.js';
import { until } from '../firmware-bridge/test/pty.js';

const BUS = 'sim-bus-01';
const TOPIC = topicFor('plan', BUS);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A plain mosquitto on 127.0.0.1 (anonymous: its default listener), and a client of it. */
async function broker(): Promise<{ url: string; client: MqttClient }> {
  const port = await freePort();
  const child: ChildProcess = spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' });
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  });
  const url = `mqtt://127.0.0.1:${String(port)}`;
  // Up once it answers a CONNECT.
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
      cleanups.push(() => client.endAsync(true));
      return { url, client };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The bus's own tour of the day `days` after 2026-11-23, as its bridge publishes it. */
function tour(days: number): PlanMessage {
  const noon = Date.parse('2026-11-23T11:00:00Z') + days * 86_400_000;
  return new MessageFactory({ busId: BUS, source: 'bridge' }).create('plan', tourPlan(noon));
}

describe('npm start’s planner', () => {
  it('publishes the bus’s tour from central once, and leaves a staff plan of that day or later', async () => {
    const central = await broker();
    const bus = await broker();
    // Central's retained plan for the bus, as a console would see it.
    let held: PlanMessage | null = null;
    central.client.on('message', (_topic, payload) => {
      held = payload.byteLength === 0 ? null : PlanMessage.parse(JSON.parse(payload.toString()));
    });
    await central.client.subscribeAsync(TOPIC, { qos: 1 });
    const heldId = () => held?.planId;
    const published: string[] = [];
    const leftAside: string[] = [];
    const problems: string[] = [];
    const planner = (): TourPlanner => {
      const started = new TourPlanner({
        busId: BUS,
        busMqttUrl: bus.url,
        centralMqttUrl: central.url,
        username: 'staff',
        password: 'unused',
        onProblem: (problem) => problems.push(problem),
        onPublished: (planId) => published.push(planId),
        onLeftAside: (tourId, heldBy) => leftAside.push(`${tourId} for ${heldBy}`),
      });
      cleanups.push(() => started.stop());
      started.start();
      return started;
    };
    const first = planner();
    const send = (plan: PlanMessage) =>
      bus.client.publishAsync(TOPIC, JSON.stringify(plan), { qos: 1, retain: true });

    // Central holds nothing: the bus's tour goes, under central's id and stamp, stops as they are.
    const today = tour(0);
    await send(today);
    await until(() => published.length === 1, 'the first tour published', 20_000);
    expect(published).toEqual(['tour-forez-2026-11-23']);
    await until(() => heldId() === 'tour-forez-2026-11-23', 'the copy held', 20_000);
    expect(held).toMatchObject({ source: 'central', date: '2026-11-23', stops: today.stops });

    // The bus republishing central's plan: not a tour of its own. Its tour again: not sent.
    await send({ ...today, planId: 'tour-forez-2026-11-23' });
    await send(today);
    await until(() => leftAside.length === 1, 'the repeat left aside', 20_000);

    // A staff plan at central for the next day: the bus's tour of that day leaves it there.
    const staff = new MessageFactory({ busId: BUS, source: 'central' }).create('plan', {
      ...tourPlan(Date.parse('2026-11-24T11:00:00Z')),
      planId: 'staff-2026-11-24',
    });
    await central.client.publishAsync(TOPIC, JSON.stringify(staff), { qos: 1, retain: true });
    await until(() => heldId() === 'staff-2026-11-24', 'the staff plan held', 20_000);
    await send(tour(1));
    await until(
      () => leftAside.length === 2,
      'the tour of the staff plan’s day left aside',
      20_000,
    );
    // The day after, the staff plan is an earlier day's: the bus's tour goes.
    await send(tour(2));
    await until(() => published.length === 2, 'the third tour published', 20_000);
    await until(() => heldId() === 'tour-forez-2026-11-25', 'the third copy held', 20_000);

    // npm start again: central holds that day already, nothing is sent.
    await first.stop();
    planner();
    await until(() => leftAside.length === 3, 'the restarted planner’s decision', 20_000);
    expect(leftAside).toEqual([
      'sim-forez-2026-11-23 for tour-forez-2026-11-23',
      'sim-forez-2026-11-24 for staff-2026-11-24',
      'sim-forez-2026-11-25 for tour-forez-2026-11-25',
    ]);
    expect(published).toEqual(['tour-forez-2026-11-23', 'tour-forez-2026-11-25']);
    expect(problems).toEqual([]);
  }, 60_000);
});
