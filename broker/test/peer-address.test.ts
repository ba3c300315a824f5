// Logins are throttled and logged by the address they come from: over TCP the socket's peer,
// over WebSocket (the screens) the upgrade request's, or the client a trusted proxy names.
// Wrong passwords from 127.0.0.2 never slow down a kiosk logging in from 127.0.0.1.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  connect,
  end,
  refusal,
  startTestBroker,
  testConfig,
  type TestBroker,
} from './harness.js';

let test: TestBroker | undefined;
afterEach(async () => {
  await test?.stop();
  test = undefined;
});

/** A CONNECT over TCP from `localAddress`; resolves with the CONNACK return code. */
async function tcpLogin(
  broker: TestBroker,
  username: string,
  password: string,
  localAddress: string,
): Promise<number> {
  const socket = createConnection({ port: broker.broker.tcpPort, host: '127.0.0.1', localAddress });
  await once(socket, 'connect');
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const connack = new Promise<number>((resolve) => {
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connack') resolve(packet.returnCode ?? -1);
    });
  });
  socket.on('data', (chunk) => parser.parse(chunk));
  socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: '',
      keepalive: 30,
      username,
      password: Buffer.from(password),
    }),
  );
  const code = await connack;
  socket.destroy();
  return code;
}

/** A login over WebSocket from `localAddress`, with extra upgrade headers. */
function wsLogin(
  broker: TestBroker,
  username: string,
  password: string,
  localAddress: string,
  headers: Record<string, string> = {},
) {
  return connect(broker.wsUrl, {
    username,
    password,
    clientId: '',
    wsOptions: { localAddress, headers },
  });
}

const refusedFrom = (broker: TestBroker, address: string) =>
  broker.logs.filter((line) => line.msg === 'connection refused' && line.address === address);

/** Five wrong passwords in a row: the last answer is held back 2 s. */
async function guessFive(guess: () => Promise<number>): Promise<number> {
  const started = Date.now();
  for (let i = 0; i < 5; i++) expect(await guess()).toBe(4);
  return Date.now() - started;
}

describe('the address of a login', () => {
  it('over WebSocket is the upgrade request’s: guesses from 127.0.0.2 do not slow a kiosk on 127.0.0.1', async () => {
    test = await startTestBroker();
    const broker = test;
    const slowed = await guessFive(() =>
      refusal(wsLogin(broker, 'kiosk-1', 'a guess', '127.0.0.2')),
    );
    expect(slowed).toBeGreaterThanOrEqual(3000); // 0 + 250 + 500 + 1,000 + 2,000 ms
    // The kiosk's own address: fresh, so a typo there is answered at once, and the right
    // password gets in at once.
    let started = Date.now();
    expect(await refusal(wsLogin(broker, 'kiosk-1', 'a typo', '127.0.0.1'))).toBe(4);
    expect(Date.now() - started).toBeLessThan(1500);
    // While the guessing goes on (its sixth answer is held 4 s), the kiosk gets in at once.
    const order: string[] = [];
    const guessing = refusal(wsLogin(broker, 'kiosk-1', 'a guess', '127.0.0.2')).then(() =>
      order.push('guess answered'),
    );
    started = Date.now();
    const kiosk = await wsLogin(broker, 'kiosk-1', PASSWORD, '127.0.0.1');
    order.push('kiosk in');
    expect(Date.now() - started).toBeLessThan(1500);
    await guessing;
    expect(order).toEqual(['kiosk in', 'guess answered']);
    expect(refusedFrom(broker, '127.0.0.2').length).toBeGreaterThan(0);
    expect(refusedFrom(broker, 'unknown')).toEqual([]);
    await end(kiosk);
  }, 30_000);

  it('over TCP is the socket’s peer, with the same separation', async () => {
    test = await startTestBroker();
    const broker = test;
    const slowed = await guessFive(() => tcpLogin(broker, 'kiosk-1', 'a guess', '127.0.0.2'));
    expect(slowed).toBeGreaterThanOrEqual(3000);
    const started = Date.now();
    expect(await tcpLogin(broker, 'kiosk-1', PASSWORD, '127.0.0.1')).toBe(0);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(refusedFrom(broker, '127.0.0.2').length).toBeGreaterThan(0);
  }, 30_000);

  it('behind a trusted proxy is the client its X-Forwarded-For names, and only then', async () => {
    const config = testConfig(mkdtempSync(path.join(tmpdir(), 'fsbus-broker-')), {
      trustedProxies: ['127.0.0.3'],
    });
    test = await startTestBroker(config);
    const forwarded = { 'x-forwarded-for': '192.168.4.20' };
    expect(await refusal(wsLogin(test, 'driver', 'a guess', '127.0.0.3', forwarded))).toBe(4);
    expect(refusedFrom(test, '192.168.4.20')).toHaveLength(1);
    // From a peer the config does not trust, the header is anyone's word: ignored.
    expect(await refusal(wsLogin(test, 'driver', 'a guess', '127.0.0.4', forwarded))).toBe(4);
    expect(refusedFrom(test, '127.0.0.4')).toHaveLength(1);
  });
});
