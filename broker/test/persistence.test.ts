// Retained state and queued QoS 1 messages of persistent sessions survive a broker restart.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, decodeMessage, statusTopic, topicFor } from '@fsbus/shared';
import { openBrokerStore } from '../src/persistence/level.js';
import {
  BUS,
  collect,
  end,
  login,
  startTestBroker,
  subscribe,
  testConfig,
  until,
} from './harness.js';

describe('a broker restarted on the same data dir', () => {
  it('still holds the retained state and delivers the QoS 1 message queued for an offline session', async () => {
    const config = testConfig(mkdtempSync(path.join(tmpdir(), 'fsbus-broker-')));
    const first = await startTestBroker(config);

    const driver = await login(first.url, 'driver', { clientId: 'driver-display', clean: false });
    expect(await subscribe(driver, topicFor('visit', BUS), 1)).toBe(1);
    await end(driver);

    const bridge = await login(first.url, 'bridge');
    await bridge.publishAsync(topicFor('stop', BUS), JSON.stringify(EXAMPLES.stop), {
      qos: 1,
      retain: true,
    });
    // An invalid retained message is dropped, so the valid state above stays the retained one.
    await bridge.publishAsync(topicFor('stop', BUS), '{"state":"nowhere"}', {
      qos: 1,
      retain: true,
    });
    const kiosk = await login(first.url, 'kiosk-1');
    await kiosk.publishAsync(topicFor('visit', BUS), JSON.stringify(EXAMPLES.visit), { qos: 1 });
    await end(bridge, kiosk);
    await first.stop();

    const second = await startTestBroker(config);
    const back = await login(second.url, 'driver', { clientId: 'driver-display', clean: false });
    const queued = collect(back);
    await until(() => queued.some((m) => m.topic === topicFor('visit', BUS)), 'the queued visit');
    expect(decodeMessage(topicFor('visit', BUS), queued[0]?.payload ?? '').message).toEqual(
      EXAMPLES.visit,
    );

    const monitor = await login(second.url, 'monitor');
    const retained = collect(monitor);
    expect(await subscribe(monitor, topicFor('stop', BUS))).toBe(1);
    await until(() => retained.some((m) => m.retain), 'the retained stop state');
    expect(JSON.parse(retained[0]?.payload ?? '')).toEqual(EXAMPLES.stop);
    await end(back, monitor);
    await second.stop();
  });

  it('discards what was queued for a session that comes back with clean session [MQTT-3.1.2-6]', async () => {
    const test = await startTestBroker();
    const driver = await login(test.url, 'driver', { clientId: 'driver-display', clean: false });
    expect(await subscribe(driver, topicFor('visit', BUS), 1)).toBe(1);
    await end(driver);
    const kiosk = await login(test.url, 'kiosk-1');
    await kiosk.publishAsync(topicFor('visit', BUS), JSON.stringify(EXAMPLES.visit), { qos: 1 });

    // Queued messages are delivered while connecting, before any new subscription is served:
    // once the retained broker status has arrived, a queued visit would have too.
    const barrier = async (clean: boolean) => {
      const client = await login(test.url, 'driver', { clientId: 'driver-display', clean });
      const received = collect(client);
      expect(await subscribe(client, statusTopic(BUS, 'broker'))).toBe(1);
      await until(
        () => received.some((m) => m.topic === statusTopic(BUS, 'broker')),
        'the broker status',
      );
      await end(client);
      return received.filter((m) => m.topic === topicFor('visit', BUS));
    };
    expect(await barrier(true)).toEqual([]);
    expect(await barrier(false)).toEqual([]);
    await end(kiosk);
    await test.stop();
  });

  it('lets the publisher of a retained state clear it with an empty payload', async () => {
    const test = await startTestBroker();
    const bridge = await login(test.url, 'bridge');
    await bridge.publishAsync(topicFor('queue', BUS), JSON.stringify(EXAMPLES.queue), {
      qos: 1,
      retain: true,
    });
    await bridge.publishAsync(topicFor('queue', BUS), '', { qos: 1, retain: true });
    expect(test.broker.metrics.get('rejected_bad_json')).toBe(0);
    const monitor = await login(test.url, 'monitor');
    const received = collect(monitor);
    expect(await subscribe(monitor, topicFor('queue', BUS))).toBe(1);
    // The broker's own status is retained too: once it has arrived, any retained queue would have.
    expect(await subscribe(monitor, statusTopic(BUS, 'broker'))).toBe(1);
    await until(
      () => received.some((m) => m.topic === statusTopic(BUS, 'broker')),
      'the broker status',
    );
    expect(received.some((m) => m.topic === topicFor('queue', BUS))).toBe(false);
    await end(bridge, monitor);
    await test.stop();
  });
});

describe('the broker status', () => {
  it('is retained, valid, and carries version, metrics and seq across restarts; stop leaves it offline', async () => {
    const config = testConfig(mkdtempSync(path.join(tmpdir(), 'fsbus-broker-')));
    const first = await startTestBroker(config);
    const monitor = await login(first.url, 'monitor');
    const received = collect(monitor);
    expect(await subscribe(monitor, statusTopic(BUS, 'broker'))).toBe(1);
    await until(() => received.length > 0, 'the broker status');
    const online = decodeMessage(statusTopic(BUS, 'broker'), received[0]?.payload ?? '')
      .message as typeof EXAMPLES.status;
    expect(online).toMatchObject({
      service: 'broker',
      state: 'online',
      version: '0.1.0',
      source: 'broker',
      seq: 0,
    });
    expect(Object.keys(online.metrics)).toEqual(
      expect.arrayContaining(['messages_in', 'rejected_schema', 'clients_connected', 'uptime_s']),
    );
    await end(monitor);
    await first.stop();

    const store = await openBrokerStore(path.join(config.dataDir, 'broker'));
    const offline = JSON.parse(
      (await store.retained(statusTopic(BUS, 'broker')))?.toString() ?? '{}',
    ) as typeof EXAMPLES.status;
    await store.close();
    expect(offline).toMatchObject({ state: 'offline', seq: 1 });

    const second = await startTestBroker(config);
    const again = await login(second.url, 'monitor');
    const next = collect(again);
    expect(await subscribe(again, statusTopic(BUS, 'broker'))).toBe(1);
    await until(() => next.length > 0, 'the status after restart');
    expect(JSON.parse(next[0]?.payload ?? '{}')).toMatchObject({ state: 'online', seq: 2 });
    await end(again);
    await second.stop();
  });
});
