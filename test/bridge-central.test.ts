// The bridge delivering to central end to end: the on-board broker, the kiosk publishing
// visits and opinions on it, the bridge with its outbox and uplink, and fsbus-central over TLS
// recording them. The link is cut and restored; the built bridge and the built central are
// killed with SIGKILL, in turn, again and again while the bus drains.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MessageFactory,
  statusTopic,
  topicFor,
  type Config,
  type StatusMessage,
  type Stream,
  exampleBody,
} from '@fsbus/shared';
import { createLogger } from '@fsbus/shared/node';
import { startBridge } from '../firmware-bridge/src/main.js';
import { Outbox } from '../firmware-bridge/src/outbox/outbox.js';
import { BUS, collect, login, testConfig, until } from '../broker/test/harness.js';
import { builtBridge, busAndCentral } from './bus-and-central.js';
import { openSqliteStore } from '../broker/src/recorder/sqlite-store.js';
import { runReport } from '../broker/src/reports/reports.js';
import { Link } from './central-stand-in.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const kioskFactory = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
function visitOrOpinion(i: number) {
  const stream = i % 4 === 3 ? ('opinion' as const) : ('visit' as const);
  const body = exampleBody(stream);
  const message = kioskFactory.create(stream, body) as { id: string };
  return { stream, id: message.id, payload: JSON.stringify(message) };
}

/**
 * Starts a bridge on `config` and waits until it subscribed on board (its first start creates
 * its persistent session; from then on nothing is missed), with a monitor collecting `topics`.
 */
async function bridgeWithMonitor(config: Config, onboardUrl: string, topics: string[]) {
  const logger = createLogger({
    service: 'bridge',
    level: 'fatal',
    destination: new PassThrough(),
  });
  const bridge = await startBridge({ config, logger, version: '0.1.0' });
  cleanups.push(() => bridge.stop());
  await until(() => (bridge.metrics().broker_subscribes ?? 0) >= 1, 'the bridge subscribed');
  const monitor = await login(onboardUrl, 'monitor');
  cleanups.push(() => monitor.endAsync());
  const seen = collect(monitor);
  await monitor.subscribeAsync(topics, { qos: 1 });
  const status = () =>
    seen
      .filter((m) => m.topic.endsWith('/status/bridge'))
      .map((m) => JSON.parse(m.payload) as StatusMessage)
      .at(-1);
  return { bridge, seen, status };
}

