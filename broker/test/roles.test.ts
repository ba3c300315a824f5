// The role table, end to end: every publish and subscribe of every role against a real broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { EXAMPLES, STREAMS, statusTopic, topicFor, topicFilter, type Stream } from '@fsbus/shared';
import {
  BUS,
  collect,
  end,
  login,
  startTestBroker,
  subscribe,
  until,
  type TestBroker,
} from './harness.js';

/** What each role may publish and subscribe to, by stream (`status` means its own status topic). */
const TABLE: Record<string, { publish: readonly Stream[]; subscribe: readonly Stream[] | 'all' }> =
  {
    bridge: {
      publish: [
        'gnss',
        'door',
        'occupancy',
        'stop',
        'queue',
        'attendance',
        'plan',
        'plan/ack',
        'status',
      ],
      subscribe: 'all',
    },
    'kiosk-1': {
      publish: ['visit', 'opinion', 'status'],
      subscribe: ['plan', 'stop', 'queue', 'occupancy'],
    },
    // Everything but the live opinions.
    driver: {
      publish: ['cmd/queue', 'cmd/occupancy', 'status'],
      subscribe: STREAMS.filter((stream) => stream !== 'opinion'),
    },
    monitor: { publish: [], subscribe: 'all' },
  };

function topicOf(stream: Stream, username: string): string {
  return stream === 'status' ? statusTopic(BUS, username) : topicFor(stream, BUS);
}

function payloadOf(stream: Stream, username: string): string {
  return JSON.stringify(
    stream === 'status' ? { ...EXAMPLES.status, service: username } : EXAMPLES[stream],
  );
}

let test: TestBroker;
let observer: MqttClient;
let seen: ReturnType<typeof collect>;

beforeAll(async () => {
  test = await startTestBroker();
  observer = await login(test.url, 'bridge');
  seen = collect(observer);
  expect(await subscribe(observer, topicFilter('#', BUS))).toBe(1);
});

afterAll(async () => {
  await end(observer);
  await test.stop();
});

describe.each(Object.entries(TABLE))('role of %s', (username, rights) => {
  it.each(STREAMS)(
    `subscribing to %s is granted or refused with 0x80 as the table says`,
    async (stream) => {
      const client = await login(test.url, username);
      const allowed = rights.subscribe === 'all' || rights.subscribe.includes(stream);
      expect(await subscribe(client, topicFilter(stream, BUS))).toBe(allowed ? 1 : 128);
      await end(client);
    },
  );

  it('may subscribe to the whole bus only if it may read all of it', async () => {
    const client = await login(test.url, username);
    expect(await subscribe(client, topicFilter('#', BUS))).toBe(
      rights.subscribe === 'all' ? 1 : 128,
    );
    expect(await subscribe(client, '#')).toBe(128);
    expect(await subscribe(client, 'fsbus/v1/other-bus/#')).toBe(128);
    await end(client);
  });

  it('publishes exactly what the table allows; a refused publish is acknowledged, dropped and counted', async () => {
    const client = await login(test.url, username);
    const before = test.broker.metrics.get('rejected_acl');
    const expectedTopics: string[] = [];
    let refused = 0;
    for (const stream of STREAMS) {
      const topic = topicOf(stream, username);
      await client.publishAsync(topic, payloadOf(stream, username), { qos: 1 });
      if (rights.publish.includes(stream)) expectedTopics.push(topic);
      else refused += 1;
    }
    expect(test.broker.metrics.get('rejected_acl') - before).toBe(refused);
    expect(client.connected).toBe(true);
    // A last allowed message from the same client arrives after every earlier one.
    const last = expectedTopics.at(-1);
    if (last !== undefined) {
      await until(() => seen.filter((m) => m.topic === last).length > 0, `${last} at the observer`);
      const fromThisClient = new Set(expectedTopics);
      for (const topic of fromThisClient)
        expect(
          seen.some((m) => m.topic === topic),
          topic,
        ).toBe(true);
    }
    await end(client);
  });

  it("may not publish another service's status", async () => {
    const client = await login(test.url, username);
    const before = test.broker.metrics.get('rejected_acl');
    await client.publishAsync(statusTopic(BUS, 'imposter'), payloadOf('status', 'imposter'), {
      qos: 1,
    });
    expect(test.broker.metrics.get('rejected_acl') - before).toBe(username === 'bridge' ? 0 : 1);
    await end(client);
  });
});

describe('forwarding', () => {
  it('delivers only what a reader may read, even on retained state', async () => {
    const bridge = await login(test.url, 'bridge');
    await bridge.publishAsync(topicFor('plan', BUS), JSON.stringify(EXAMPLES.plan), {
      qos: 1,
      retain: true,
    });
    const kiosk = await login(test.url, 'kiosk-1');
    const received = collect(kiosk);
    expect(await subscribe(kiosk, topicFilter('plan', BUS))).toBe(1);
    await until(
      () => received.some((m) => m.topic === topicFor('plan', BUS) && m.retain),
      'the retained plan at the kiosk',
    );
    await end(bridge, kiosk);
  });

  it('never forwards to a client outside its rights, whatever it subscribed', async () => {
    const kiosk = await login(test.url, 'kiosk-1');
    const received = collect(kiosk);
    expect(await subscribe(kiosk, 'fsbus/v1/+/gnss')).toBe(128);
    expect(await subscribe(kiosk, topicFilter('stop', BUS))).toBe(1);
    const bridge = await login(test.url, 'bridge');
    await bridge.publishAsync(topicFor('gnss', BUS), JSON.stringify(EXAMPLES.gnss), { qos: 1 });
    await bridge.publishAsync(topicFor('stop', BUS), JSON.stringify(EXAMPLES.stop), { qos: 1 });
    await until(
      () => received.some((m) => m.topic === topicFor('stop', BUS)),
      'the stop state at the kiosk',
    );
    expect(received.some((m) => m.topic === topicFor('gnss', BUS))).toBe(false);
    await end(bridge, kiosk);
  });
});
