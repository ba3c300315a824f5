// Central's view of the fleet now, from what buses publish over TLS: the fleet and a bus's day
// in the API, the GTFS-Realtime VehiclePositions feed (decoded with gtfs-realtime-bindings),
// door counts as APC messages, and the alerts (in the API and retained for the console).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { TZDate } from '@date-fns/tz';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CENTRAL_ALERTS_TOPIC,
  EXAMPLES,
  MessageFactory,
  statusTopic,
  topicFor,
  type AlertsMessage,
  type Stream,
  exampleBody,
} from '@fsbus/shared';
import { until } from '../broker/test/harness.js';
import {
  apiGet,
  apiJson,
  centralSetup,
  connectToCentral,
  connected,
  startCentralHere,
} from './central-harness.js';
import { STORAGES, type StorageUnderTest } from './recorder-storages.js';

const BUS = 'bfs-87-012';
const OTHER = 'bfs-23-004';
const { transit_realtime: rt } = GtfsRealtimeBindings;

/** A documented example's part that is there (the examples are fixed data). */
function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('the example lacks it');
  return value;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function centralWithBuses(storage: StorageUnderTest) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-live-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const setup = await centralSetup(
    dir,
    [
      { username: BUS, role: 'bus' },
      { username: OTHER, role: 'bus' },
      { username: 'marie', role: 'staff' },
      { username: 'paul', role: 'planner' },
    ],
    {},
    {},
    { recorder: storage.config(await storage.place()) },
  );
  const running = await startCentralHere(setup);
  cleanups.push(() => running.stop());
  const clients = new Map<string, Awaited<ReturnType<typeof connected>>>();
  /** Publishes as `sender` (a bus, or the planner), QoS 1, resolved once recorded. */
  const send = async (sender: string, busId: string, stream: Stream, message: object) => {
    let client = clients.get(sender);
    if (!client) {
      client = await connected(connectToCentral(setup, sender));
      clients.set(sender, client);
      const opened = client;
      cleanups.push(() => opened.endAsync(true));
    }
    const topic =
      stream === 'status'
        ? statusTopic(busId, (message as { service: string }).service)
        : topicFor(stream, busId);
    await client.publishAsync(topic, JSON.stringify(message), {
      qos: 1,
      retain: stream === 'plan' || stream === 'status',
    });
  };
  return { setup, running, send, port: () => running.central.httpPort };
}

/** Whole minutes left in the Europe/Paris day at `instant` (at least 1). */
function minutesLeftInParis(instant: number): number {
  const date = new TZDate(instant, 'Europe/Paris');
  return 24 * 60 - (date.getHours() * 60 + date.getMinutes());
}

/** Local time with its offset, as plans carry it. */
function local(instant: number): string {
  const date = new TZDate(instant, 'Europe/Paris');
  const offset = -date.getTimezoneOffset();
  const two = (n: number) => String(Math.abs(n)).padStart(2, '0');
  return `${String(date.getFullYear())}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:00${offset >= 0 ? '+' : '-'}${two(Math.trunc(offset / 60))}:${two(offset % 60)}`;
}

