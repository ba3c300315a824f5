// The day plan `npm start` drives when central has sent none: four stops around
// Saint-Léonard-de-Noblat (Haute-Vienne), starting a few minutes from now, so a developer sees
// arrivals and departures within minutes.
import type { PlanMessage } from '@fsbus/shared';

type PlanBody = Omit<PlanMessage, 'v' | 'busId' | 'id' | 'seq' | 'ts' | 'source'>;

const TIME_ZONE = 'Europe/Paris';
/** Every demo plan id starts with this. */
export const DEMO_PLAN_PREFIX = 'demo-';
const FIRST_ARRIVAL_IN_MS = 4 * 60_000;
const DWELL_MS = 8 * 60_000;

/** Where the demo bus sleeps, and where a simulated bus without a plan waits. */
export const DEMO_DEPOT = { name: 'Garage municipal', lat: 45.8353, lon: 1.4745, radiusM: 150 };

/** Stop, and minutes of driving from the previous place. */
const STOPS = [
  {
    stopId: 'demo-st-leonard',
    name: 'Place de la République',
    commune: 'Saint-Léonard-de-Noblat',
    lat: 45.8356,
    lon: 1.4893,
    drive: 0,
  },
  {
    stopId: 'demo-royeres',
    name: 'Mairie',
    commune: 'Royères',
    lat: 45.865,
    lon: 1.4316,
    drive: 9,
  },
  {
    stopId: 'demo-st-martin',
    name: 'Place de l’église',
    commune: 'Saint-Martin-Terressus',
    lat: 45.9203,
    lon: 1.4473,
    drive: 10,
  },
  {
    stopId: 'demo-champnetery',
    name: 'Salle des fêtes',
    commune: 'Champnétery',
    lat: 45.8261,
    lon: 1.5724,
    drive: 18,
  },
] as const;

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

/**
 * A plan for today starting a few minutes after `now`; the stops that would end after midnight
 * are left out, and null comes back when not even the first one fits.
 */
export function demoPlan(now: number): PlanBody | null {
  const start = Math.ceil((now + FIRST_ARRIVAL_IN_MS) / 60_000) * 60_000;
  const date = localTime(now, TIME_ZONE).slice(0, 10);
  let clock = start;
  const stops = STOPS.map(({ drive, ...stop }) => {
    const arrival = clock + drive * 60_000;
    clock = arrival + DWELL_MS;
    return {
      ...stop,
      arrival: localTime(arrival, TIME_ZONE),
      departure: localTime(clock, TIME_ZONE),
    };
  }).filter((stop) => stop.arrival.startsWith(date) && stop.departure.startsWith(date));
  if (stops.length === 0) return null;
  return {
    planId: `${DEMO_PLAN_PREFIX}${localTime(start, TIME_ZONE).slice(0, 16).replace(/[-:T]/g, '')}`,
    date,
    timeZone: TIME_ZONE,
    depot: DEMO_DEPOT,
    stops,
  };
}
