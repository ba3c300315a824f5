// The day a simulated bus drives when central has sent no plan: a tour of France services
// permanences in the Monts du Forez (Loire), from a depot in Montbrison, with the opening hours
// such a bus keeps (a morning and an afternoon of half-day stops). Coordinates are the village
// centres (town hall or church square), to within about a hundred metres.
import type { PlanMessage } from '@fsbus/shared';

type PlanBody = Omit<PlanMessage, 'v' | 'busId' | 'id' | 'seq' | 'ts' | 'source'>;

export const TOUR_TIME_ZONE = 'Europe/Paris';
/** Every simulated tour's plan id starts with this. */
export const TOUR_PLAN_PREFIX = 'sim-forez-';

/** Where the bus sleeps, and where a simulated bus without a plan waits. */
export const TOUR_DEPOT = {
  name: 'Centre technique départemental',
  lat: 45.6068,
  lon: 4.0761,
  radiusM: 150,
};

/** The permanences, with their opening hours (local time). */
const STOPS = [
  {
    stopId: 'boen-mairie',
    name: 'Place de l’Hôtel de Ville',
    commune: 'Boën-sur-Lignon',
    lat: 45.7437,
    lon: 4.0072,
    opens: '09:00',
    closes: '10:45',
  },
  {
    stopId: 'st-georges-couzan-eglise',
    name: 'Place de l’église',
    commune: 'Saint-Georges-en-Couzan',
    lat: 45.7019,
    lon: 3.9289,
    opens: '11:15',
    closes: '12:30',
  },
  {
    stopId: 'chalmazel-mairie',
    name: 'Parking de la mairie',
    commune: 'Chalmazel-Jeansagnière',
    lat: 45.7032,
    lon: 3.8531,
    opens: '14:00',
    closes: '15:30',
  },
  {
    stopId: 'sauvain-place',
    name: 'Place du village',
    commune: 'Sauvain',
    lat: 45.6693,
    lon: 3.8658,
    opens: '16:00',
    closes: '17:30',
  },
] as const;

/** The time the tour's first stop opens (HH:MM). */
const TOUR_FIRST_OPENS = STOPS[0].opens;

/** `ms` as a local time with its offset in `timeZone`, e.g. 2026-11-23T09:30:00+01:00. */
export function localTime(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${parts.year ?? ''}-${parts.month ?? ''}-${parts.day ?? ''}T${parts.hour ?? ''}:${parts.minute ?? ''}:${parts.second ?? ''}${offset}`;
}

/** `hhmm` on the day of `now` in `timeZone`, as ms. */
export function timeOfDay(now: number, hhmm: string, timeZone: string): number {
  const today = localTime(now, timeZone);
  return Date.parse(`${today.slice(0, 10)}T${hhmm}:00${today.slice(19)}`);
}

/**
 * The tour on the service day of `now`, at its opening hours; with `shiftMs`, every time moved
 * by that much (tests and benchmarks that need the bus driving now).
 */
export function tourPlan(now: number, shiftMs = 0): PlanBody {
  const at = (hhmm: string) =>
    localTime(timeOfDay(now, hhmm, TOUR_TIME_ZONE) + shiftMs, TOUR_TIME_ZONE);
  const stops = STOPS.map(({ opens, closes, ...stop }) => ({
    ...stop,
    arrival: at(opens),
    departure: at(closes),
  }));
  const date = stops[0]?.arrival.slice(0, 10) ?? localTime(now, TOUR_TIME_ZONE).slice(0, 10);
  return {
    planId: `${TOUR_PLAN_PREFIX}${date}${shiftMs === 0 ? '' : `-${String(Math.round(shiftMs / 60_000))}`}`,
    date,
    timeZone: TOUR_TIME_ZONE,
    depot: TOUR_DEPOT,
    stops,
  };
}

/** The tour moved so that its first stop opens `inMs` after `now` (the bus drives at once). */
export function tourStartingIn(now: number, inMs: number): PlanBody {
  const opens = timeOfDay(now, TOUR_FIRST_OPENS, TOUR_TIME_ZONE);
  return tourPlan(now, Math.ceil((now + inMs - opens) / 60_000) * 60_000);
}
