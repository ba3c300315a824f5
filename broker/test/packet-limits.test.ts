// What a faulty device or an attacker on the bus network may write on a raw socket: a packet
// announcing more than the broker takes is refused before it is read, and a topic that is not
// well-formed UTF-8 ends the connection [MQTT-1.5.3-1]. The broker carries on for everyone else.
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, topicFor } from '@fsbus/shared';
import { PACKET_OVERHEAD_BYTES } from '../src/hooks.js';
import { BUS, PASSWORD, end, login, startTestBroker, until, type TestBroker } from './harness.js';

let test: TestBroker;

beforeAll(async () => {
  test = await startTestBroker();
});

afterAll(async () => {
  await test.stop();
});

/** A raw TCP connection that records whether the broker closed it and what it answered. */
async function raw(): Promise<{ socket: Socket; closed: Promise<void>; packets: string[] }> {
  const socket = createConnection(test.broker.tcpPort, '127.0.0.1');
  await once(socket, 'connect');
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const packets: string[] = [];
  parser.on('packet', (packet) => packets.push(packet.cmd));
  socket.on('data', (chunk) => parser.parse(chunk));
  socket.on('error', () => undefined); // the broker may reset a connection it refuses
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      resolve();
    });
  });
  return { socket, closed, packets };
}

/** A connection logged in as kiosk-1. */
async function loggedIn() {
  const connection = await raw();
  connection.socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: 'kiosk-1-raw',
      keepalive: 30,
      username: 'kiosk-1',
      password: Buffer.from(PASSWORD),
    }),
  );
  await until(() => connection.packets.includes('connack'), 'the CONNACK');
  return connection;
}

/** A fixed header announcing `length` bytes to follow (variable-length encoding). */
function header(first: number, length: number): Buffer {
  const bytes = [first];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

/** A QoS 1 PUBLISH whose topic has these raw bytes. */
function publishWithTopic(topic: Buffer): Buffer {
  const payload = Buffer.from(JSON.stringify(EXAMPLES.visit));
  const body = Buffer.concat([
    Buffer.from([topic.length >> 8, topic.length & 0xff]),
    topic,
    Buffer.from([0, 1]), // packet id
    payload,
  ]);
  return Buffer.concat([header(0x32, body.length), body]);
}

describe('packet limits on a raw socket', () => {
  it('closes a connection announcing a 100 MiB PUBLISH before reading it, with no PUBACK', async () => {
    const { socket, closed, packets } = await loggedIn();
    const before = test.broker.metrics.get('closed_too_large');
    socket.write(header(0x32, 100 * 1024 * 1024));
    // The announced bytes would follow; the broker does not wait for them.
    socket.write(Buffer.alloc(16 * 1024, 0x20));
    await closed;
    expect(packets).not.toContain('puback');
    expect(test.broker.metrics.get('closed_too_large') - before).toBe(1);
    expect(
      test.logs.some(
        (line) =>
          line.msg === 'connection closed: packet refused' &&
          line.reason === 'too_large' &&
          line.address === '127.0.0.1',
      ),
    ).toBe(true);
  });

  it('closes a connection whose CONNECT announces 200 MB at once', async () => {
    const { socket, closed, packets } = await raw();
    const started = Date.now();
    socket.write(header(0x10, 200_000_000));
    socket.write(Buffer.alloc(1024));
    await closed;
    expect(packets).toEqual([]);
    // Not the 30 s connect timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('still takes a packet just under the limit (its payload over the message limit is dropped)', async () => {
    const { socket, packets } = await loggedIn();
    const topic = Buffer.from(topicFor('visit', BUS));
    const payload = Buffer.alloc(test.config.broker.maxMessageBytes + PACKET_OVERHEAD_BYTES / 2);
    const body = Buffer.concat([
      Buffer.from([topic.length >> 8, topic.length & 0xff]),
      topic,
      Buffer.from([0, 7]),
      payload,
    ]);
    const before = test.broker.metrics.get('rejected_too_large');
    socket.write(Buffer.concat([header(0x32, body.length), body]));
    await until(() => packets.includes('puback'), 'the PUBACK of the dropped publish');
    expect(test.broker.metrics.get('rejected_too_large') - before).toBe(1);
    socket.destroy();
  });

  it.each([
    ['C3 28, an invalid two-byte sequence', Buffer.from([0xc3, 0x28])],
    ['ED A0 80, a UTF-16 surrogate', Buffer.from([0xed, 0xa0, 0x80])],
    ['00, U+0000', Buffer.from([0x00])],
  ])('closes a connection whose topic holds %s [MQTT-1.5.3-1]', async (_name, bad) => {
    const { socket, closed, packets } = await loggedIn();
    const before = test.broker.metrics.get('closed_bad_utf8');
    const topic = Buffer.concat([Buffer.from(`fsbus/v1/${BUS}/`), bad, Buffer.from('visit')]);
    socket.write(publishWithTopic(topic));
    await closed;
    expect(packets).not.toContain('puback');
    expect(test.broker.metrics.get('closed_bad_utf8') - before).toBe(1);
  });

  it('keeps serving the others meanwhile', async () => {
    const kiosk = await login(test.url, 'kiosk-1');
    await kiosk.publishAsync(topicFor('visit', BUS), JSON.stringify(EXAMPLES.visit), { qos: 1 });
    await end(kiosk);
  });
});
