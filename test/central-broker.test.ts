// fsbus-central as the buses and staff meet it: TLS from a test CA, one account per bus, each
// bus in its own lane, staff reading all, planners publishing plans, every fact recorded once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import mqtt, { type ErrorWithSubackPacket, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageFactory, topicFilter, topicFor, exampleBody } from '@fsbus/shared';
import {
  apiJson,
  centralSetup,
  connectToCentral,
  connected,
  secretOf,
  startCentralHere,
  type CentralSetup,
  type InProcessCentral,
} from './central-harness.js';
import { runCentralCommand } from '../broker/src/central/cli.js';

const A = 'bfs-87-012';
const B = 'bfs-23-004';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fleet(mqttKeys: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-central-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const setup = await centralSetup(
    dir,
    [
      { username: A, role: 'bus' },
      { username: B, role: 'bus' },
      { username: 'marie', role: 'staff' },
      { username: 'paul', role: 'planner' },
    ],
    mqttKeys,
  );
  const running = await startCentralHere(setup);
  cleanups.push(() => running.stop());
  return { setup, running };
}

async function login(setup: CentralSetup, username: string): Promise<MqttClient> {
  const client = await connected(connectToCentral(setup, username));
  cleanups.push(() => client.endAsync(true));
  return client;
}

/** Messages as a bus's kiosk makes them. */
function kioskOf(busId: string) {
  return new MessageFactory({ busId, source: 'kiosk-1' });
}

const visitBody = () => exampleBody('visit');
const planBody = () => exampleBody('plan');

async function count(running: InProcessCentral, sql: string, ...params: string[]) {
  const [row] = await running.central.store.query<{ n: number }>(sql, params);
  return row?.n;
}

/** Resolves with the first message on `topic` (a retained one at once), or null after `ms`. */
function firstMessage(client: MqttClient, topic: string, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(null);
    }, ms);
    client.on('message', (received, payload) => {
      if (received !== topic) return;
      clearTimeout(timer);
      resolve(payload.toString());
    });
  });
}

describe('fsbus-central logins over TLS', () => {
  it('lets a bus in with the CA it trusts, and refuses a wrong CA, an unknown bus, a wrong password', async () => {
    const { setup } = await fleet();
    await login(setup, A);

    const wrongCa = connectToCentral(setup, A, {
      ca: readFileSync(setup.pki.otherCaFile),
    });
    const tlsError = await connected(wrongCa).catch((error: unknown) => error);
    wrongCa.end(true);
    expect(String((tlsError as { code?: unknown }).code)).toMatch(/CERT|SIGNED|UNABLE/);

    const unknown = connectToCentral(setup, 'bfs-99-999');
    const refused = await connected(unknown).catch((error: unknown) => error);
    unknown.end(true);
    expect((refused as { code?: unknown }).code).toBe(4);

    const wrong = connectToCentral(setup, B, { password: 'not it' });
    const bad = await connected(wrong).catch((error: unknown) => error);
    wrong.end(true);
    expect((bad as { code?: unknown }).code).toBe(4);
  });

  it('serves the staff console over secure WebSocket, and plain listeners only when asked', async () => {
    const { setup, running } = await fleet({ wssPort: 0 });
    expect(running.central.ports).toMatchObject({ tcp: null, ws: null });
    const wss = running.central.ports.wss ?? 0;
    const staff = mqtt.connect(`wss://127.0.0.1:${String(wss)}/mqtt`, {
      username: 'marie',
      password: secretOf('marie'),
      clientId: 'marie-console',
      ca: readFileSync(setup.pki.caFile),
      reconnectPeriod: 0,
    });
    cleanups.push(() => staff.endAsync(true));
    await connected(staff);
    const seen = firstMessage(staff, topicFor('visit', A), 5000);
    await staff.subscribeAsync(topicFilter('#', '+'), { qos: 1 });
    const bus = await login(setup, A);
    const visit = kioskOf(A).create('visit', visitBody());
    await bus.publishAsync(topicFor('visit', A), JSON.stringify(visit), { qos: 1 });
    expect(JSON.parse((await seen) ?? '{}')).toMatchObject({ id: visit.id });
  });

  it('refuses a revoked bus at its next login and closes its connection', async () => {
    const { setup } = await fleet();
    const bus = await login(setup, B);
    const closed = new Promise<void>((resolve) => {
      bus.once('close', () => {
        resolve();
      });
    });
    const io = { out: () => undefined, err: () => undefined };
    expect(await runCentralCommand(['revoke-bus', B, '--config', setup.configFile], io)).toBe(0);
    await closed;
    const again = connectToCentral(setup, B);
    const refused = await connected(again).catch((error: unknown) => error);
    again.end(true);
    expect((refused as { code?: unknown }).code).toBe(4);
  });
});

