// A minimal MQTT 3.1.1 client on mqtt-packet for the benchmark: it pipelines publishes and
// acknowledges in batches, so the broker, not the client, is what gets measured.
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';

export interface RawClient {
  readonly socket: Socket;
  /** Called for every PUBLISH received (the client acknowledges QoS 1 itself). */
  onPublish: () => void;
  subscribe(topic: string, qos: 0 | 1): Promise<void>;
  /** Writes `count` publishes, respecting the socket's back-pressure. */
  publishMany(topic: string, payload: Buffer, qos: 0 | 1, count: number): Promise<void>;
  close(): void;
}

export async function connectRaw(
  port: number,
  clientId: string,
  credentials: { username?: string; password?: string },
): Promise<RawClient> {
  const socket = createConnection({ port, host: '127.0.0.1', noDelay: true });
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let pendingAcks: Buffer[] = [];
  const flushAcks = () => {
    if (pendingAcks.length > 0) socket.write(Buffer.concat(pendingAcks));
    pendingAcks = [];
  };
  const waiting = new Map<string, () => void>();
  const client: RawClient = {
    socket,
    onPublish: () => undefined,
    async subscribe(topic, qos) {
      const acked = new Promise<void>((resolve) => waiting.set('suback', resolve));
      socket.write(
        mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos }] }),
      );
      await acked;
    },
    async publishMany(topic, payload, qos, count) {
      const CHUNK = 256;
      for (let start = 0; start < count; start += CHUNK) {
        const packets: Buffer[] = [];
        for (let i = start; i < Math.min(count, start + CHUNK); i++) {
          packets.push(
            mqttPacket.generate({
              cmd: 'publish',
              topic,
              payload,
              qos,
              messageId: (i % 65_000) + 1,
              retain: false,
              dup: false,
            }),
          );
        }
        if (!socket.write(Buffer.concat(packets))) await once(socket, 'drain');
      }
    },
    close() {
      clearInterval(flusher);
      socket.destroy();
    },
  };
  parser.on('packet', (packet: Packet) => {
    if (packet.cmd === 'publish') {
      if (packet.qos === 1 && packet.messageId !== undefined) {
        pendingAcks.push(mqttPacket.generate({ cmd: 'puback', messageId: packet.messageId }));
        if (pendingAcks.length >= 64) flushAcks();
      }
      client.onPublish();
    } else {
      waiting.get(packet.cmd)?.();
    }
  });
  socket.on('data', (chunk: Buffer) => parser.parse(chunk));
  const connected = new Promise<void>((resolve) => waiting.set('connack', resolve));
  try {
    // once() rejects on 'error', e.g. a refused connection.
    await once(socket, 'connect');
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const flusher = setInterval(flushAcks, 2);
  socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId,
      keepalive: 60,
      ...(credentials.username === undefined ? {} : { username: credentials.username }),
      ...(credentials.password === undefined
        ? {}
        : { password: Buffer.from(credentials.password) }),
    }),
  );
  await connected;
  return client;
}
