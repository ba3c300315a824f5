// Every QoS 1 message of a burst reaches a persistent session (clean session off), live or
// queued while it was away, and a clean session beside it; overlapping subscriptions get it once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type IConnackPacket, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageFactory, topicFilter, topicFor } from '@fsbus/shared';
import {
  BUS,
  PASSWORD,
  end,
  login,
  startTestBroker,
  subscribe,
  testConfig,
  until,
  type TestBroker,
} from './harness.js';

const DOOR = topicFor('door', BUS);

let running: TestBroker | undefined;
afterEach(async () => {
  await running?.stop();
  if (running) rmSync(running.config.dataDir, { recursive: true, force: true });
  running = undefined;
});

/** A broker whose rate limit lets a burst through. */
async function start(): Promise<TestBroker> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-broker-'));
  running = await startTestBroker(
    testConfig(dir, { rateLimit: { messagesPerSecond: 1_000_000, burst: 1_000_000 } }),
  );
  return running;
}

/** Adds the id of every door message the client receives; duplicates (at least once) count once. */
function recordDoorIds(client: MqttClient, ids: Set<string>): void {
  client.on('message', (topic, payload) => {
    if (topic === DOOR) ids.add((JSON.parse(payload.toString()) as { id: string }).id);
  });
}

/** A persistent monitor session, recording door ids from its very first packet on. */
async function persistentMonitor(
  url: string,
  clientId: string,
  ids: Set<string>,
): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  // Connected by hand: queued messages may come in the same read as the CONNACK, before a
  // listener added once login() has resolved.
  const client = mqtt.connect(url, {
    username: 'monitor',
    password: PASSWORD,
    clientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  recordDoorIds(client, ids);
  const connack = await new Promise<IConnackPacket>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  return { client, sessionPresent: connack.sessionPresent };
}

/** Publishes `count` QoS 1 door messages as fast as the client can; resolves on the last PUBACK. */
async function burst(client: MqttClient, factory: MessageFactory, count: number) {
  const sent = Array.from({ length: count }, () =>
    factory.create('door', { door: 1, in: 1, out: 0, quality: 'ok', stopId: 'ambazac-mairie' }),
  );
  await Promise.all(
    sent.map((message) => client.publishAsync(DOOR, JSON.stringify(message), { qos: 1 })),
  );
  return sent.map((message) => message.id);
}

describe('a burst of QoS 1 messages', () => {
  it('reaches a persistent session whole, and a clean session beside it', async () => {
    const broker = await start();
    const persistentIds = new Set<string>();
    const { client: persistent } = await persistentMonitor(
      broker.url,
      'monitor-persistent',
      persistentIds,
    );
    expect(await subscribe(persistent, topicFilter('#', BUS), 1)).toBe(1);
    const live = await login(broker.url, 'monitor', { clientId: 'monitor-live' });
    const liveIds = new Set<string>();
    recordDoorIds(live, liveIds);
    expect(await subscribe(live, DOOR, 1)).toBe(1);

    const bridge = await login(broker.url, 'bridge');
    const sent = await burst(bridge, new MessageFactory({ busId: BUS, source: 'bridge' }), 20_000);
    await until(
      () => persistentIds.size === sent.length && liveIds.size === sent.length,
      () =>
        `every message at both sessions (persistent ${String(persistentIds.size)}, clean ${String(liveIds.size)} of ${String(sent.length)})`,
      20_000,
    );
    expect([...persistentIds].sort()).toEqual([...sent].sort());
    expect([...liveIds].sort()).toEqual([...sent].sort());
    await end(persistent, live, bridge);
  }, 40_000);

  it('reaches a persistent session that drops out mid-burst and comes back', async () => {
    const broker = await start();
    const ids = new Set<string>();
    const { client: first } = await persistentMonitor(broker.url, 'monitor-persistent', ids);
    expect(await subscribe(first, DOOR, 1)).toBe(1);
    const bridge = await login(broker.url, 'bridge');
    const factory = new MessageFactory({ busId: BUS, source: 'bridge' });

    // The link drops while the first part is being delivered (unacknowledged deliveries with it).
    const firstPart = burst(bridge, factory, 6_000);
    await until(() => ids.size >= 1_000, 'the first deliveries', 20_000);
    await end(first);
    expect(ids.size).toBeLessThan(6_000);
    const sent = await firstPart;
    // Sent while it is away: queued.
    sent.push(...(await burst(bridge, factory, 3_000)));

    // Back: the queue is replayed while the rest of the burst comes live.
    const { client: back, sessionPresent } = await persistentMonitor(
      broker.url,
      'monitor-persistent',
      ids,
    );
    expect(sessionPresent).toBe(true);
    sent.push(...(await burst(bridge, factory, 3_000)));
    await until(
      () => ids.size === sent.length,
      () => `every message (${String(ids.size)} of ${String(sent.length)})`,
      20_000,
    );
    expect([...ids].sort()).toEqual([...sent].sort());
    await end(back, bridge);
  }, 40_000);
});

describe('a session subscribed twice over to one topic', () => {
  it.each([false, true])(
    'gets each message once (clean session %s)',
    async (clean) => {
      const broker = await start();
      const monitor = await login(broker.url, 'monitor', { clientId: 'monitor-twice', clean });
      const copies = new Map<string, number>();
      monitor.on('message', (topic, payload) => {
        const { id } = JSON.parse(payload.toString()) as { id: string };
        if (topic === DOOR) copies.set(id, (copies.get(id) ?? 0) + 1);
      });
      expect(await subscribe(monitor, topicFilter('#', BUS), 1)).toBe(1);
      expect(await subscribe(monitor, DOOR, 1)).toBe(1);
      const bridge = await login(broker.url, 'bridge');
      const sent = await burst(bridge, new MessageFactory({ busId: BUS, source: 'bridge' }), 2_000);
      await until(() => copies.size === sent.length, 'every message', 10_000);
      // A copy would come right behind its message: one more message, and they have all come.
      const [last] = await burst(bridge, new MessageFactory({ busId: BUS, source: 'bridge' }), 1);
      await until(() => last !== undefined && copies.has(last), 'the last message');
      expect([...copies.values()].every((count) => count === 1)).toBe(true);
      await end(monitor, bridge);
    },
    20_000,
  );
});

describe('a persistent session reconnecting while messages flow', () => {
  it('is never dropped by the broker for a message it acknowledged live while its queue was replayed', async () => {
    const broker = await start();
    const ids = new Set<string>();
    const { client: first } = await persistentMonitor(broker.url, 'monitor-persistent', ids);
    expect(await subscribe(first, DOOR, 1)).toBe(1);
    await end(first);
    const bridge = await login(broker.url, 'bridge');
    const factory = new MessageFactory({ busId: BUS, source: 'bridge' });
    // A publisher that never stops, as the kiosk does while the bridge restarts.
    const sent: string[] = [];
    const publishing = { on: true };
    const flow = (async () => {
      while (publishing.on) sent.push(...(await burst(bridge, factory, 20)));
    })();
    // The session comes back again and again, each time with messages queued and more coming.
    for (let round = 0; round < 15; round++) {
      await until(() => sent.length >= (round + 1) * 200, 'messages queued meanwhile', 10_000);
      const { client } = await persistentMonitor(broker.url, 'monitor-persistent', ids);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.connected, `round ${String(round)}: still connected`).toBe(true);
      await end(client);
    }
    publishing.on = false;
    await flow;
    const { client: last } = await persistentMonitor(broker.url, 'monitor-persistent', ids);
    await until(
      () => sent.every((id) => ids.has(id)),
      () =>
        `every message (${String(sent.filter((id) => ids.has(id)).length)} of ${String(sent.length)})`,
      20_000,
    );
    expect(broker.logs.filter((line) => String(line.err).includes('no such packet'))).toEqual([]);
    await end(last, bridge);
  }, 60_000);
});
