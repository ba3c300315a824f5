// Standard MQTT tools and transports: mosquitto_pub / mosquitto_sub over TCP, WebSocket on /mqtt, TLS.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, topicFor } from '@fsbus/shared';
import {
  BUS,
  PASSWORD,
  collect,
  end,
  login,
  startTestBroker,
  subscribe,
  testConfig,
  until,
  type TestBroker,
} from './harness.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-tls-'));
const cert = path.join(dir, 'broker.pem');
const key = path.join(dir, 'broker.key');

let test: TestBroker;

beforeAll(async () => {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  test = await startTestBroker(
    testConfig(mkdtempSync(path.join(tmpdir(), 'fsbus-broker-')), {
      tls: { port: 0, certFile: cert, keyFile: key },
    }),
  );
});

afterAll(async () => {
  await test.stop();
});

const port = () => String(test.broker.tcpPort);

/** mosquitto_pub / mosquitto_sub options to log in to the test broker over MQTT 3.1.1. */
function mosquittoLogin(clientId: string, username: string, password: string): string[] {
  return [
    '-h',
    '127.0.0.1',
    '-p',
    port(),
    '-i',
    clientId,
    '-u',
    username,
    '-P',
    password,
    '-V',
    'mqttv311',
  ];
}

describe('mosquitto clients (Debian mosquitto-clients)', () => {
  it('mosquitto_sub receives what the bridge publishes', async () => {
    const sub = spawn('mosquitto_sub', [
      ...mosquittoLogin('monitor-sub', 'monitor', PASSWORD),
      '-t',
      topicFor('gnss', BUS),
      '-C',
      '1',
      '-q',
      '1',
    ]);
    const lines: string[] = [];
    createInterface({ input: sub.stdout }).on('line', (line) => lines.push(line));
    const stderr: string[] = [];
    sub.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => sub.on('exit', resolve));
    try {
      // mosquitto_sub has no "subscribed" signal: wait until the broker counts its session.
      const bridge = await login(test.url, 'bridge');
      await until(
        () => test.logs.some((l) => l.msg === 'client logged in' && l.username === 'monitor'),
        'mosquitto_sub logged in',
      );
      let sent = 0;
      while (lines.length === 0 && sent < 50) {
        await bridge.publishAsync(
          topicFor('gnss', BUS),
          JSON.stringify({ ...EXAMPLES.gnss, seq: sent }),
          { qos: 1 },
        );
        sent += 1;
        await until(() => lines.length > 0, 'a line from mosquitto_sub', 100).catch(
          () => undefined,
        );
      }
      expect(lines.length, stderr.join('')).toBeGreaterThan(0);
      expect(await exited, stderr.join('')).toBe(0);
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({ busId: BUS, via: 'gpsd' });
      await end(bridge);
    } finally {
      sub.kill(); // on failure, leave no child behind
    }
  });

  it('mosquitto_pub publishes a visit as the kiosk', async () => {
    const observer = await login(test.url, 'monitor');
    const seen = collect(observer);
    expect(await subscribe(observer, topicFor('visit', BUS))).toBe(1);
    await run('mosquitto_pub', [
      ...mosquittoLogin('kiosk-1-mosquitto', 'kiosk-1', PASSWORD),
      '-q',
      '1',
      '-t',
      topicFor('visit', BUS),
      '-m',
      JSON.stringify(EXAMPLES.visit),
    ]);
    await until(() => seen.length > 0, 'the visit from mosquitto_pub');
    expect(JSON.parse(seen[0]?.payload ?? '')).toEqual(EXAMPLES.visit);
    await end(observer);
  });

  it('mosquitto_pub with a wrong password is refused', async () => {
    const result = await run('mosquitto_pub', [
      ...mosquittoLogin('kiosk-1-mosquitto', 'kiosk-1', 'wrong'),
      '-t',
      topicFor('visit', BUS),
      '-m',
      '{}',
    ]).then(
      () => 'accepted',
      (error: unknown) => String((error as { stderr?: string }).stderr),
    );
    expect(result).toMatch(/refused|not authori[sz]ed|bad user name/i);
  });
});

describe('MQTT over WebSocket', () => {
  it('serves the screens on ws://…/mqtt with the same logins and rules', async () => {
    const kiosk = await login(test.wsUrl, 'kiosk-1');
    const bridge = await login(test.url, 'bridge');
    const received = collect(kiosk);
    expect(await subscribe(kiosk, topicFor('queue', BUS))).toBe(1);
    expect(await subscribe(kiosk, topicFor('gnss', BUS))).toBe(128);
    await bridge.publishAsync(topicFor('queue', BUS), JSON.stringify(EXAMPLES.queue), { qos: 1 });
    await until(() => received.length > 0, 'the queue over WebSocket');
    expect(JSON.parse(received[0]?.payload ?? '')).toEqual(EXAMPLES.queue);
    await end(kiosk, bridge);
  });

  it('answers plain HTTP on the WebSocket port with 426', async () => {
    const response = await fetch(`http://127.0.0.1:${String(test.broker.wsPort)}/`);
    expect(response.status).toBe(426);
  });
});

describe('MQTT over TLS', () => {
  it('accepts a client that trusts the broker certificate', async () => {
    const client = await login(`mqtts://127.0.0.1:${String(test.broker.tlsPort)}`, 'monitor', {
      ca: readFileSync(cert),
    });
    expect(client.connected).toBe(true);
    await end(client);
  });
});
