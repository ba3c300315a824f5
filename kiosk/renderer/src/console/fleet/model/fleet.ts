// The fleet now, as the console keeps it: the API's snapshot, then each live message applied
// (pure: messages and the clock in, rows out), and the rows as the table and map show them,
// buses with alerts first.
import { serviceDate, type Alert, type BusNowResponse, type DecodedMessage } from '@fsbus/shared';
import { SERVICE_ZONE } from '../../app/format.js';

export type Fleet = ReadonlyMap<string, BusNowResponse>;

/** A bus is "silent" when central heard no status from it for this long, ms. */
export const SILENT_AFTER_MS = 15 * 60_000;

/** The API's snapshot as a fleet. */
export function fleetOf(buses: readonly BusNowResponse[]): Fleet {
  return new Map(buses.map((bus) => [bus.busId, bus]));
}

/** The fleet after one live message (an unknown bus joins it); received at `now`, ms. */
export function applyMessage(fleet: Fleet, decoded: DecodedMessage, now: number): Fleet {
  const bus = fleet.get(decoded.busId) ?? emptyBus(decoded.busId);
  const next = updated(bus, decoded, now);
  if (next === bus) return fleet;
  const copy = new Map(fleet);
  copy.set(next.busId, next);
  return copy;
}

function updated(bus: BusNowResponse, decoded: DecodedMessage, now: number): BusNowResponse {
  const received = new Date(now).toISOString();
  switch (decoded.stream) {
    case 'gnss': {
      const fix = (decoded as DecodedMessage<'gnss'>).message;
      // A backlog drained late must not move the bus back.
      if (bus.position !== null && bus.position.ts > fix.ts) return bus;
      return {
        ...bus,
        position: {
          lat: fix.lat,
          lon: fix.lon,
          speed: fix.speed ?? null,
          track: fix.track ?? null,
          ts: fix.ts,
        },
      };
    }
    case 'stop': {
      const stop = (decoded as DecodedMessage<'stop'>).message;
      if (bus.stop !== null && bus.stop.ts > stop.ts) return bus;
      return {
        ...bus,
        stop: {
          state: stop.state,
          planId: stop.planId,
          current: stop.current,
          next: stop.next,
          delayS: stop.delayS,
          ts: stop.ts,
        },
      };
    }
    case 'occupancy': {
      const occupancy = (decoded as DecodedMessage<'occupancy'>).message;
      if (bus.onBoardAt !== null && bus.onBoardAt > occupancy.ts) return bus;
      return { ...bus, onBoard: occupancy.onBoard, onBoardAt: occupancy.ts };
    }
    case 'visit': {
      // A backlog drained after days offline brings older days' visits: not today's.
      if (!sameServiceDay(decoded.message.ts, now)) return bus;
      return { ...bus, today: { ...bus.today, visits: bus.today.visits + 1 } };
    }
    case 'door': {
      const door = (decoded as DecodedMessage<'door'>).message;
      if (!sameServiceDay(door.ts, now)) return bus;
      return { ...bus, today: { ...bus.today, peopleIn: bus.today.peopleIn + door.in } };
    }
    case 'status': {
      const status = (decoded as DecodedMessage<'status'>).message;
      const metric = (name: string) => {
        const value = status.metrics[name];
        return typeof value === 'number' ? value : null;
      };
      return {
        ...bus,
        lastSeen: received,
        services: {
          ...bus.services,
          [status.service]: {
            state: status.state,
            health: status.health,
            alarms: [...status.alarms],
            receivedAt: received,
          },
        },
        backlog:
          status.service === 'bridge'
            ? {
                events: metric('outbox_events_pending'),
                telemetry: metric('outbox_telemetry_pending'),
                oldestEventAgeS: metric('outbox_oldest_event_age_s'),
              }
            : bus.backlog,
      };
    }
    case 'opinion':
    case 'queue':
    case 'attendance':
    case 'plan':
    case 'plan/ack':
    case 'cmd/queue':
    case 'cmd/occupancy':
      return bus;
  }
}

