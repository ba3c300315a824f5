// A bus's day: its plan and whether the bus acknowledged it, each planned stop against what the
// bus did (arrived, departed, delay), door counts and visits per stop, and its track.
import type { StopMessage } from '@fsbus/shared';
import type { RecorderStore } from '../recorder/store.js';
import { parsePeriod } from './period.js';

/** At most this many points of track are returned (evenly thinned beyond). */
export const MAX_TRACK_POINTS = 2000;

export interface DayStop {
  readonly stopId: string;
  readonly name: string;
  readonly commune: string;
  readonly lat: number;
  readonly lon: number;
  readonly scheduledArrival: string;
  readonly scheduledDeparture: string;
  readonly actualArrival: string | null;
  readonly actualDeparture: string | null;
  /** Arrival against the schedule, s (negative: early); null: not arrived. */
  readonly arrivalDelayS: number | null;
  readonly peopleIn: number;
  readonly peopleOut: number;
  readonly visits: number;
}

export interface BusDay {
  readonly busId: string;
  readonly date: string;
  readonly plan: {
    readonly planId: string;
    readonly publishedAt: string;
    readonly acknowledged: { readonly outcome: string; readonly ts: string } | null;
  } | null;
  readonly stops: readonly DayStop[];
  /** Door counts and visits outside the planned stops (off plan, en route). */
  readonly elsewhere: {
    readonly peopleIn: number;
    readonly peopleOut: number;
    readonly visits: number;
  };
  readonly track: readonly { lat: number; lon: number; speed: number | null; ts: string }[];
}

/** One bus's service day (`YYYY-MM-DD`, Europe/Paris). */
export async function busDay(store: RecorderStore, busId: string, date: string): Promise<BusDay> {
  const period = parsePeriod(date);
  if (period.kind !== 'day') throw new Error(`${date}: not a day`);
  const range = [busId, period.from, period.to];
  const [plan] = await store.query<{ id: string; planId: string; ts: string }>(
    `SELECT id, plan_id AS "planId", ts FROM plans WHERE bus_id = ? AND date = ?
     ORDER BY seq DESC LIMIT 1`,
    [busId, date],
  );
  const [ack] = plan
    ? await store.query<{ outcome: string; ts: string }>(
        `SELECT outcome, ts FROM plan_acks WHERE bus_id = ? AND plan_id = ? AND date = ?
         ORDER BY ts DESC LIMIT 1`,
        [busId, plan.planId, date],
      )
    : [];
  const planned = plan
    ? await store.query<{
        stopId: string;
        name: string;
        commune: string;
        lat: number;
        lon: number;
        arrival: string;
        departure: string;
      }>(
        `SELECT stop_id AS "stopId", name, commune, lat, lon, arrival, departure FROM plan_stops
         WHERE plan_message_id = ? ORDER BY position`,
        [plan.id],
      )
    : [];
  const events = await store.query<{ body: string }>(
    'SELECT body FROM stop_events WHERE bus_id = ? AND ts >= ? AND ts < ? ORDER BY ts, seq',
    range,
  );
  const actual = new Map<string, { arrival: string | null; departure: string | null }>();
  for (const { body } of events) {
    const current = (JSON.parse(body) as StopMessage).current;
    if (!current) continue;
    const known = actual.get(current.stopId) ?? { arrival: null, departure: null };
    actual.set(current.stopId, {
      arrival: current.actualArrival ?? known.arrival,
      departure: current.actualDeparture ?? known.departure,
    });
  }
  // Sums and counts are numbers in SQLite, text in PostgreSQL (bigint): read with Number.
  const doors = await store.query<{
    stopId: string | null;
    peopleIn: number | string;
    peopleOut: number | string;
  }>(
    `SELECT stop_id AS "stopId", sum(count_in) AS "peopleIn", sum(count_out) AS "peopleOut"
     FROM door_counts WHERE bus_id = ? AND ts >= ? AND ts < ? GROUP BY stop_id`,
    range,
  );
  const visits = await store.query<{ stopId: string | null; visits: number | string }>(
    `SELECT stop_id AS "stopId", count(*) AS visits FROM visits
     WHERE bus_id = ? AND ts >= ? AND ts < ? GROUP BY stop_id`,
    range,
  );
  const doorsAt = new Map(doors.map((row) => [row.stopId, row]));
  const visitsAt = new Map(visits.map((row) => [row.stopId, Number(row.visits)]));
  const plannedIds = new Set(planned.map((stop) => stop.stopId));
  const stops = planned.map((stop): DayStop => {
    const done = actual.get(stop.stopId);
    const arrival = done?.arrival ?? null;
    return {
      stopId: stop.stopId,
      name: stop.name,
      commune: stop.commune,
      lat: stop.lat,
      lon: stop.lon,
      scheduledArrival: stop.arrival,
      scheduledDeparture: stop.departure,
      actualArrival: arrival,
      actualDeparture: done?.departure ?? null,
      arrivalDelayS:
        arrival === null
          ? null
          : Math.round((Date.parse(arrival) - Date.parse(stop.arrival)) / 1000),
      peopleIn: Number(doorsAt.get(stop.stopId)?.peopleIn ?? 0),
      peopleOut: Number(doorsAt.get(stop.stopId)?.peopleOut ?? 0),
      visits: visitsAt.get(stop.stopId) ?? 0,
    };
  });
  const elsewhere = { peopleIn: 0, peopleOut: 0, visits: 0 };
  for (const row of doors) {
    if (row.stopId !== null && plannedIds.has(row.stopId)) continue;
    elsewhere.peopleIn += Number(row.peopleIn);
    elsewhere.peopleOut += Number(row.peopleOut);
  }
  for (const row of visits) {
    if (row.stopId === null || !plannedIds.has(row.stopId)) elsewhere.visits += Number(row.visits);
  }
  const fixes = await store.query<{ lat: number; lon: number; speed: number | null; ts: string }>(
    'SELECT lat, lon, speed, ts FROM fixes WHERE bus_id = ? AND ts >= ? AND ts < ? ORDER BY ts',
    range,
  );
  const step = Math.ceil(fixes.length / MAX_TRACK_POINTS);
  const track =
    step <= 1
      ? fixes
      : fixes.filter((_, index) => index % step === 0 || index === fixes.length - 1);
  return {
    busId,
    date,
    plan: plan
      ? {
          planId: plan.planId,
          publishedAt: plan.ts,
          acknowledged: ack ? { outcome: ack.outcome, ts: ack.ts } : null,
        }
      : null,
    stops,
    elsewhere,
    track,
  };
}
