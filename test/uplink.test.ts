// The outbox and the uplink against real brokers standing in for central: fsbus-broker over TLS
// and Debian's mosquitto with TLS from a test CA, with a recorder counting distinct ids. A day
// offline then back, a broker restart mid-drain, wrong credentials, an unknown host, a wrong CA.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MessageFactory,
  statusTopic,
  topicFilter,
  topicFor,
  type Stream,
  exampleBody,
} from '@fsbus/shared';
import { createLogger } from '@fsbus/shared/node';
import { Outbox, type OutboxMessage } from '../firmware-bridge/src/outbox/outbox.js';
import { Uplink, type UplinkState } from '../firmware-bridge/src/uplink/uplink.js';
import {
  BUS,
  PASSWORD,
  startTestBroker,
  testConfig,
  until,
  type TestBroker,
} from '../broker/test/harness.js';
import { Link, makePki, Recorder, startMosquitto, type Mosquitto } from './central-stand-in.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-uplink-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

const factory = new MessageFactory({ busId: BUS, source: 'bridge' });
const kioskFactory = new MessageFactory({ busId: BUS, source: 'kiosk-1' });

/** A new message of a stream, from the documented example's body. */
function make(stream: Stream): OutboxMessage {
  const body = exampleBody(stream);
  const from = stream === 'visit' || stream === 'opinion' ? kioskFactory : factory;
  const message = from.create(stream, body) as { id: string };
  const spec = stream === 'gnss' || stream === 'occupancy' ? 'telemetry' : 'event';
  return {
    id: message.id,
    stream,
    topic: topicFor(stream, BUS),
    payload: JSON.stringify(message),
    class: spec,
  };
}

/** Fills the outbox with `count` messages cycling through `streams`; returns the event ids. */
async function fill(outbox: Outbox, count: number, streams: readonly Stream[]) {
  const events = new Set<string>();
  for (let start = 0; start < count; start += 2000) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 2000); i++) {
      const m = make(streams[i % streams.length] ?? 'gnss');
      if (m.class === 'event') events.add(m.id);
      batch.push(outbox.add(m));
    }
    await Promise.all(batch);
  }
  return events;
}

function openOutbox(dir: string, telemetryCapBytes = 200e6) {
  const outbox = new Outbox({
    file: path.join(dir, 'outbox.sqlite'),
    commitWindowMs: 50,
    telemetryCapBytes,
    hardCapBytes: 1e9,
    onCommitted: () => uplinks.get(outbox)?.notify(),
  });
  cleanups.push(() => {
    outbox.close();
  });
  return outbox;
}

const uplinks = new Map<Outbox, Uplink>();

function startUplink(
  outbox: Outbox,
  options: { url: string; ca: Buffer | null; username: string; password: string },
  extra: { authRetryMs?: number } = {},
) {
  const logs: { level: number; msg: string; kind?: string }[] = [];
  const states: UplinkState[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line !== '') logs.push(JSON.parse(line) as (typeof logs)[number]);
      done();
    },
  });
  const uplink = new Uplink({
    ...options,
    clientId: `${options.username}-uplink`,
    keepaliveS: 30,
    source: outbox,
    status: {
      topic: statusTopic(BUS, 'uplink'),
      payload: (online) =>
        JSON.stringify(
          factory.create('status', {
            service: 'uplink',
            state: online ? 'online' : 'offline',
            version: '0.1.0',
            startedAt: null,
            health: {},
            metrics: {},
            alarms: [],
          }),
        ),
    },
    firstRetryMs: 100,
    maxRetryMs: 1000,
    ...extra,
    logger: createLogger({ service: 'bridge', level: 'debug', destination }),
    onState: (state) => states.push(state),
  });
  uplinks.set(outbox, uplink);
  uplink.start();
  cleanups.push(() => uplink.stop());
  return { uplink, logs, states };
}

/** Every event once, and each stream in the order it was produced (seq increasing). */
function expectOrdered(recorder: Recorder) {
  for (const [stream, seqs] of recorder.order) {
    if (stream.startsWith('status/')) continue; // retained states, not a sequence
    const sorted = [...seqs].sort((a, b) => a - b);
    expect(seqs, stream).toEqual(sorted);
  }
}

