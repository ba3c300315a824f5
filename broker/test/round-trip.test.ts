// A stock client (mqtt.js with its defaults: Nagle on its socket) gets QoS 1 round trips with no
// 40 ms delayed-ACK stall. The client runs in a process of its own, as a real one does. The bound
// is generous: it fails on the 40 ms class, not on a busy machine. npm run bench -- throughput
// measures the real figures beside mosquitto.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, topicFor } from '@fsbus/shared';
import { BUS, PASSWORD, startTestBroker, type TestBroker } from './harness.js';

const CLIENT = path.join(import.meta.dirname, 'stock-client.mjs');
let test: TestBroker;

beforeAll(async () => {
  test = await startTestBroker();
});

afterAll(async () => {
  await test.stop();
});

describe('QoS 1 round trips of a stock client', () => {
  it('publishing to a topic it subscribes to: median well under the 40 ms delayed ACK', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      CLIENT,
      test.url,
      'bridge',
      PASSWORD,
      topicFor('stop', BUS),
      JSON.stringify(EXAMPLES.stop),
      '200',
    ]);
    const { median } = JSON.parse(stdout) as { median: number };
    expect(median).toBeLessThan(20);
  });
});
