import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { it } from 'vitest';
import { EXAMPLES, MessageFactory, topicFor, topicFilter } from '@fsbus/shared';
import { BUS, PASSWORD, startTestBroker, testConfig, until } from './harness.js';

it.each([true, false])('clean %s', async (clean) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-scratch-'));
  const broker = await startTestBroker(testConfig(dir, { rateLimit: { messagesPerSecond: 1e6, burst: 1e6 } }));
  const sub = await mqtt.connectAsync(broker.url, { clientId: 'monitor-x', username: 'monitor', password: PASSWORD, clean });
  let got = 0;
  sub.on('message', () => (got += 1));
  await sub.subscribeAsync(topicFilter('#', BUS), { qos: 1 });
  const pub = await mqtt.connectAsync(broker.url, { clientId: 'bridge-x', username: 'bridge', password: PASSWORD });
  const f = new MessageFactory({ busId: BUS, source: 'bridge' });
  const { v, busId, id, seq, ts, source, ...body } = EXAMPLES.door;
  const N = 20000;
  await Promise.all(Array.from({ length: N }, () => pub.publishAsync(topicFor('door', BUS), JSON.stringify(f.create('door', body as never)), { qos: 1 })));
  try { await until(() => got >= N, 'all', 20000); } finally { console.log(clean, got, broker.broker.metrics.snapshot().messages_out); await sub.endAsync(); await pub.endAsync(); await broker.stop(); }
}, 60000);