/** Whether a message's time is on today's service day (Europe/Paris, as central counts). */
function sameServiceDay(ts: string, now: number): boolean {
  return serviceDate(Date.parse(ts), SERVICE_ZONE) === serviceDate(now, SERVICE_ZONE);
}

/**
 * The API's snapshot over the fleet as the console has it: the newer of each position, stop
 * state, head count and service status (a live message may have come during the request);
 * today's counts as the snapshot says (central's own count).
 */
export function mergeSnapshot(fleet: Fleet, snapshot: readonly BusNowResponse[]): Fleet {
  const newer = <T extends { ts: string } | null>(a: T, b: T): T =>
    a === null ? b : b === null ? a : a.ts >= b.ts ? a : b;
  return new Map(
    snapshot.map((fresh) => {
      const held = fleet.get(fresh.busId);
      if (held === undefined) return [fresh.busId, fresh];
      const services = { ...fresh.services };
      for (const [name, service] of Object.entries(held.services)) {
        const other = services[name];
        if (other === undefined || other.receivedAt < service.receivedAt) services[name] = service;
      }
      const liveCount = held.onBoardAt !== null && (fresh.onBoardAt ?? '') < held.onBoardAt;
      const merged: BusNowResponse = {
        ...fresh,
        position: newer(held.position, fresh.position),
        stop: newer(held.stop, fresh.stop),
        onBoard: liveCount ? held.onBoard : fresh.onBoard,
        onBoardAt: liveCount ? held.onBoardAt : fresh.onBoardAt,
        lastSeen:
          held.lastSeen !== null && (fresh.lastSeen ?? '') < held.lastSeen
            ? held.lastSeen
            : fresh.lastSeen,
        services,
      };
      return [fresh.busId, merged];
    }),
  );
}

function emptyBus(busId: string): BusNowResponse {
  return {
    busId,
    lastSeen: null,
    position: null,
    stop: null,
    onBoard: null,
    onBoardAt: null,
    today: { visits: 0, peopleIn: 0 },
    services: {},
    backlog: null,
  };
}

/** alert: central raises one; silent: not heard of lately; degraded: a service says so. */
export type Condition = 'alert' | 'silent' | 'degraded' | 'ok';

/** One row of the table and one marker of the map. */
export interface FleetRow {
  readonly bus: BusNowResponse;
  readonly alerts: readonly Alert[];
  readonly condition: Condition;
  /** Services whose latest status is not healthy (state or alarms). */
  readonly unhealthy: readonly string[];
}

/** The rows: buses with alerts first (most first), then silent, then degraded, then by id. */
export function fleetRows(fleet: Fleet, alerts: readonly Alert[], now: number): FleetRow[] {
  const byBus = new Map<string, Alert[]>();
  for (const alert of alerts) byBus.set(alert.busId, [...(byBus.get(alert.busId) ?? []), alert]);
  const rows = [...fleet.values()].map((bus): FleetRow => {
    const own = byBus.get(bus.busId) ?? [];
    const silent = bus.lastSeen === null || now - Date.parse(bus.lastSeen) > SILENT_AFTER_MS;
    const unhealthy = Object.entries(bus.services)
      .filter(([, service]) => service.state !== 'online' || service.alarms.length > 0)
      .map(([name]) => name)
      .sort();
    return {
      bus,
      alerts: own,
      condition:
        own.length > 0 ? 'alert' : silent ? 'silent' : unhealthy.length > 0 ? 'degraded' : 'ok',
      unhealthy,
    };
  });
  const rank = { alert: 0, silent: 1, degraded: 2, ok: 3 } as const;
  return rows.sort(
    (a, b) =>
      rank[a.condition] - rank[b.condition] ||
      b.alerts.length - a.alerts.length ||
      a.bus.busId.localeCompare(b.bus.busId),
  );
}

/** Whether a row shows the same as another: its bus unchanged (by identity), its alerts too. */
export function sameRow(a: FleetRow, b: FleetRow): boolean {
  return (
    a.bus === b.bus &&
    a.condition === b.condition &&
    a.alerts.length === b.alerts.length &&
    a.alerts.every((alert, index) => alert === b.alerts[index])
  );
}
