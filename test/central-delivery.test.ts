// The bridge's delivery to central when its outbox is full of events: it says so, refuses what
// it cannot keep, holds a message from the on-board broker unacknowledged until there is room,
// and takes it once central has caught up. fsbus-broker stands in for central.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema, MessageFactory, topicFor, exampleBody } from '@fsbus/shared';
import { createLogger } from '@fsbus/shared/node';
import {
  openOutbox,
  startCentralDelivery,
  type CentralMessage,
} from '../firmware-bridge/src/central-delivery.js';
import { BUS, PASSWORD, startTestBroker, testConfig, until } from '../broker/test/harness.js';
import { Link } from './central-stand-in.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const factory = new MessageFactory({ busId: BUS, source: 'bridge' });
function door(): CentralMessage {
  const body = exampleBody('door');
  const message = factory.create('door', body);
  return {
    stream: 'door',
    topic: topicFor('door', BUS),
    id: message.id,
    payload: JSON.stringify(message),
  };
}

describe('delivery to central with an unreadable outbox file', () => {
  it('moves the file aside, says so, and starts a new outbox', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-delivery-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const garbage = 'not a database, a damaged card '.repeat(200);
    mkdirSync(path.join(dir, 'bus'));
    writeFileSync(path.join(dir, 'bus', 'outbox.sqlite'), garbage);
    const config = ConfigSchema.parse({ busId: BUS, dataDir: path.join(dir, 'bus') });
    const logger = createLogger({
      service: 'bridge',
      level: 'fatal',
      destination: new PassThrough(),
    });
    const delivery = await startCentralDelivery({
      config,
      opened: openOutbox({ config, logger, now: Date.now }),
      factory,
      version: '0.1.0',
      logger,
      now: Date.now,
      onHealth: () => undefined,
    });
    cleanups.push(() => delivery.stop());
    expect(delivery.alarms()).toContain('outbox_set_aside');
    const [setAside] = readdirSync(path.join(dir, 'bus')).filter((f) => f.includes('.unreadable-'));
    expect(readFileSync(path.join(dir, 'bus', setAside ?? 'none'), 'utf8')).toBe(garbage);
    delivery.send(door());
    await until(() => (delivery.metrics().outbox_events_pending ?? 0) === 1, 'a message kept');
  });
});

describe('delivery to central with a full outbox', () => {
  it('refuses events past the hard cap, holds an on-board message until central catches up', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-delivery-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const central = await startTestBroker(
      testConfig(path.join(dir, 'central'), {
        rateLimit: { messagesPerSecond: 1_000_000, burst: 1_000_000 },
      }),
    );
    cleanups.push(() => central.stop());
    const link = await Link.open(central.broker.tcpPort, false);
    cleanups.push(() => link.down());
    writeFileSync(path.join(dir, 'central.password'), PASSWORD);
    const config = ConfigSchema.parse({
      busId: BUS,
      dataDir: path.join(dir, 'bus'),
      outbox: { commitWindowMs: 10, telemetryCapMB: 1, hardCapMB: 1 },
      central: {
        url: `mqtt://127.0.0.1:${String(link.port)}`,
        username: 'bridge',
        passwordFile: path.join(dir, 'central.password'),
      },
    });
    let healthChanges = 0;
    const logger = createLogger({
      service: 'bridge',
      level: 'fatal',
      destination: new PassThrough(),
    });
    const delivery = await startCentralDelivery({
      config,
      opened: openOutbox({ config, logger, now: Date.now }),
      factory,
      version: '0.1.0',
      logger,
      now: Date.now,
      onHealth: () => (healthChanges += 1),
      ingestRetryMs: 100,
    });
    cleanups.push(() => delivery.stop());

    // A long time without central: door counts until the outbox holds 1 MB of events.
    const metric = (name: string) => delivery.metrics()[name] ?? 0;
    for (let i = 0; i < 6000 && metric('central_events_refused') === 0; i++) {
      delivery.send(door());
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => metric('central_events_refused') > 0, 'an event refused', 10_000);
    expect(delivery.health().outbox).toBe('full');
    expect(delivery.alarms()).toContain('outbox_full');
    expect(healthChanges).toBeGreaterThan(0);
    const kept = metric('outbox_events_pending');
    expect(kept).toBeGreaterThan(1000);

    // A message from the on-board broker now waits, unacknowledged, and is offered again.
    const fromBoard = door();
    let taken = false;
    const ingest = delivery.ingest(fromBoard).then(() => (taken = true));
    await until(() => metric('central_ingest_waits') >= 2, 'the message offered again', 5000);
    expect(taken).toBe(false);

    // Central is back: the backlog drains, room comes back, the waiting message is taken.
    await link.up();
    await ingest;
    expect(delivery.health().uplink).toBe('online');
    await until(() => metric('outbox_events_pending') === 0, 'everything sent', 30_000);
    expect(metric('uplink_sent')).toBeGreaterThanOrEqual(kept + 1);
  }, 60_000);
});
