// The fleet now: each bus's latest position, stop state, delay, occupancy, health of each
// service, today's visits and people in, outbox backlog and when central last heard from it;
// read from the recorder.
import type { OccupancyMessage, StatusMessage, StopMessage } from '@fsbus/shared';
import type { RecorderStore } from '../recorder/store.js';
import { parsePeriod, serviceDate } from './period.js';

export interface BusNow {
  readonly busId: string;
  /** When central last received anything of this bus's services (a status), UTC; null: never. */
  readonly lastSeen: string | null;
  readonly position: {
    readonly lat: number;
    readonly lon: number;
    readonly speed: number | null;
    readonly track: number | null;
    readonly ts: string;
  } | null;
  readonly stop: {
    readonly state: StopMessage['state'];
    readonly planId: string | null;
    readonly current: StopMessage['current'];
    readonly next: StopMessage['next'];
    readonly delayS: number | null;
    readonly ts: string;
  } | null;
  readonly onBoard: number | null;
  /** When the bus counted `onBoard` (its occupancy message's time), UTC; null: never. */
  readonly onBoardAt: string | null;
  /** Per service: its state, health and alarms, as its latest status said. */
  readonly services: Readonly<
    Record<
      string,
      {
        readonly state: StatusMessage['state'];
        readonly health: StatusMessage['health'];
        readonly alarms: string[];
        readonly receivedAt: string;
      }
    >
  >;
  /** Today (the service day in Europe/Paris): visits at the kiosk and people in at the door. */
  readonly today: { readonly visits: number; readonly peopleIn: number };
  /** What waits in the bus's outbox, as its bridge last said; null: not known. */
  readonly backlog: {
    readonly events: number | null;
    readonly telemetry: number | null;
    readonly oldestEventAgeS: number | null;
  } | null;
}

const metric = (status: StatusMessage | undefined, name: string): number | null => {
  const value = status?.metrics[name];
  return typeof value === 'number' ? value : null;
};

/** One bus now (`now`: what "today" is). */
export async function busNow(
  store: RecorderStore,
  busId: string,
  now: number = Date.now(),
): Promise<BusNow> {
  const today = parsePeriod(serviceDate(now));
  const [fix] = await store.query<{
    lat: number;
    lon: number;
    speed: number | null;
    track: number | null;
    ts: string;
  }>('SELECT lat, lon, speed, track, ts FROM fixes WHERE bus_id = ? ORDER BY ts DESC LIMIT 1', [
    busId,
  ]);
  const [stop] = await store.query<{ body: string }>(
    'SELECT body FROM stop_events WHERE bus_id = ? ORDER BY ts DESC, seq DESC LIMIT 1',
    [busId],
  );
  const [occupancy] = await store.query<{ body: string }>(
    'SELECT body FROM occupancy_states WHERE bus_id = ? ORDER BY ts DESC, seq DESC LIMIT 1',
    [busId],
  );
  const services = await store.query<{ service: string }>(
    'SELECT DISTINCT service FROM statuses WHERE bus_id = ?',
    [busId],
  );
  const latest: Record<string, { status: StatusMessage; receivedAt: string }> = {};
  for (const { service } of services) {
    const [row] = await store.query<{ body: string; receivedAt: string }>(
      `SELECT body, received_at AS "receivedAt" FROM statuses
       WHERE bus_id = ? AND service = ? ORDER BY received_at DESC LIMIT 1`,
      [busId, service],
    );
    if (row)
      latest[service] = {
        status: JSON.parse(row.body) as StatusMessage,
        receivedAt: row.receivedAt,
      };
  }
  const [visits] = await store.query<{ count: number }>(
    'SELECT COUNT(*) AS count FROM visits WHERE bus_id = ? AND ts >= ? AND ts < ?',
    [busId, today.from, today.to],
  );
  const [doors] = await store.query<{ total: number | null }>(
    'SELECT SUM(count_in) AS total FROM door_counts WHERE bus_id = ? AND ts >= ? AND ts < ?',
    [busId, today.from, today.to],
  );
  const seen = Object.values(latest).map((entry) => entry.receivedAt);
  const stopMessage = stop ? (JSON.parse(stop.body) as StopMessage) : null;
  const bridge = latest.bridge?.status;
  return {
    busId,
    lastSeen: seen.length === 0 ? null : seen.reduce((a, b) => (a > b ? a : b)),
    position: fix ?? null,
    stop: stopMessage && {
      state: stopMessage.state,
      planId: stopMessage.planId,
      current: stopMessage.current,
      next: stopMessage.next,
      delayS: stopMessage.delayS,
      ts: stopMessage.ts,
    },
    onBoard: occupancy ? (JSON.parse(occupancy.body) as OccupancyMessage).onBoard : null,
    onBoardAt: occupancy ? (JSON.parse(occupancy.body) as OccupancyMessage).ts : null,
    today: { visits: visits?.count ?? 0, peopleIn: doors?.total ?? 0 },
    services: Object.fromEntries(
      Object.entries(latest).map(([service, { status, receivedAt }]) => [
        service,
        { state: status.state, health: status.health, alarms: [...status.alarms], receivedAt },
      ]),
    ),
    backlog: bridge
      ? {
          events: metric(bridge, 'outbox_events_pending'),
          telemetry: metric(bridge, 'outbox_telemetry_pending'),
          oldestEventAgeS: metric(bridge, 'outbox_oldest_event_age_s'),
        }
      : null,
  };
}

/** Every bus of the fleet now, in bus id order. */
export async function fleetNow(
  store: RecorderStore,
  busIds: Iterable<string>,
  now: number = Date.now(),
): Promise<BusNow[]> {
  const buses: BusNow[] = [];
  for (const busId of [...busIds].sort()) buses.push(await busNow(store, busId, now));
  return buses;
}
