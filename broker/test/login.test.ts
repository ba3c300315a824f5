// Logging in: passwords, anonymous access, and MQTT 3.1.1's rules on empty client ids.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'node:net';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, topicFilter, topicFor } from '@fsbus/shared';
import {
  BUS,
  PASSWORD,
  connect,
  end,
  login,
  startTestBroker,
  subscribe,
  testConfig,
  refusal,
  until,
  type TestBroker,
} from './harness.js';

describe('with accounts only', () => {
  let test: TestBroker;
  beforeAll(async () => {
    test = await startTestBroker();
  });
  afterAll(async () => {
    await test.stop();
  });

  it('accepts a known user with the right password', async () => {
    const client = await login(test.url, 'kiosk-1');
    expect(client.connected).toBe(true);
    await end(client);
  });

  it('refuses a wrong password with 4 (bad user name or password) and logs it', async () => {
    expect(
      await refusal(connect(test.url, { username: 'kiosk-1', password: 'not the password' })),
    ).toBe(4);
    expect(
      test.logs.some(
        (line) => line.msg === 'connection refused' && line.reason === 'bad_credentials',
      ),
    ).toBe(true);
  });

  it('refuses an unknown user with the same code', async () => {
    expect(await refusal(connect(test.url, { username: 'mallory', password: 'whatever' }))).toBe(4);
  });

  it('refuses a client without credentials with 5 (not authorized)', async () => {
    expect(await refusal(connect(test.url))).toBe(5);
  });

  it('counts refused logins', () => {
    expect(test.broker.metrics.get('auth_failed')).toBeGreaterThanOrEqual(3);
  });

  it('accepts an empty client id with clean session, giving it an id', async () => {
    const client = await login(test.url, 'monitor', { clientId: '', clean: true });
    expect(client.connected).toBe(true);
    await end(client);
  });

  it('refuses an empty client id without clean session with 2 (identifier rejected) [MQTT-3.1.3-8]', async () => {
    // Neither mqtt.js nor mqtt-packet will build such a CONNECT, so its bytes are written here.
    const socket = createConnection(test.broker.tcpPort, '127.0.0.1');
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const connack = new Promise<mqttPacket.IConnackPacket>((resolve) => {
      parser.on('packet', (packet) => {
        if (packet.cmd === 'connack') resolve(packet);
      });
    });
    socket.on('data', (chunk) => parser.parse(chunk));
    const field = (bytes: Buffer) =>
      Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
    const body = Buffer.concat([
      field(Buffer.from('MQTT')),
      Buffer.from([4, 0b1100_0000, 0, 30]), // level 4; user name + password flags, clean session off; keepalive 30 s
      field(Buffer.alloc(0)), // the empty client id
      field(Buffer.from('monitor')),
      field(Buffer.from(PASSWORD)),
    ]);
    socket.write(Buffer.concat([Buffer.from([0x10, body.length]), body]));
    expect((await connack).returnCode).toBe(2);
    socket.destroy();
  });
});

describe('wrong passwords from the address the bus services share', () => {
  it('never keep the bridge and a kiosk out: they get back in at once during a flood under their names', async () => {
    const test = await startTestBroker();
    // The services, as they run: each logs in with its own client id.
    const service = (username: string) => {
      const client = mqtt.connect(test.url, {
        protocolVersion: 4,
        username,
        password: PASSWORD,
        clientId: username,
        reconnectPeriod: 500,
      });
      client.on('error', () => undefined); // a refusal: it tries again, as a service does
      return new Promise<mqtt.MqttClient>((resolve) => {
        client.once('connect', () => {
          resolve(client);
        });
      });
    };
    await end(...(await Promise.all([service('bridge'), service('kiosk-1')])));
    // 100 connections at a time keep guessing as bridge and as kiosk-1, from 127.0.0.1 as the
    // services themselves, each guessing again as soon as it is answered.
    let flooding = true;
    const guess = async (username: string) => {
      while (flooding) {
        await refusal(connect(test.url, { username, password: 'a guess', clientId: '' }));
      }
    };
    const flood = Array.from({ length: 100 }, (_, i) => guess(i % 2 === 0 ? 'bridge' : 'kiosk-1'));
    await until(() => test.broker.metrics.get('auth_failed') >= 200, 'the flood under way', 20_000);
    // Both restart meanwhile: back in at once, well under the 10 s the guesses are held by
    // now and the minute the old lock-out lasted (generous for a loaded machine).
    const started = Date.now();
    const [bridge, kiosk] = await Promise.all([service('bridge'), service('kiosk-1')]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(bridge.connected && kiosk.connected).toBe(true);
    flooding = false;
    await Promise.all(flood);
    await end(bridge, kiosk);
    await test.stop();
  }, 60_000);

  it('slow the answers to wrong ones down; a right password overtakes them', async () => {
    const test = await startTestBroker();
    const wrong = () => refusal(connect(test.url, { username: 'driver', password: 'a guess' }));
    // Answers held back 0, 250, 500, 1,000, 2,000 ms: the fifth comes 1.5 s or more after its try.
    for (let i = 0; i < 4; i++) expect(await wrong()).toBe(4);
    const started = Date.now();
    expect(await wrong()).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    // The sixth is held 4 s; the right password sent at the same time is let in before it.
    const order: string[] = [];
    const sixth = wrong().then(() => order.push('wrong'));
    const right = login(test.url, 'driver').then((client) => {
      order.push('right');
      return client;
    });
    const client = await right;
    await sixth;
    expect(order).toEqual(['right', 'wrong']);
    expect(
      test.logs.some(
        (line) =>
          line.msg === 'connection refused' &&
          line.address === '127.0.0.1' &&
          line.username === 'driver',
      ),
    ).toBe(true);
    await end(client);
    await test.stop();
  }, 30_000);
});

describe('with anonymous access switched on', () => {
  let test: TestBroker;
  beforeAll(async () => {
    const config = testConfig(mkdtempSync(path.join(tmpdir(), 'fsbus-broker-')), {
      allowAnonymous: true,
      anonymousRole: 'monitor',
    });
    test = await startTestBroker(config);
  });
  afterAll(async () => {
    await test.stop();
  });

  it('warns at start (the status alarm is tested in lockdown.test.ts)', () => {
    expect(
      test.logs.some(
        (line) =>
          line.level === 40 && line.msg === 'anonymous clients are allowed: for development only',
      ),
    ).toBe(true);
  });

  it('lets an anonymous client in with the configured role: read, but not write', async () => {
    const client = await connect(test.url);
    expect(await subscribe(client, topicFilter('#', BUS))).toBe(1);
    const before = test.broker.metrics.get('rejected_acl');
    await client.publishAsync(topicFor('visit', BUS), JSON.stringify(EXAMPLES.visit), { qos: 1 });
    expect(test.broker.metrics.get('rejected_acl') - before).toBe(1);
    await end(client);
  });

  it('still checks passwords of clients that give one', async () => {
    expect(await refusal(connect(test.url, { username: 'kiosk-1', password: 'wrong' }))).toBe(4);
  });
});
