// What no client can do, whatever its role: take another's session, leave a forged will, retain
// an event, read what a deny rule hides, write the broker's own status, subscribe without end.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, statusTopic, topicFilter, topicFor } from '@fsbus/shared';
import { MAX_SUBSCRIPTIONS } from '../src/hooks.js';
import {
  BUS,
  collect,
  connect,
  end,
  login,
  startTestBroker,
  subscribe,
  testConfig,
  until,
  refusal,
  type TestBroker,
} from './harness.js';

let test: TestBroker;

beforeAll(async () => {
  const config = testConfig(mkdtempSync(path.join(tmpdir(), 'fsbus-broker-')), {
    allowAnonymous: true,
    acl: [{ role: 'monitor', access: 'deny', topic: 'fsbus/v1/{busId}/stop' }],
  });
  test = await startTestBroker(config);
});

afterAll(async () => {
  await test.stop();
});

/** Waits for the retained broker status at a client: every retained message has arrived by then. */
async function barrier(
  client: Awaited<ReturnType<typeof login>>,
  received: ReturnType<typeof collect>,
): Promise<void> {
  expect(await subscribe(client, statusTopic(BUS, 'broker'))).toBe(1);
  await until(
    () => received.some((m) => m.topic === statusTopic(BUS, 'broker')),
    'the broker status',
  );
}

describe('client ids', () => {
  it("refuse another user's client id with 2, so no session or will can be taken over", async () => {
    const bridge = await login(test.url, 'bridge', { clientId: 'bridge' });
    expect(await refusal(login(test.url, 'monitor', { clientId: 'bridge' }))).toBe(2);
    expect(
      await refusal(login(test.url, 'kiosk-1', { clientId: 'driver-display', clean: false })),
    ).toBe(2);
    expect(await refusal(connect(test.url, { clientId: 'kiosk-1-screen' }))).toBe(2);
    expect(bridge.connected).toBe(true);
    await end(bridge);
  });

  it("accept the user's own name, or its name and a suffix", async () => {
    const a = await login(test.url, 'kiosk-1', { clientId: 'kiosk-1' });
    const b = await login(test.url, 'kiosk-1', { clientId: 'kiosk-1-door' });
    await end(a, b);
  });
});

describe('last wills', () => {
  it('are checked when set: a kiosk cannot leave a will on the bridge status', async () => {
    const forged = JSON.stringify({
      ...EXAMPLES.status,
      service: 'bridge',
      state: 'online',
      alarms: ['forged'],
    });
    const will = {
      topic: statusTopic(BUS, 'bridge'),
      payload: Buffer.from(forged),
      qos: 1 as const,
      retain: true,
    };
    expect(await refusal(login(test.url, 'kiosk-1', { will }))).toBe(5);
  });

  it('must be valid messages', async () => {
    const will = {
      topic: statusTopic(BUS, 'kiosk-1'),
      payload: Buffer.from('offline'),
      qos: 1 as const,
      retain: true,
    };
    expect(await refusal(login(test.url, 'kiosk-1', { will }))).toBe(5);
  });

  it('are published when a client dies', async () => {
    const offline = JSON.stringify({
      ...EXAMPLES.status,
      service: 'kiosk-1',
      state: 'offline',
      source: 'kiosk-1',
    });
    const will = {
      topic: statusTopic(BUS, 'kiosk-1'),
      payload: Buffer.from(offline),
      qos: 1 as const,
      retain: true,
    };
    const kiosk = await login(test.url, 'kiosk-1', { will });
    const monitor = await login(test.url, 'monitor');
    const seen = collect(monitor);
    expect(await subscribe(monitor, statusTopic(BUS, 'kiosk-1'))).toBe(1);
    kiosk.stream.destroy(); // dies without DISCONNECT
    await until(() => seen.some((m) => m.payload.includes('"state":"offline"')), 'the kiosk will');
    await end(kiosk, monitor);
  });
});

describe('retain', () => {
  it('is cleared on event streams: a retained visit is delivered but never replayed', async () => {
    const kiosk = await login(test.url, 'kiosk-1');
    const before = test.broker.metrics.get('retain_cleared');
    await kiosk.publishAsync(topicFor('visit', BUS), JSON.stringify(EXAMPLES.visit), {
      qos: 1,
      retain: true,
    });
    expect(test.broker.metrics.get('retain_cleared') - before).toBe(1);
    const late = await login(test.url, 'bridge');
    const received = collect(late);
    expect(await subscribe(late, topicFor('visit', BUS))).toBe(1);
    await barrier(late, received);
    expect(received.filter((m) => m.topic === topicFor('visit', BUS))).toEqual([]);
    await end(kiosk, late);
  });
});

describe('deny rules', () => {
  it('hide live and retained messages from a reader whose wide subscription was granted', async () => {
    const bridge = await login(test.url, 'bridge');
    await bridge.publishAsync(topicFor('stop', BUS), JSON.stringify(EXAMPLES.stop), {
      qos: 1,
      retain: true,
    });
    const monitor = await login(test.url, 'monitor');
    const received = collect(monitor);
    expect(await subscribe(monitor, topicFilter('#', BUS))).toBe(1);
    expect(await subscribe(monitor, topicFor('stop', BUS))).toBe(128);
    await bridge.publishAsync(
      topicFor('stop', BUS),
      JSON.stringify({ ...EXAMPLES.stop, seq: 78 }),
      { qos: 1, retain: true },
    );
    await bridge.publishAsync(topicFor('queue', BUS), JSON.stringify(EXAMPLES.queue), { qos: 1 });
    await until(
      () => received.some((m) => m.topic === topicFor('queue', BUS)),
      'the queue at the monitor',
    );
    expect(received.some((m) => m.topic === topicFor('stop', BUS))).toBe(false);
    await end(bridge, monitor);
  });
});

describe('the broker status', () => {
  it('is written by the broker alone, not even the bridge', async () => {
    const bridge = await login(test.url, 'bridge');
    const before = test.broker.metrics.get('rejected_acl');
    const forged = JSON.stringify({ ...EXAMPLES.status, service: 'broker', seq: 999_999 });
    await bridge.publishAsync(statusTopic(BUS, 'broker'), forged, { qos: 1, retain: true });
    expect(test.broker.metrics.get('rejected_acl') - before).toBe(1);
    await end(bridge);
  });

  it('raises the alarm when anonymous access is on', async () => {
    const monitor = await login(test.url, 'monitor');
    const received = collect(monitor);
    await barrier(monitor, received);
    const status = JSON.parse(
      received.find((m) => m.topic === statusTopic(BUS, 'broker'))?.payload ?? '{}',
    ) as { alarms: string[] };
    expect(status.alarms).toContain('anonymous_allowed');
    await end(monitor);
  });
});

describe('subscriptions', () => {
  it(`are capped at ${String(MAX_SUBSCRIPTIONS)} per connection`, async () => {
    const monitor = await login(test.url, 'monitor');
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) {
      expect(await subscribe(monitor, `fsbus/v1/${BUS}/status/svc-${String(i)}`, 0)).toBe(0);
    }
    expect(await subscribe(monitor, topicFor('gnss', BUS), 0)).toBe(128);
    await monitor.unsubscribeAsync(`fsbus/v1/${BUS}/status/svc-0`);
    expect(await subscribe(monitor, topicFor('gnss', BUS), 0)).toBe(0);
    await end(monitor);
  });
});
