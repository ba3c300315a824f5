// A stock client (mqtt.js with its defaults: Nagle on its socket) gets QoS 1 round trips with no
// 40 ms delayed-ACK stall. The bound is generous: it fails on the 40 ms class, not on a busy
// machine. npm run bench -- throughput measures the real figures beside mosquitto.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, topicFor } from '@fsbus/shared';
import { BUS, PASSWORD, end, startTestBroker, type TestBroker } from './harness.js';

let test: TestBroker;

beforeAll(async () => {
  test = await startTestBroker();
});

afterAll(async () => {
  await test.stop();
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Milliseconds of each of `count` sequential round trips: publish, PUBACK and own delivery. */
async function roundTrips(client: mqtt.MqttClient, count: number): Promise<number[]> {
  const topic = topicFor('stop', BUS);
  await client.subscribeAsync(topic, { qos: 1 });
  const payload = JSON.stringify(EXAMPLES.stop);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const delivered = new Promise<void>((resolve) => {
      client.once('message', () => {
        resolve();
      });
    });
    await client.publishAsync(topic, payload, { qos: 1 });
    await delivered;
    times.push(performance.now() - started);
  }
  return times;
}

describe('QoS 1 round trips of a stock client', () => {
  it('publishing to a topic it subscribes to: median well under the 40 ms delayed ACK', async () => {
    // No noDelay: mqtt.js's default socket, as Node-RED's or MQTT Explorer's.
    const client = await mqtt.connectAsync(test.url, {
      protocolVersion: 4,
      username: 'bridge',
      password: PASSWORD,
      clientId: 'bridge-stock',
      reconnectPeriod: 0,
    });
    await roundTrips(client, 20); // warm-up
    const times = await roundTrips(client, 200);
    expect(median(times)).toBeLessThan(20);
    await end(client);
  });
});