describe('fsbus-central lanes', () => {
  it('records what a bus publishes in its lane, and nothing it publishes as another bus', async () => {
    const { setup, running } = await fleet();
    const bus = await login(setup, A);
    const own = kioskOf(A).create('visit', visitBody());
    await bus.publishAsync(topicFor('visit', A), JSON.stringify(own), { qos: 1 });
    // The PUBACK left only once the row was committed.
    expect(await count(running, 'SELECT count(*) AS n FROM visits WHERE id = ?', own.id)).toBe(1);

    const asB = kioskOf(B).create('visit', visitBody());
    await bus.publishAsync(topicFor('visit', B), JSON.stringify(asB), { qos: 1 });
    // In its own lane but stamped for B: the envelope must name the topic's bus.
    const stamped = kioskOf(B).create('visit', visitBody());
    await bus.publishAsync(topicFor('visit', A), JSON.stringify(stamped), { qos: 1 });
    // A bus does not publish its own plan: central does.
    const plan = new MessageFactory({ busId: A, source: 'bridge' }).create('plan', planBody());
    await bus.publishAsync(topicFor('plan', A), JSON.stringify(plan), { qos: 1, retain: true });

    expect(await count(running, 'SELECT count(*) AS n FROM visits')).toBe(1);
    expect(await count(running, 'SELECT count(*) AS n FROM plans')).toBe(0);
    const metrics = running.central.metrics.snapshot();
    expect(metrics.rejected_acl).toBe(2);
    expect(metrics.rejected_bus_mismatch).toBe(1);
    // Staff see the same counts in the API.
    const status = await apiJson<{ counters: Record<string, number> }>(
      setup,
      running.central.httpPort,
      '/api/v1/central',
    );
    expect(status.counters).toMatchObject({
      rejected_acl: 2,
      rejected_bus_mismatch: 1,
      recorder_recorded: 1,
    });
    expect(
      running.logs.some((line) => line.msg === 'publish dropped' && line.reason === 'acl'),
    ).toBe(true);
  });

  it('gives a bus its own plan only, and staff every bus', async () => {
    const { setup } = await fleet();
    const planner = await login(setup, 'paul');
    const plan = new MessageFactory({ busId: A, source: 'central' }).create('plan', planBody());
    await planner.publishAsync(topicFor('plan', A), JSON.stringify(plan), { qos: 1, retain: true });

    const busA = await login(setup, A);
    const received = firstMessage(busA, topicFor('plan', A), 5000);
    await busA.subscribeAsync(topicFor('plan', A), { qos: 1 });
    expect(JSON.parse((await received) ?? '{}')).toMatchObject({ planId: plan.planId });

    const busB = await login(setup, B);
    const denied = await busB.subscribeAsync(topicFor('plan', A), { qos: 1 }).then(
      () => null,
      (error: unknown) => error as ErrorWithSubackPacket,
    );
    expect(denied?.packet.granted).toEqual([128]);

    const staff = await login(setup, 'marie');
    const topics: string[] = [];
    staff.on('message', (topic) => topics.push(topic));
    const seen = firstMessage(staff, topicFor('visit', B), 5000);
    await staff.subscribeAsync('fsbus/v1/#', { qos: 1 });
    // Opinions are not for live reading: arriving just after their visit, they could be paired.
    const opinion = kioskOf(B).create('opinion', { stopId: null, rating: 4, reasons: [] });
    await busB.publishAsync(topicFor('opinion', B), JSON.stringify(opinion), { qos: 1 });
    const visit = kioskOf(B).create('visit', visitBody());
    await busB.publishAsync(topicFor('visit', B), JSON.stringify(visit), { qos: 1 });
    expect(JSON.parse((await seen) ?? '{}')).toMatchObject({ id: visit.id });
    expect(topics).not.toContain(topicFor('opinion', B));
    const explicit = await staff.subscribeAsync(topicFor('opinion', B), { qos: 1 }).then(
      () => null,
      (error: unknown) => error as ErrorWithSubackPacket,
    );
    expect(explicit?.packet.granted).toEqual([128]);

    // Staff read; only a planner publishes a plan.
    const other = new MessageFactory({ busId: B, source: 'central' }).create('plan', planBody());
    await staff.publishAsync(topicFor('plan', B), JSON.stringify(other), { qos: 1, retain: true });
    const after = await login(setup, 'marie');
    const held = firstMessage(after, topicFor('plan', B), 1000);
    await after.subscribeAsync(topicFilter('plan', '+'), { qos: 1 });
    // A retained message would come at once with the SUBACK: there is none for B.
    expect(await held).toBeNull();
  });
});

