// A full disk under the broker store: the failure is counted and logged, live traffic goes on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, statusTopic, topicFor } from '@fsbus/shared';
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

// A 1 MiB tmpfs stands for an SD card that filled up (the tests run as root, as CI does).
const mountPoint = mkdtempSync(path.join(tmpdir(), 'fsbus-full-'));
let test: TestBroker;

beforeAll(async () => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
  test = await startTestBroker(
    testConfig(mountPoint, { rateLimit: { messagesPerSecond: 100_000, burst: 100_000 } }),
  );
});

afterAll(async () => {
  await test.stop();
  execFileSync('umount', [mountPoint]);
});

describe('the broker on a full disk', () => {
  it('counts and logs the store failure, and keeps delivering live messages', async () => {
    const metrics = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`filler_metric_${String(i)}`, i]),
    );
    let service = 0;
    // Retained messages are written to the store; keep writing until it fails. aedes closes the
    // connection of a client whose message it could not store, so each batch logs in afresh.
    while (test.broker.metrics.get('store_errors') === 0 && service < 5000) {
      const bridge = await login(test.url, 'bridge');
      const accepted = test.broker.metrics.get('messages_in');
      for (let i = 0; i < 50; i++, service++) {
        const name = `svc-${String(service)}`;
        const status = { ...EXAMPLES.status, service: name, metrics };
        bridge.publish(statusTopic(BUS, name), JSON.stringify(status), { qos: 0, retain: true });
      }
      await until(
        () =>
          test.broker.metrics.get('messages_in') - accepted === 50 ||
          test.broker.metrics.get('store_errors') > 0,
        'a batch of retained status messages',
      );
      await end(bridge);
    }
    expect(test.broker.metrics.get('store_errors')).toBeGreaterThan(0);
    expect(
      test.logs.some(
        (line) => line.msg === 'broker store failed: retained state or queued messages may be lost',
      ),
    ).toBe(true);

    const monitor = await login(test.url, 'monitor');
    const seen = collect(monitor);
    expect(await subscribe(monitor, topicFor('visit', BUS), 0)).toBe(0);
    const kiosk = await login(test.url, 'kiosk-1');
    await kiosk.publishAsync(topicFor('visit', BUS), JSON.stringify(EXAMPLES.visit), { qos: 0 });
    await until(() => seen.length > 0, 'a live visit after the disk filled up');
    expect(JSON.parse(seen[0]?.payload ?? '')).toEqual(EXAMPLES.visit);
    // QoS 1 with nothing to store: acknowledged and delivered.
    const qos1 = { ...EXAMPLES.visit, id: crypto.randomUUID(), turn: 77 };
    await kiosk.publishAsync(topicFor('visit', BUS), JSON.stringify(qos1), { qos: 1 });
    await until(() => seen.some((m) => m.payload.includes('"turn":77')), 'the QoS 1 visit');
    await end(monitor, kiosk);
  });

  it('never acknowledges a retained QoS 1 state it could not store: the sender keeps it', async () => {
    const monitor = await login(test.url, 'monitor');
    const seen = collect(monitor);
    expect(await subscribe(monitor, topicFor('stop', BUS), 1)).toBe(1);
    const bridge = await login(test.url, 'bridge');
    let acknowledged = false;
    const closed = new Promise<void>((resolve) => {
      bridge.once('close', () => {
        resolve();
      });
    });
    bridge.publish(
      topicFor('stop', BUS),
      JSON.stringify({ ...EXAMPLES.stop, seq: 9191 }),
      { qos: 1, retain: true },
      (error) => {
        if (!error) acknowledged = true;
      },
    );
    await closed;
    expect(acknowledged).toBe(false);
    expect(seen.some((m) => m.payload.includes('"seq":9191'))).toBe(false);
    await end(monitor, bridge);
  });
});