describe.each(STORAGES.map((make) => make()))('central live views on $name', (storage) => {
  beforeAll(() => storage.setUp(), 60_000);
  afterAll(() => storage.tearDown());

  it('gives the fleet now, a GTFS-RT VehiclePositions feed and APC door counts', async () => {
    const { setup, send, port } = await centralWithBuses(storage);
    const now = Date.now();
    const at = (offsetMs: number) => () => new Date(now + offsetMs);
    const bridge = new MessageFactory({ busId: BUS, source: 'bridge', clock: at(-60_000) });
    await send(
      BUS,
      BUS,
      'gnss',
      bridge.create(
        'gnss',
        exampleBody('gnss', { lat: 45.9597, lon: 1.3998, speed: 0, track: 84.5 }),
      ),
    );
    const arrived = bridge.create(
      'stop',
      exampleBody('stop', {
        state: 'arrived',
        current: {
          ...present(EXAMPLES.stop.current),
          actualArrival: new Date(now - 120_000).toISOString(),
          actualDeparture: null,
        },
      }),
    );
    await send(BUS, BUS, 'stop', arrived);
    await send(
      BUS,
      BUS,
      'occupancy',
      bridge.create('occupancy', exampleBody('occupancy', { onBoard: 3 })),
    );
    await send(
      BUS,
      BUS,
      'door',
      bridge.create('door', exampleBody('door', { door: 2, in: 3, out: 1, quality: 'uncertain' })),
    );
    const other = new MessageFactory({ busId: OTHER, source: 'bridge', clock: at(-30_000) });
    await send(
      OTHER,
      OTHER,
      'gnss',
      other.create('gnss', exampleBody('gnss', { lat: 46.1, lon: 1.2 })),
    );
    await send(
      OTHER,
      OTHER,
      'stop',
      other.create(
        'stop',
        exampleBody('stop', {
          state: 'en_route',
          current: null,
          next: { ...present(EXAMPLES.stop.next), eta: null },
          delayS: 60,
        }),
      ),
    );
    await send(
      OTHER,
      OTHER,
      'occupancy',
      other.create('occupancy', exampleBody('occupancy', { onBoard: 0 })),
    );

    const fleet = await apiJson<{
      buses: {
        busId: string;
        position: unknown;
        stop: { state: string } | null;
        onBoard: number | null;
      }[];
    }>(setup, port(), '/api/v1/fleet');
    expect(fleet.buses.map((bus) => [bus.busId, bus.stop?.state, bus.onBoard])).toEqual([
      [OTHER, 'en_route', 0],
      [BUS, 'arrived', 3],
    ]);

    const pb = await apiGet(setup, port(), '/api/v1/feeds/gtfs-rt/vehicle-positions', 'marie');
    expect(pb.type).toBe('application/x-protobuf');
    const feed = rt.FeedMessage.decode(pb.body);
    expect(feed.header.gtfsRealtimeVersion).toBe('2.0');
    const byId = new Map(feed.entity.map((entity) => [entity.id, entity.vehicle]));
    expect(byId.get(BUS)).toMatchObject({
      currentStatus: rt.VehiclePosition.VehicleStopStatus.STOPPED_AT,
      stopId: EXAMPLES.stop.current?.stopId,
      occupancyStatus: rt.VehiclePosition.OccupancyStatus.MANY_SEATS_AVAILABLE,
    });
    expect(byId.get(BUS)?.position?.latitude).toBeCloseTo(45.9597, 4);
    expect(byId.get(BUS)?.position?.longitude).toBeCloseTo(1.3998, 4);
    expect(byId.get(OTHER)).toMatchObject({
      currentStatus: rt.VehiclePosition.VehicleStopStatus.IN_TRANSIT_TO,
      stopId: EXAMPLES.stop.next?.stopId,
      occupancyStatus: rt.VehiclePosition.OccupancyStatus.EMPTY,
    });
    const json = await apiJson<{ entity: { id: string; vehicle: { currentStatus: string } }[] }>(
      setup,
      port(),
      '/api/v1/feeds/gtfs-rt/vehicle-positions?format=json',
    );
    expect(json.entity.find((e) => e.id === BUS)?.vehicle.currentStatus).toBe('STOPPED_AT');

    const today = new TZDate(now, 'Europe/Paris');
    const day = `${String(today.getFullYear())}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    const apc = await apiJson<unknown[]>(
      setup,
      port(),
      `/api/v1/feeds/apc?period=${day}&bus=${BUS}`,
    );
    const fleetMonth = await apiGet(
      setup,
      port(),
      `/api/v1/feeds/apc?period=${day.slice(0, 7)}`,
      'marie',
    );
    expect(fleetMonth.status).toBe(400);
    expect(apc).toHaveLength(1);
    expect(apc[0]).toMatchObject({
      APC: {
        schemaVersion: '1-1-0',
        countingSystemId: BUS,
        stopId: EXAMPLES.door.stopId,
        vehiclecounts: {
          countquality: 'defect',
          doorcounts: [{ door: 'door2', count: [{ class: 'other', in: 3, out: 1 }] }],
        },
      },
    });
  });

  it('gives a bus’s day: the plan and its acknowledgement, stops planned against actual', async () => {
    const { setup, send, port } = await centralWithBuses(storage);
    const date = '2026-11-23';
    const plan = new MessageFactory({ busId: BUS, source: 'central' }).create(
      'plan',
      exampleBody('plan'),
    );
    await send('paul', BUS, 'plan', plan);
    const bridge = new MessageFactory({
      busId: BUS,
      source: 'bridge',
      clock: () => new Date('2026-11-23T08:40:00.000Z'),
    });
    await send(
      BUS,
      BUS,
      'plan/ack',
      bridge.create('plan/ack', { planId: plan.planId, date, outcome: 'accepted', reason: null }),
    );
    await send(BUS, BUS, 'stop', bridge.create('stop', exampleBody('stop')));
    await send(BUS, BUS, 'door', bridge.create('door', exampleBody('door')));
    const kiosk = new MessageFactory({
      busId: BUS,
      source: 'kiosk-1',
      clock: () => new Date('2026-11-23T08:45:00.000Z'),
    });
    await send(BUS, BUS, 'visit', kiosk.create('visit', exampleBody('visit')));
    await send(BUS, BUS, 'visit', kiosk.create('visit', exampleBody('visit', { stopId: null })));
    const busDay = await apiJson<{
      plan: { planId: string; acknowledged: { outcome: string } | null };
      stops: {
        stopId: string;
        actualArrival: string | null;
        arrivalDelayS: number | null;
        peopleIn: number;
        visits: number;
      }[];
      elsewhere: { visits: number };
    }>(setup, port(), `/api/v1/buses/${BUS}/days/${date}`);
    expect(busDay.plan).toMatchObject({
      planId: plan.planId,
      acknowledged: { outcome: 'accepted' },
    });
    expect(
      busDay.stops.map((s) => [s.stopId, s.actualArrival, s.arrivalDelayS, s.peopleIn, s.visits]),
    ).toEqual([
      ['ambazac-mairie', '2026-11-23T08:36:40.000Z', 400, 2, 1],
      ['st-sylvestre-place', null, null, 0, 0],
    ]);
    expect(busDay.elsewhere.visits).toBe(1);
  });

  it(
    'raises alerts, in the API and retained for the console, and clears them',
    { timeout: 200_000 },
    async () => {
      const { setup, running, send, port } = await centralWithBuses(storage);
      const staff = await connected(connectToCentral(setup, 'marie'));
      cleanups.push(() => staff.endAsync(true));
      const received: AlertsMessage[] = [];
      staff.on('message', (_topic, payload) =>
        received.push(JSON.parse(payload.toString()) as AlertsMessage),
      );
      await staff.subscribeAsync(CENTRAL_ALERTS_TOPIC, { qos: 1 });

      // Today's plan: first stop up to an hour ago, the bus never acknowledged it nor was heard
      // from. Central counts service days in Europe/Paris: the stop stays inside today there (in
      // the last two minutes of a day, the test waits for the next one).
      await until(() => minutesLeftInParis(Date.now()) > 2, 'a Paris day with time left', 150_000);
      const now = Date.now();
      const dayStart = now - (24 * 60 - minutesLeftInParis(now)) * 60_000;
      const plan = new MessageFactory({ busId: BUS, source: 'central' }).create(
        'plan',
        exampleBody('plan', {
          planId: 'today',
          date: new TZDate(now, 'Europe/Paris').toISOString().slice(0, 10),
          stops: [
            {
              ...present(EXAMPLES.plan.stops[0]),
              arrival: local(Math.max(now - 3_600_000, dayStart + 60_000)),
              departure: local(
                Math.min(now + 3_600_000, now + (minutesLeftInParis(now) - 1) * 60_000),
              ),
            },
          ],
        }),
      );
      await send('paul', BUS, 'plan', plan);
      // The other bus: late, a silent counter, an old backlog.
      const other = new MessageFactory({ busId: OTHER, source: 'bridge' });
      await send(OTHER, OTHER, 'stop', other.create('stop', exampleBody('stop', { delayS: 1800 })));
      await send(
        OTHER,
        OTHER,
        'status',
        other.create('status', {
          ...exampleBody('status'),
          state: 'degraded',
          alarms: ['counter_silent'],
          metrics: { outbox_events_pending: 40, outbox_oldest_event_age_s: 8 * 3600 },
        }),
      );
      await running.central.alerts.refresh();
      const alerts = await apiJson<{ alerts: { code: string; busId: string }[] }>(
        setup,
        port(),
        '/api/v1/alerts',
      );
      expect(alerts.alerts.map((a) => `${a.busId} ${a.code}`).sort()).toEqual(
        [
          `${OTHER} backlog_old`,
          `${OTHER} late_at_stop`,
          `${OTHER} sensor_unhealthy`,
          `${BUS} bus_silent`,
          `${BUS} plan_not_acknowledged`,
        ].sort(),
      );
      await expect.poll(() => received.at(-1)?.alerts.length).toBe(5);

      // The bus acknowledges its plan and is heard from; the other recovers.
      const bridge = new MessageFactory({ busId: BUS, source: 'bridge' });
      await send(
        BUS,
        BUS,
        'plan/ack',
        bridge.create('plan/ack', {
          planId: 'today',
          date: plan.date,
          outcome: 'accepted',
          reason: null,
        }),
      );
      await send(
        BUS,
        BUS,
        'status',
        bridge.create('status', exampleBody('status', { alarms: [], state: 'online' })),
      );
      await send(OTHER, OTHER, 'stop', other.create('stop', exampleBody('stop', { delayS: 0 })));
      await send(
        OTHER,
        OTHER,
        'status',
        other.create('status', exampleBody('status', { alarms: [], state: 'online', metrics: {} })),
      );
      await running.central.alerts.refresh();
      await expect.poll(() => received.at(-1)?.alerts).toEqual([]);
    },
  );
});