describe('fsbus-central recorder', () => {
  it('records a message sent twice once, acknowledges both, and delivers it once', async () => {
    const { setup, running } = await fleet();
    const staff = await login(setup, 'marie');
    const deliveries: string[] = [];
    staff.on('message', (_topic, payload) => deliveries.push(payload.toString()));
    await staff.subscribeAsync(topicFor('visit', A), { qos: 1 });
    const bus = await login(setup, A);
    const visit = kioskOf(A).create('visit', visitBody());
    await bus.publishAsync(topicFor('visit', A), JSON.stringify(visit), { qos: 1 });
    await bus.publishAsync(topicFor('visit', A), JSON.stringify(visit), { qos: 1 });
    const later = kioskOf(A).create('visit', visitBody());
    await bus.publishAsync(topicFor('visit', A), JSON.stringify(later), { qos: 1 });
    await expect.poll(() => deliveries.length).toBe(2);
    expect(deliveries.map((d) => (JSON.parse(d) as { id: string }).id)).toEqual([
      visit.id,
      later.id,
    ]);
    expect(await count(running, 'SELECT count(*) AS n FROM visits')).toBe(2);
    expect(
      await count(running, 'SELECT count(*) AS n FROM visit_partners WHERE visit_id = ?', visit.id),
    ).toBe(visit.partners.length);
    expect(running.central.recorder.stats()).toMatchObject({ recorded: 2, duplicates: 1 });
  });

  it('counts the seqs a bus skipped, per publisher and stream', async () => {
    const { setup, running } = await fleet();
    const bus = await login(setup, A);
    const kiosk = new MessageFactory({ busId: A, source: 'kiosk-1', lastSeq: { visit: 6 } });
    for (const keep of [true, true, false, false, true, true]) {
      const visit = kiosk.create('visit', visitBody());
      if (keep) await bus.publishAsync(topicFor('visit', A), JSON.stringify(visit), { qos: 1 });
    }
    expect(await running.central.recorder.tracks()).toEqual([
      expect.objectContaining({
        busId: A,
        source: 'kiosk-1',
        stream: 'visit',
        messages: 4,
        firstSeq: 7,
        lastSeq: 12,
        gaps: 1,
        missing: 2,
      }),
    ]);
  });
});

describe('fsbus-central limits', () => {
  it('disconnects a bus that floods, while another bus keeps flowing', async () => {
    const { setup, running } = await fleet({ rateLimit: { messagesPerSecond: 20, burst: 20 } });
    const flooder = await login(setup, A);
    const closed = new Promise<void>((resolve) => {
      flooder.once('close', () => {
        resolve();
      });
    });
    const calm = await login(setup, B);
    const kiosk = kioskOf(B);
    const fixes = new MessageFactory({ busId: A, source: 'bridge' });
    const fix = exampleBody('gnss');
    // QoS 0 far beyond the rate (a flood is 10 times the rate's worth dropped within 10 s): the
    // broker drops them, then closes the link.
    const state = { gone: false };
    void closed.then(() => {
      state.gone = true;
    });
    for (let i = 0; i < 20_000 && !state.gone; i++) {
      flooder.publish(topicFor('gnss', A), JSON.stringify(fixes.create('gnss', fix)), { qos: 0 });
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    await closed;
    for (let i = 0; i < 5; i++) {
      const visit = kiosk.create('visit', visitBody());
      await calm.publishAsync(topicFor('visit', B), JSON.stringify(visit), { qos: 1 });
    }
    expect(await count(running, 'SELECT count(*) AS n FROM visits WHERE bus_id = ?', B)).toBe(5);
    expect(running.central.metrics.snapshot().flood_disconnects).toBe(1);
    expect(running.logs.some((line) => String(line.msg).includes('kept sending'))).toBe(true);
  });
});
