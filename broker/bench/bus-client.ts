// A bus as central sees it, for the benchmark: MQTT 3.1.1 over TLS on mqtt-packet, sending its
// messages with QoS 1 and at most `window` unacknowledged, as the bridge's uplink does.
import { once } from 'node:events';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import mqttPacket, { type Packet } from 'mqtt-packet';

export interface BusClient {
  /** Sends every message, `window` in flight at most; resolves once central acknowledged all. */
  send(messages: readonly { topic: string; payload: string }[], window?: number): Promise<void>;
  close(): void;
}

export async function connectBus(options: {
  port: number;
  ca: Buffer;
  username: string;
  password: string;
}): Promise<BusClient> {
  const socket: TLSSocket = tlsConnect({ port: options.port, host: '127.0.0.1', ca: options.ca });
  socket.setNoDelay(true);
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let onAck: (messageId: number) => void = () => undefined;
  let onConnack: (code: number) => void = () => undefined;
  parser.on('packet', (packet: Packet) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined) onAck(packet.messageId);
    else if (packet.cmd === 'connack') onConnack(packet.returnCode ?? 0);
  });
  let afterChunk: () => void = () => undefined;
  socket.on('data', (chunk: Buffer) => {
    parser.parse(chunk);
    afterChunk();
  });
  await once(socket, 'secureConnect');
  const connack = new Promise<number>((resolve) => (onConnack = resolve));
  socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: `${options.username}-bench`,
      keepalive: 60,
      username: options.username,
      password: Buffer.from(options.password),
    }),
  );
  const code = await connack;
  if (code !== 0) throw new Error(`${options.username}: CONNACK ${String(code)}`);
  return {
    async send(messages, window = 100) {
      let next = 0;
      let acked = 0;
      await new Promise<void>((resolve) => {
        const fill = () => {
          const packets: Buffer[] = [];
          while (next < messages.length && next - acked < window) {
            const message = messages[next];
            next += 1;
            if (!message) break;
            packets.push(
              mqttPacket.generate({
                cmd: 'publish',
                topic: message.topic,
                payload: message.payload,
                qos: 1,
                messageId: (next % 65_000) + 1,
                retain: false,
                dup: false,
              }),
            );
          }
          if (packets.length > 0) socket.write(Buffer.concat(packets));
        };
        // The PUBACKs of one chunk read are answered with one write of as many publishes.
        onAck = () => {
          acked += 1;
          if (acked === messages.length) resolve();
        };
        afterChunk = fill;
        if (messages.length === 0) resolve();
        else fill();
      });
    },
    close() {
      socket.destroy();
    },
  };
}