/** Writes `file` until the file system is full. */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  try {
    const block = Buffer.alloc(64 * 1024);
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe('bridge to central', () => {
  it('delivers what the kiosk published on board while central was unreachable, once back', async () => {
    const { dir, pki, recorder, onboard, central } = await busAndCentral(cleanups);
    const link = await Link.open(central.port, false);
    cleanups.push(() => link.down());
    const config = testConfig(
      path.join(dir, 'bus'),
      {},
      {
        gnss: { source: 'simulator' },
        counter: { protocol: 'none' },
        bridge: { passwordFile: path.join(dir, 'bridge.password'), brokerUrl: onboard.url },
        central: {
          url: `mqtts://127.0.0.1:${String(link.port)}`,
          caFile: pki.caFile,
          passwordFile: path.join(dir, 'central.password'),
        },
        outbox: { commitWindowMs: 200 },
      },
    );
    const { bridge, status } = await bridgeWithMonitor(config, onboard.url, [
      statusTopic(BUS, 'bridge'),
    ]);

    // The kiosk: each publish resolves on the broker's PUBACK (the broker keeps it for the
    // bridge's persistent session); the bridge takes them into its outbox.
    const kiosk = await login(onboard.url, 'kiosk-1');
    cleanups.push(() => kiosk.endAsync());
    const sent = Array.from({ length: 40 }, (_, i) => visitOrOpinion(i));
    for (const m of sent) {
      await kiosk.publishAsync(topicFor(m.stream, BUS), m.payload, { qos: 1 });
    }
    await until(
      () => (bridge.metrics().outbox_events_pending ?? 0) >= 40,
      'the outbox holding the visits',
      15_000,
    );
    await until(
      () => status()?.health.uplink === 'offline',
      'uplink offline on the status',
      10_000,
    );
    expect(recorder.ids().size).toBe(0);

    await link.up();
    await until(
      () => {
        const ids = recorder.ids();
        return sent.every((m) => ids.has(m.id));
      },
      () => `every visit and opinion at central: ${String(recorder.ids().size)}`,
      30_000,
    );
    await until(() => status()?.health.uplink === 'online', 'uplink online on the status', 40_000);
    // The bus's own status at central says online; its last will would say offline.
    expect(
      recorder.rows<{ state: string }>(
        "SELECT state FROM statuses WHERE service = 'uplink' ORDER BY seq DESC LIMIT 1",
      ),
    ).toEqual([{ state: 'online' }]);
    await until(
      () => (bridge.metrics().outbox_events_pending ?? 1) === 0,
      'the outbox emptied of events',
      10_000,
    );
  }, 90_000);

  it('says when the disk is full, keeps running on board, and writes again when space returns', async () => {
    const { dir, onboard } = await busAndCentral(cleanups);
    const mount = path.join(dir, 'card');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount]);
    cleanups.push(() => {
      execFileSync('umount', [mount]);
    });
    const config = testConfig(
      mount,
      {},
      {
        gnss: { source: 'simulator', simulator: { rateHz: 5 } },
        counter: { protocol: 'none' },
        bridge: { passwordFile: path.join(dir, 'bridge.password'), brokerUrl: onboard.url },
      },
    );
    const { bridge, seen, status } = await bridgeWithMonitor(config, onboard.url, [
      statusTopic(BUS, 'bridge'),
      topicFor('gnss', BUS),
    ]);

    // Something else fills the card; the kiosk checks visitors in.
    fillUp(path.join(mount, 'filler'));
    const kiosk = await login(onboard.url, 'kiosk-1');
    cleanups.push(() => kiosk.endAsync());
    const visits = Array.from({ length: 60 }, (_, i) => visitOrOpinion(i * 4));
    const acked: string[] = [];
    const publishing = Promise.all(
      visits.map((m) =>
        kiosk
          .publishAsync(topicFor(m.stream, BUS), m.payload, { qos: 1 })
          .then(() => acked.push(m.id)),
      ),
    );
    await until(
      () =>
        status()?.health.outbox === 'disk_full' &&
        status()?.alarms.includes('outbox_disk_full') === true,
      'disk_full on the status',
      20_000,
    );
    // Live on board all the same.
    const gnssBefore = seen.filter((m) => m.topic.endsWith('/gnss')).length;
    await until(
      () => seen.filter((m) => m.topic.endsWith('/gnss')).length > gnssBefore + 5,
      'positions still published on board',
    );
    const takenWhileFull = bridge.metrics().received_visit ?? 0;
    rmSync(path.join(mount, 'filler'));
    // The on-board broker took every visit from the kiosk; the bridge takes them from the
    // broker one by one, each acknowledged once committed: the rest wait there meanwhile.
    await publishing;
    expect(acked).toHaveLength(visits.length);
    expect(takenWhileFull).toBeLessThan(visits.length);
    await until(() => status()?.health.outbox === 'ok', 'the outbox ok again', 20_000);
    await until(
      () =>
        (bridge.metrics().received_visit ?? 0) >= visits.length &&
        bridge.metrics().outbox_uncommitted === 0,
      'every visit taken and committed',
      20_000,
    );
    const db = new Database(path.join(mount, 'outbox.sqlite'), { readonly: true });
    try {
      const stored = new Set(db.prepare('SELECT id FROM messages').pluck().all() as string[]);
      expect(visits.filter((m) => !stored.has(m.id))).toEqual([]);
    } finally {
      db.close();
    }
  }, 90_000);

  it('records every event once when the bridge and central are killed with SIGKILL in turn while the bus drains', async () => {
    const bus = await busAndCentral(cleanups);
    const { dir, recorder, onboard, central } = bus;
    const dataDir = path.join(dir, 'bus');
    // A backlog from a day without network: 20,000 visits and opinions already in the outbox.
    const backlog: string[] = [];
    {
      const outbox = new Outbox({
        file: path.join(dataDir, 'outbox.sqlite'),
        commitWindowMs: 50,
        telemetryCapBytes: 1e8,
        hardCapBytes: 1e9,
      });
      for (let start = 0; start < 20_000; start += 2000) {
        const adds = [];
        for (let i = start; i < start + 2000; i++) {
          const m = visitOrOpinion(i);
          backlog.push(m.id);
          adds.push(outbox.add({ ...m, topic: topicFor(m.stream, BUS), class: 'event' as const }));
        }
        await Promise.all(adds);
      }
      outbox.close();
    }
    const bridge = builtBridge(bus, { dataDir, counter: '{ protocol: none }' });
    cleanups.push(() => {
      bridge.child?.kill('SIGKILL');
    });
    // The bus has run before: the bridge's persistent session on board exists, with its
    // subscriptions, so what the kiosk publishes while the bridge is down waits for it.
    const session = await login(onboard.url, 'bridge', { clientId: 'bridge', clean: false });
    const ingested: Stream[] = ['visit', 'opinion', 'cmd/queue', 'cmd/occupancy'];
    await session.subscribeAsync(
      ingested.map((stream) => topicFor(stream, BUS)),
      { qos: 1 },
    );
    await session.endAsync();
    // Meanwhile the kiosk keeps checking visitors in on board.
    const kiosk = await login(onboard.url, 'kiosk-1');
    cleanups.push(() => kiosk.endAsync());
    const live: string[] = [];
    let kioskBusy = false;
    const kioskTimer = setInterval(() => {
      if (kioskBusy) return;
      kioskBusy = true;
      const m = visitOrOpinion(live.length);
      void kiosk
        .publishAsync(topicFor(m.stream, BUS), m.payload, { qos: 1 })
        .then(
          () => live.push(m.id),
          () => undefined, // not acknowledged: not counted as sent
        )
        .finally(() => (kioskBusy = false));
    }, 50);
    cleanups.push(() => {
      clearInterval(kioskTimer);
    });

    let running = bridge.start();
    for (let round = 0; round < 10; round++) {
      const before = recorder.ids().size;
      await until(
        () => {
          const { size } = recorder.ids();
          return size >= before + 1200 || size >= backlog.length;
        },
        () => `round ${String(round)}: the drain under way (${String(recorder.ids().size)} ids)`,
        60_000,
      );
      if (round % 2 === 0) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGKILL');
        await exited;
        running = bridge.start();
      } else {
        await central.stop('SIGKILL');
        await central.restart();
      }
    }
    clearInterval(kioskTimer);
    await until(() => !kioskBusy, 'the last kiosk publish acknowledged', 10_000);
    const last = running;
    const everything = [...backlog, ...live];
    await until(
      () => {
        const ids = recorder.ids();
        return everything.every((id) => ids.has(id));
      },
      () => {
        const ids = recorder.ids();
        return `every event at central: missing ${String(everything.filter((id) => !ids.has(id)).length)} of ${String(everything.length)}`;
      },
      120_000,
    );
    // Recorded once each, and nothing else: the counts equal what was sent.
    const sent = { visit: 0, opinion: 0 };
    for (let i = 0; i < backlog.length; i++) sent[visitOrOpinion(i).stream] += 1;
    for (let i = 0; i < live.length; i++) sent[visitOrOpinion(i).stream] += 1;
    expect(recorder.rows('SELECT count(*) AS n FROM visits')).toEqual([{ n: sent.visit }]);
    expect(recorder.rows('SELECT count(*) AS n FROM opinions')).toEqual([{ n: sent.opinion }]);
    // And the staff's report of the day says so: every visit, every opinion, once.
    const store = openSqliteStore(bus.setup.recorderFile);
    try {
      // The span of the test, whatever day it is.
      const [span] = recorder.rows<{ first: string; last: string }>(
        `SELECT min(ts) AS first, max(ts) AS last
         FROM (SELECT ts FROM visits UNION ALL SELECT ts FROM opinions)`,
      );
      const period = {
        kind: 'day' as const,
        label: 'test',
        from: span?.first ?? '',
        to: new Date(Date.parse(span?.last ?? '') + 1).toISOString(),
        firstDay: '',
        lastDay: '',
      };
      const report = (name: 'visits' | 'opinions') =>
        runReport(store, { report: name, period, by: 'bus', buses: [] }).then((r) => r.rows);
      expect(await report('visits')).toEqual([
        { busId: BUS, visits: sent.visit, firstVisits: sent.visit },
      ]);
      expect(await report('opinions')).toEqual([
        expect.objectContaining({ busId: BUS, opinions: sent.opinion }),
      ]);
    } finally {
      await store.close();
    }
    const exited = new Promise((resolve) => last.once('exit', resolve));
    last.kill('SIGTERM');
    await exited;
    const db = new Database(path.join(dataDir, 'outbox.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    // Its on-board connection was never dropped by the broker right after a restart (a queued
    // message acknowledged live while the queue was replayed: `no such packet`).
    expect(onboard.logs.filter((line) => String(line.err).includes('no such packet'))).toEqual([]);
    expect(live.length).toBeGreaterThan(20);
  }, 300_000);
});