describe('uplink to fsbus-broker over TLS', () => {
  it('sends a day of backlog once the link is back: every event once, telemetry thinned and in order', async () => {
    const dir = workDir();
    const pki = await makePki(dir);
    const broker: TestBroker = await startTestBroker(
      testConfig(dir, {
        tls: { port: 0, certFile: pki.certFile, keyFile: pki.keyFile },
        // The on-board limit (100/s) drops a runaway client's excess; central will take a
        // day's backlog at once (a note for the central broker's issue).
        rateLimit: { messagesPerSecond: 1_000_000, burst: 1_000_000 },
      }),
    );
    cleanups.push(() => broker.stop());
    const tlsPort = broker.broker.tlsPort;
    if (tlsPort === null) throw new Error('no TLS port');
    const link = await Link.open(tlsPort, false); // central unreachable all day
    cleanups.push(() => link.down());
    const recorder = await Recorder.start(
      broker.url,
      { username: 'monitor', password: PASSWORD },
      topicFilter('#', BUS),
      true, // it stays connected; only the bus's link is cut
    );
    cleanups.push(() => recorder.stop());

    const outbox = openOutbox(dir, 12e6);
    const { uplink, states } = startUplink(outbox, {
      url: `mqtts://127.0.0.1:${String(link.port)}`,
      ca: readFileSync(pki.caFile),
      username: 'bridge',
      password: PASSWORD,
    });
    // A day: 90,000 messages, a fifth of them events (door counts, stop transitions).
    const day: Stream[] = [
      'gnss',
      'gnss',
      'gnss',
      'occupancy',
      'gnss',
      'door',
      'gnss',
      'gnss',
      'gnss',
      'stop',
    ];
    const events = await fill(outbox, 90_000, day);
    expect(uplink.state).toBe('offline');
    expect(states).toContain('offline');
    expect(outbox.stats().telemetry_thinned).toBeGreaterThan(0);

    await link.up();
    await until(
      () => outbox.stats().events_pending === 0 && outbox.stats().telemetry_pending === 0,
      () => `the outbox drained: ${JSON.stringify(outbox.stats())}`,
      120_000,
    );
    await until(
      () => [...events].every((id) => recorder.ids.has(id)),
      () =>
        `every event at central: ${String(recorder.ids.size)} ids, missing ${String([...events].filter((id) => !recorder.ids.has(id)).length)}; ${JSON.stringify([...recorder.order].map(([k, v]) => [k, v.length]))} broker ${JSON.stringify(broker.broker.metrics.snapshot())}`,
      10_000,
    );
    expect(uplink.state).toBe('online');
    expectOrdered(recorder);
    const gnss = recorder.order.get('gnss')?.length ?? 0;
    expect(gnss).toBeGreaterThan(1000);
    expect(gnss).toBeLessThan(63_000); // thinned: fewer than were produced
  }, 240_000);
});

describe('uplink to mosquitto with TLS from a test CA', () => {
  async function central(dir: string) {
    const pki = await makePki(dir);
    const mosquitto: Mosquitto = await startMosquitto(dir, pki, {
      [BUS]: 'bus secret',
      central: 'central secret',
    });
    cleanups.push(() => mosquitto.stop());
    const url = `mqtts://127.0.0.1:${String(mosquitto.port)}`;
    const ca = readFileSync(pki.caFile);
    const recorder = await Recorder.start(url, {
      username: 'central',
      password: 'central secret',
      ca,
    });
    cleanups.push(() => recorder.stop());
    return { pki, mosquitto, url, ca, recorder };
  }

  it('loses no event when central restarts mid-drain', async () => {
    const dir = workDir();
    const { mosquitto, url, ca, recorder } = await central(dir);
    const outbox = openOutbox(dir);
    const events = await fill(outbox, 20_000, ['visit', 'opinion', 'door', 'gnss', 'stop']);
    const { uplink } = startUplink(outbox, { url, ca, username: BUS, password: 'bus secret' });
    await until(() => recorder.ids.size > 3000, 'the drain under way', 30_000);
    // A clean restart: mosquitto saves its sessions only when it stops (or every 30 min), so a
    // SIGKILL would lose what it had acknowledged and not yet passed on, by its own design.
    await mosquitto.stop('SIGTERM');
    expect(recorder.ids.size).toBeLessThan(20_000);
    await mosquitto.restart();
    await until(
      () => [...events].every((id) => recorder.ids.has(id)),
      () =>
        `every event after the restart: ${String(recorder.ids.size)} ids, ${JSON.stringify(uplink.stats())}`,
      90_000,
    );
    await until(() => outbox.stats().events_pending === 0, 'the events acknowledged', 10_000);
    expect(uplink.stats().connects).toBeGreaterThanOrEqual(2);
    expectOrdered(recorder);
  }, 180_000);

  it('says a refused login and retries it slowly, without crashing', async () => {
    const dir = workDir();
    const { url, ca } = await central(dir);
    const outbox = openOutbox(dir);
    await fill(outbox, 10, ['visit']);
    const { uplink, logs } = startUplink(
      outbox,
      { url, ca, username: BUS, password: 'wrong' },
      { authRetryMs: 1500 },
    );
    await until(() => uplink.state === 'auth_failed', 'auth_failed', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    // At most one retry in 2.5 s (1.5 s apart), each logged as an error naming the user.
    expect(uplink.stats().auth_failures).toBeGreaterThanOrEqual(1);
    expect(uplink.stats().auth_failures).toBeLessThanOrEqual(3);
    expect(logs.filter((l) => l.level === 50 && l.kind === 'auth').length).toBe(
      uplink.stats().auth_failures,
    );
    expect(outbox.stats().events_pending).toBe(10);
  }, 30_000);

  it('refuses central’s certificate when the configured CA did not sign it', async () => {
    const dir = workDir();
    const { pki, url } = await central(dir);
    const outbox = openOutbox(dir);
    const { uplink, logs } = startUplink(outbox, {
      url,
      ca: readFileSync(pki.otherCaFile),
      username: BUS,
      password: 'bus secret',
    });
    await until(() => uplink.state === 'tls_error', 'tls_error', 10_000);
    expect(uplink.stats().tls_errors).toBeGreaterThanOrEqual(1);
    expect(logs.some((l) => l.level === 50 && l.msg.includes('central.caFile'))).toBe(true);
  }, 30_000);

  it('keeps retrying a host that does not resolve or does not answer', async () => {
    const dir = workDir();
    const outbox = openOutbox(dir);
    const unknown = startUplink(outbox, {
      url: 'mqtts://central.fsbus.invalid:8883',
      ca: null,
      username: BUS,
      password: 'x',
    });
    await until(() => unknown.uplink.stats().dns_errors >= 2, 'two DNS failures', 15_000);
    expect(unknown.uplink.state).toBe('offline');
    // One warning for the outage, not one per retry.
    expect(unknown.logs.filter((l) => l.level === 40 && l.kind === 'dns')).toHaveLength(1);
  }, 30_000);
});
