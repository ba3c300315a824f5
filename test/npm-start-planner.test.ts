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
  it('publishes the bus’s tour from central once, and steps aside for a staff plan', async () => {
    const central = await broker();
    const bus = await broker();
    // Central's retained plan for the bus, as a console would see it.
    let held: PlanMessage | null = null;
    central.client.on('message', (_topic, payload) => {
      held = payload.byteLength === 0 ? null : PlanMessage.parse(JSON.parse(payload.toString()));
    });
    await central.client.subscribeAsync(TOPIC, { qos: 1 });
    const published: string[] = [];
    const problems: string[] = [];
    const planner = new TourPlanner({
      busId: BUS,
      busMqttUrl: bus.url,
      centralMqttUrl: central.url,
      username: 'staff',
      password: 'unused',
      onProblem: (problem) => problems.push(problem),
      onPublished: (planId) => published.push(planId),
    });
    cleanups.push(() => planner.stop());
    planner.start();
    const send = (plan: PlanMessage | null) =>
      bus.client.publishAsync(TOPIC, plan === null ? '' : JSON.stringify(plan), {
        qos: 1,
        retain: true,
      });

    // Central holds nothing: the bus's tour goes, under central's id and stamp, stops as they are.
    const first = tour(0);
    await send(first);
    await until(() => published.length === 1, 'the first tour published', 20_000);
    expect(published).toEqual(['tour-forez-2026-11-23']);
    expect(held).toMatchObject({ planId: 'tour-forez-2026-11-23', source: 'central' });
    expect((held as PlanMessage | null)?.stops).toEqual(first.stops);

    // The bus republishing central's plan, or its tour again (a restart): nothing more.
    await send({ ...first, planId: 'tour-forez-2026-11-23', id: first.id.replace(/.$/, '0') });
    await send(first);
    // A staff plan at central for the next day: the bus's next tours leave it there.
    const staff = new MessageFactory({ busId: BUS, source: 'central' }).create('plan', {
      ...tourPlan(Date.parse('2026-11-24T11:00:00Z')),
      planId: 'staff-2026-11-24',
    });
    await central.client.publishAsync(TOPIC, JSON.stringify(staff), { qos: 1, retain: true });
    await until(() => held?.planId === 'staff-2026-11-24', 'the staff plan held', 20_000);
    await send(tour(1));
    // Staff clear their plan; the bus's next tour goes again. Only it was published since.
    await central.client.publishAsync(TOPIC, '', { qos: 1, retain: true });
    await until(() => held === null, 'the staff plan cleared', 20_000);
    await send(tour(2));
    await until(() => published.length === 2, 'the third tour published', 20_000);
    expect(published).toEqual(['tour-forez-2026-11-23', 'tour-forez-2026-11-25']);
    expect(problems).toEqual([]);
  }, 60_000);
});
