// Publishes sent together reach subscribers, and the retained store, in the order they were
// sent: aedes handles every packet of one socket read at once, and the broker delivers them one
// at a time in order ([MQTT-4.6.0-5], ordered topics).
import { once } from 'node:events';
import { createConnection } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageFactory, topicFor, exampleBody } from '@fsbus/shared';
import {
  BUS,
  PASSWORD,
  collect,
  end,
  login,
  startTestBroker,
  until,
  type TestBroker,
} from './harness.js';

let test: TestBroker | undefined;
afterEach(async () => {
  await test?.stop();
  test = undefined;
});

const queueBody = exampleBody('queue');

describe('the order of publishes', () => {
  it('delivers retained states sent in one write in order, and keeps the last one retained', async () => {
    test = await startTestBroker();
    const watcher = await login(test.url, 'monitor');
    const seen = collect(watcher);
    const topic = topicFor('queue', BUS);
    await watcher.subscribeAsync(topic, { qos: 1 });

    // The bridge, on a raw connection: 300 states in one TCP write.
    const socket = createConnection(test.broker.tcpPort, '127.0.0.1');
    await once(socket, 'connect');
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const acks: number[] = [];
    parser.on('packet', (packet) => {
      if (packet.cmd === 'puback') acks.push(packet.messageId ?? 0);
    });
    socket.on('data', (chunk) => parser.parse(chunk));
    let connacked = false;
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connack') connacked = true;
    });
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'bridge-raw',
        keepalive: 30,
        username: 'bridge',
        password: Buffer.from(PASSWORD),
      }),
    );
    await until(() => connacked, 'the CONNACK');
    const factory = new MessageFactory({ busId: BUS, source: 'bridge' });
    const states = Array.from({ length: 300 }, (_, i) =>
      factory.create('queue', { ...queueBody, issued: 7 + i, waiting: 2 + i, waitingTurns: [] }),
    );
    socket.write(
      Buffer.concat(
        states.map((state, i) =>
          mqttPacket.generate({
            cmd: 'publish',
            topic,
            payload: Buffer.from(JSON.stringify(state)),
            qos: 1,
            retain: true,
            messageId: i + 1,
            dup: false,
          }),
        ),
      ),
    );
    await until(() => acks.length === states.length, 'every PUBACK', 10_000);
    expect(acks).toEqual(states.map((_, i) => i + 1));
    await until(() => seen.length === states.length, 'every delivery');
    const seqs = seen.map((m) => (JSON.parse(m.payload) as { seq: number }).seq);
    expect(seqs).toEqual(states.map((s) => s.seq));

    // A screen that connects now gets the last state.
    const late = await login(test.url, 'monitor');
    const retained = collect(late);
    await late.subscribeAsync(topic, { qos: 1 });
    await until(() => retained.length === 1, 'the retained state');
    expect((JSON.parse(retained[0]?.payload ?? '{}') as { seq: number }).seq).toBe(
      states.at(-1)?.seq,
    );
    socket.destroy();
    await end(watcher, late);
  });
});
