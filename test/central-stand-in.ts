// Stand-ins for the central broker while it is not built: Debian's mosquitto with TLS from a
// test CA, a certificate authority made with openssl, and a recorder that subscribes the way
// central will and counts distinct message ids per stream.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { parseTopic, topicFilter } from '@fsbus/shared';
import { freePort } from '@fsbus/shared/node';

/** A free TCP port on 127.0.0.1 (for a broker that must come back on the same port). */
export { freePort };

const run = promisify(execFile);

export interface TestPki {
  /** The CA central's certificate chains to: what the bus is configured to trust. */
  readonly caFile: string;
  /** Another CA: trusting it instead is the "wrong CA" case. */
  readonly otherCaFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** A test CA and a server certificate it signed for 127.0.0.1 and localhost. */
export async function makePki(dir: string): Promise<TestPki> {
  const file = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other-ca']) {
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-days',
      '2',
      '-subj',
      `/CN=fsbus test ${ca}`,
      '-keyout',
      file(`${ca}.key`),
      '-out',
      file(`${ca}.pem`),
    ]);
  }
  await run('openssl', [
    'req',
    ...ec,
    '-subj',
    '/CN=localhost',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  ]);
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  ]);
  return {
    caFile: file('ca.pem'),
    otherCaFile: file('other-ca.pem'),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
  };
}

export interface Mosquitto {
  readonly port: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, with its saved sessions. */
  restart(): Promise<void>;
}

/**
 * Debian's mosquitto on 127.0.0.1, TLS with the test PKI, password logins, persistent sessions
 * and no limit on queued messages (its default of 1,000 drops the rest silently).
 */
export async function startMosquitto(
  dir: string,
  pki: TestPki,
  users: Readonly<Record<string, string>>,
  port?: number,
): Promise<Mosquitto> {
  const listen = port ?? (await freePort());
  const passwords = path.join(dir, 'mosquitto.passwd');
  writeFileSync(passwords, '');
  for (const [user, password] of Object.entries(users)) {
    await run('mosquitto_passwd', ['-b', passwords, user, password]);
  }
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${String(listen)} 127.0.0.1`,
      `cafile ${pki.caFile}`,
      `certfile ${pki.certFile}`,
      `keyfile ${pki.keyFile}`,
      // Root in CI: stay root, or mosquitto cannot read these test files in a private folder.
      'user root',
      'allow_anonymous false',
      `password_file ${passwords}`,
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 0',
      'max_inflight_messages 100',
      'log_dest stderr',
      'log_type error',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  const launch = async () => {
    const started = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    started.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child = started;
    // Ready when a TLS client gets a CONNACK (refused for want of a login is fine).
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`mosquitto exited: ${stderr}`);
      const answered = await new Promise<boolean>((resolve) => {
        const probe = mqtt.connect(`mqtts://127.0.0.1:${String(listen)}`, {
          ca: readFileSync(pki.caFile),
          reconnectPeriod: 0,
          connectTimeout: 1000,
          username: 'probe',
          password: 'probe',
        });
        const done = (ok: boolean) => {
          probe.end(true);
          resolve(ok);
        };
        probe.once('connect', () => {
          done(true);
        });
        probe.once('error', (error) => {
          done((error as { code?: unknown }).code === 5);
        });
        probe.once('close', () => {
          done(false);
        });
      });
      if (answered) return;
      if (Date.now() > deadline) throw new Error(`mosquitto did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await launch();
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running: ChildProcess | null = child;
    if (running === null || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  return { port: listen, stop, restart: launch };
}

/** What central records: each distinct id once, in arrival order per stream. */
export class Recorder {
  readonly ids = new Set<string>();
  readonly duplicates = { count: 0 };
  /** Per stream, the sequence numbers (`seq`) in arrival order of first receipt. */
  readonly order = new Map<string, number[]>();
  /** Per stream, the messages in arrival order of first receipt. */
  readonly messages = new Map<string, unknown[]>();
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      const message = JSON.parse(payload.toString()) as { id: string; seq: number };
      if (this.ids.has(message.id)) {
        this.duplicates.count += 1;
        return;
      }
      this.ids.add(message.id);
      const parts = parseTopic(topic);
      const stream = parts.service === undefined ? parts.stream : `status/${parts.service}`;
      const list = this.order.get(stream) ?? [];
      list.push(message.seq);
      this.order.set(stream, list);
      const received = this.messages.get(stream) ?? [];
      received.push(message);
      this.messages.set(stream, received);
    });
  }

  /** Subscribes (every bus by default), QoS 1, by default with a session kept across a reconnect. */
  static async start(
    url: string,
    login: { username: string; password: string; ca?: Buffer },
    filter = topicFilter('#', '+'),
    clean = false,
  ): Promise<Recorder> {
    const client = await mqtt.connectAsync(url, {
      clientId: `${login.username}-recorder`,
      clean,
      reconnectPeriod: 200,
      username: login.username,
      password: login.password,
      ...(login.ca ? { ca: login.ca } : {}),
    });
    await client.subscribeAsync(filter, { qos: 1 });
    return new Recorder(client);
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/**
 * The network between the bus and central: a TCP relay on 127.0.0.1 to a broker's port that
 * the test can cut (connections reset, new ones refused) and restore on the same port.
 */
export class Link {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  static async open(target: number, up = true): Promise<Link> {
    const link = new Link(await freePort(), target);
    if (up) await link.up();
    return link;
  }

  async up(): Promise<void> {
    if (this.#server !== null) return;
    const server = createServer((inbound) => {
      const outbound = connect(this.target, '127.0.0.1');
      for (const socket of [inbound, outbound]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.resetAndDestroy();
    if (server !== null) await new Promise((resolve) => server.close(resolve));
  }
}
