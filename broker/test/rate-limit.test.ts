// The rate limit slows a fast client down and never loses what it acknowledged: QoS 1 messages
// past the limit wait, QoS 0 ones are dropped and counted, and only a long flood disconnects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLES, topicFor } from '@fsbus/shared';
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

let test: TestBroker | undefined;
let dir: string | undefined;

async function brokerWith(broker: Record<string, unknown>): Promise<TestBroker> {
  dir = mkdtempSync(path.join(tmpdir(), 'fsbus-rate-'));
  test = await startTestBroker(testConfig(dir, broker));
  return test;
}

afterEach(async () => {
  await test?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  test = undefined;
  dir = undefined;
});

describe('the rate limit', () => {
  it('delivers a burst of 2,000 QoS 1 visits whole and in order, at the default rate', async () => {
    const { broker, url, config } = await brokerWith({});
    const { messagesPerSecond, burst } = config.broker.rateLimit;
    const monitor = await login(url, 'monitor');
    const seen = collect(monitor);
    expect(await subscribe(monitor, topicFor('visit', BUS), 1)).toBe(1);
    const kiosk = await login(url, 'kiosk-1');
    const bridge = await login(url, 'bridge');

    const count = 2000;
    const started = Date.now();
    // Back to back, as a kiosk replaying its offline queue does: mqtt.js writes them all at once.
    const acknowledged = Promise.all(
      Array.from({ length: count }, (_, i) =>
        kiosk.publishAsync(
          topicFor('visit', BUS),
          JSON.stringify({ ...EXAMPLES.visit, id: crypto.randomUUID(), turn: i + 1 }),
          { qos: 1 },
        ),
      ),
    );
    // Another user's messages get through while the kiosk waits for its tokens.
    await until(() => seen.length > burst, 'the kiosk past its burst');
    await bridge.publishAsync(
      topicFor('stop', BUS),
      JSON.stringify({ ...EXAMPLES.stop, seq: 4242 }),
      { qos: 1 },
    );
    expect(seen.length).toBeLessThan(count);

    await acknowledged;
    const elapsedS = (Date.now() - started) / 1000;
    await until(
      () => seen.length === count,
      () => `${count} visits, got ${seen.length}`,
      5000,
    );
    const turns = seen.map((m) => (JSON.parse(m.payload) as { turn: number }).turn);
    expect(turns).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(broker.metrics.get('rejected_rate')).toBe(0);
    expect(broker.metrics.get('flood_disconnects')).toBe(0);
    expect(kiosk.connected).toBe(true);
    // Slowed to its rate (a lower bound: a slow machine can only take longer).
    expect(elapsedS).toBeGreaterThanOrEqual(((count - burst) / messagesPerSecond) * 0.9);
    await end(monitor, kiosk, bridge);
  }, 60_000);

  it('disconnects a client that floods QoS 0 far beyond its rate, with a log line and a count', async () => {
    // 1 message a second: FLOOD_FACTOR x 1/s x 10 s = 100 messages dropped in 10 s is a flood.
    const { broker, url, logs } = await brokerWith({
      rateLimit: { messagesPerSecond: 1, burst: 5 },
    });
    const monitor = await login(url, 'monitor');
    const seen = collect(monitor);
    expect(await subscribe(monitor, topicFor('visit', BUS), 0)).toBe(0);
    const kiosk = await login(url, 'kiosk-1');
    const closed = new Promise<void>((resolve) => {
      kiosk.once('close', () => {
        resolve();
      });
    });
    for (let i = 0; i < 200; i++) {
      kiosk.publish(topicFor('visit', BUS), JSON.stringify({ ...EXAMPLES.visit, turn: i + 1 }));
    }
    await closed;
    expect(broker.metrics.get('flood_disconnects')).toBe(1);
    expect(broker.metrics.get('rejected_rate')).toBeGreaterThan(100);
    expect(
      logs.some(
        (line) =>
          line.msg === 'client disconnected: it kept sending far beyond its rate limit' &&
          typeof line.clientId === 'string' &&
          line.clientId.startsWith('kiosk-1'),
      ),
    ).toBe(true);
    // What fit the burst was delivered; the monitor stays connected.
    await until(() => seen.length >= 5, 'the burst delivered');
    expect(monitor.connected).toBe(true);
    await end(monitor, kiosk);
  });

  it('makes a subscription past the rate wait for its SUBACK instead of refusing it', async () => {
    const { broker, url } = await brokerWith({ rateLimit: { messagesPerSecond: 5, burst: 2 } });
    const driver = await login(url, 'driver');
    const streams = ['stop', 'queue', 'occupancy', 'door', 'gnss', 'visit'] as const;
    const started = Date.now();
    const granted = await Promise.all(
      streams.map((stream) => subscribe(driver, topicFor(stream, BUS), 1)),
    );
    expect(granted).toEqual(streams.map(() => 1));
    expect(broker.metrics.get('denied_subscribe')).toBe(0);
    // Two fit the burst (the login took none); four waited for tokens at 5/s (a lower bound).
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    await end(driver);
  });
});
