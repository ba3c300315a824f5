// Bad input from one client is rejected and counted; the client and everyone else carry on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { EXAMPLES, topicFilter, topicFor } from '@fsbus/shared';
import {
  BUS,
  collect,
  end,
  login,
  startTestBroker,
  subscribe,
  testConfig,
  until,
  type TestBroker,
} from './harness.js';
import type { MetricName } from '../src/status/metrics.js';

let test: TestBroker;
let kiosk: MqttClient;
let observer: MqttClient;
let seen: ReturnType<typeof collect>;

beforeAll(async () => {
  const config = testConfig(
    mkdtempSync(path.join(tmpdir(), 'fsbus-broker-')),
    { maxMessageBytes: 4096, rateLimit: { messagesPerSecond: 20, burst: 40 } },
    {
      kiosk: {
        localPartners: [
          {
            code: 'local-france-renov',
            operator: 'ADIL',
            label: { fr: 'Rénover', en: 'Renovate', ar: 'ترميم' },
            icon: 'house',
            theme: 'housing_mobility_mail',
          },
        ],
      },
    },
  );
  test = await startTestBroker(config);
  kiosk = await login(test.url, 'kiosk-1');
  observer = await login(test.url, 'monitor');
  seen = collect(observer);
  expect(await subscribe(observer, topicFilter('#', BUS))).toBe(1);
});

afterAll(async () => {
  await end(kiosk, observer);
  await test.stop();
});

/** Publishes from the kiosk and returns how much `metric` grew. */
async function rejected(
  metric: MetricName,
  payload: string | Buffer,
  topic = topicFor('visit', BUS),
): Promise<number> {
  const before = test.broker.metrics.get(metric);
  await kiosk.publishAsync(topic, payload, { qos: 1 });
  return test.broker.metrics.get(metric) - before;
}

/** A valid visit goes through afterwards: the client was not disconnected, nothing is stuck. */
async function stillWorks(turn: number): Promise<void> {
  await kiosk.publishAsync(topicFor('visit', BUS), JSON.stringify({ ...EXAMPLES.visit, turn }), {
    qos: 1,
  });
  await until(() => seen.some((m) => m.payload.includes(`"turn":${turn}`)), `visit turn ${turn}`);
  expect(kiosk.connected).toBe(true);
}

describe('the broker', () => {
  it('drops invalid JSON, counts it and logs client, topic and reason', async () => {
    expect(await rejected('rejected_bad_json', '{"v":1,')).toBe(1);
    const line = test.logs.find((l) => l.msg === 'publish dropped' && l.reason === 'bad_json');
    expect(line).toMatchObject({
      clientId: kiosk.options.clientId,
      username: 'kiosk-1',
      topic: topicFor('visit', BUS),
    });
    await stillWorks(101);
  });

  it('drops a schema violation: a free-text field in a visit', async () => {
    expect(
      await rejected('rejected_schema', JSON.stringify({ ...EXAMPLES.visit, name: 'Jean Dupont' })),
    ).toBe(1);
    await stillWorks(102);
  });

  it('drops a visit naming a local partner this bus does not declare, and keeps declared ones', async () => {
    const made_up = JSON.stringify({ ...EXAMPLES.visit, partners: ['local-jean-dupont'] });
    expect(await rejected('rejected_schema', made_up)).toBe(1);
    expect(
      await rejected(
        'rejected_schema',
        JSON.stringify({ ...EXAMPLES.visit, partners: ['local-france-renov'], turn: 103 }),
      ),
    ).toBe(0);
  });

  it('drops a visit claiming another bus', async () => {
    expect(
      await rejected(
        'rejected_bus_mismatch',
        JSON.stringify({ ...EXAMPLES.visit, busId: 'other-bus' }),
      ),
    ).toBe(1);
  });

  it('drops an oversized payload before parsing it', async () => {
    expect(await rejected('rejected_too_large', Buffer.alloc(5000, 0x20))).toBe(1);
    await stillWorks(104);
  });

  it('never forwards or retains what it dropped', () => {
    const dropped = seen.filter(
      (m) =>
        m.payload === '{"v":1,' ||
        m.payload.includes('Jean Dupont') ||
        m.payload.includes('local-jean-dupont') ||
        m.payload.includes('"other-bus"') ||
        m.payload.trim() === '' ||
        m.topic.startsWith('$'),
    );
    expect(dropped).toEqual([]);
    expect(seen.filter((m) => m.topic === topicFor('visit', BUS)).length).toBeGreaterThanOrEqual(4);
  });

  it('drops QoS 0 messages past the burst, counts them, and others get through during the flood', async () => {
    const bridge = await login(test.url, 'bridge');
    const before = test.broker.metrics.get('rejected_rate');
    // 1,500 QoS 0 messages at once: 40 fit the burst, a few more the refill; the rest are dropped
    // (QoS 1 messages wait instead: rate-limit.test.ts).
    for (let i = 0; i < 1500; i++) {
      kiosk.publish(
        topicFor('visit', BUS),
        JSON.stringify({ ...EXAMPLES.visit, turn: 1 + (i % 9999) }),
        { qos: 0 },
      );
    }
    // The bridge publishes while the broker is still working through the flood.
    await until(
      () => test.broker.metrics.get('rejected_rate') - before > 0,
      'the first throttled message',
    );
    await bridge.publishAsync(
      topicFor('stop', BUS),
      JSON.stringify({ ...EXAMPLES.stop, seq: 4242 }),
      { qos: 1 },
    );
    await until(
      () => seen.some((m) => m.payload.includes('"seq":4242')),
      'the bridge message during the flood',
    );
    await until(
      () => test.broker.metrics.get('rejected_rate') - before > 1400,
      'the flood dropped',
      10_000,
    );
    // Under FLOOD_FACTOR times the rate over its window: dropped, not disconnected.
    await kiosk.publishAsync(topicFor('visit', BUS), JSON.stringify(EXAMPLES.visit), { qos: 1 });
    expect(kiosk.connected).toBe(true);
    expect(test.broker.metrics.get('flood_disconnects')).toBe(0);
    await end(bridge);
  });
});
