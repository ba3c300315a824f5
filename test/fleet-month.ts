// A generated month of a fleet, deterministic from a seed: each bus's day plans, stop events,
// door counts, visits and opinions, as the planner, the bridge and the kiosk stamp them; and
// the totals a report over that month must give.
import {
  MessageFactory,
  NATIONAL_PARTNERS,
  OPINION_REASONS,
  topicFor,
  type BodyOf,
  type Stream,
} from '@fsbus/shared';
import { TZDate } from '@date-fns/tz';
import type { MqttClient } from 'mqtt';
import { seededRandom } from '../firmware-bridge/src/domain/seeded-random.js';

export interface FleetMessage {
  readonly busId: string;
  readonly stream: Stream;
  readonly topic: string;
  readonly payload: string;
  /** Who publishes it at central: the bus, or the planner (plans). */
  readonly by: 'bus' | 'planner';
}

type Counter = Map<string, number>;
const bump = (map: Counter, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** What the reports must say, keyed `bus`, `bus|stop`, `bus|partner`... */
export interface Expected {
  readonly visits: Counter;
  readonly firstVisits: Counter;
  readonly visitsByStop: Counter;
  readonly requests: Counter;
  readonly doorsIn: Counter;
  readonly doorsOut: Counter;
  readonly ratings: Counter;
  readonly reasons: Counter;
  readonly arrivals: Counter;
  readonly stopNames: Map<string, { name: string; commune: string }>;
}

const COMMUNES = ['Ambazac', 'Bessines', 'Saint-Sylvestre', 'Razès', 'Compreignac', 'Nantiat'];
const LANGUAGES = ['fr', 'fr', 'fr', 'en', 'ar'] as const;
const TZ = 'Europe/Paris';

const iso = (date: TZDate) => new Date(date.getTime()).toISOString();
/** Local time with its offset, as plans carry it. */
function local(date: TZDate): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const two = (n: number) => String(Math.abs(n)).padStart(2, '0');
  return `${String(date.getFullYear())}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:00${sign}${two(Math.trunc(offset / 60))}:${two(offset % 60)}`;
}

/**
 * A month (`YYYY-MM`) of `buses` buses (ids `bfs-test-01`...): each serves two or three stops
 * a weekday (skipping some days), with visitors at the kiosk and at the door.
 */
export function fleetMonth(
  month: string,
  buses: number,
  seed = 1,
): {
  busIds: string[];
  messages: FleetMessage[];
  expected: Expected;
} {
  const next = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const [year, monthIndex] = month.split('-').map(Number) as [number, number];
  const expected: Expected = {
    visits: new Map(),
    firstVisits: new Map(),
    visitsByStop: new Map(),
    requests: new Map(),
    doorsIn: new Map(),
    doorsOut: new Map(),
    ratings: new Map(),
    reasons: new Map(),
    arrivals: new Map(),
    stopNames: new Map(),
  };
  const messages: FleetMessage[] = [];
  const busIds = Array.from(
    { length: buses },
    (_, i) => `bfs-test-${String(i + 1).padStart(2, '0')}`,
  );
  for (const busId of busIds) {
    let clock = new Date(0);
    const stamp = (source: string) =>
      new MessageFactory({ busId, source, clock: () => new Date(clock) });
    const bridge = stamp('bridge');
    const kiosk = stamp('kiosk-1');
    const planner = new MessageFactory({
      busId,
      source: 'central',
      clock: () => new Date(clock),
      lastSeq: { plan: Date.UTC(year, monthIndex - 1, 1) },
    });
    const emit = <S extends Stream>(
      factory: MessageFactory,
      stream: S,
      body: BodyOf<S>,
      by: FleetMessage['by'] = 'bus',
    ) => {
      messages.push({
        busId,
        stream,
        topic: topicFor(stream, busId),
        payload: JSON.stringify(factory.create(stream, body)),
        by,
      });
    };
    const pool = Array.from({ length: 4 }, (_, k) => ({
      stopId: `${busId}-stop-${String(k + 1)}`,
      name: `Place ${String(k + 1)}`,
      commune: pick(COMMUNES),
      lat: 45.9 + next() * 0.2,
      lon: 1.3 + next() * 0.2,
    }));
    const poolStop = (index: number) => {
      const stop = pool[index % pool.length];
      if (!stop) throw new Error('an empty pool of stops');
      return stop;
    };
    for (const stop of pool) expected.stopNames.set(`${busId}|${stop.stopId}`, stop);
    const days = new TZDate(year, monthIndex, 0, TZ).getDate();
    for (let day = 1; day <= days; day++) {
      const weekday = new TZDate(year, monthIndex - 1, day, TZ).getDay();
      if (weekday === 0 || weekday === 6 || next() < 0.15) continue;
      const date = `${month}-${String(day).padStart(2, '0')}`;
      const count = next() < 0.5 ? 2 : 3;
      const stops = Array.from({ length: count }, (_, k) => {
        const hour = 9 + k * 3;
        return {
          ...poolStop(day + k),
          arrival: new TZDate(year, monthIndex - 1, day, hour, 0, TZ),
          departure: new TZDate(year, monthIndex - 1, day, hour + 2, 30, TZ),
        };
      });
      clock = new Date(new TZDate(year, monthIndex - 1, day - 1, 17, 0, TZ).getTime());
      emit(
        planner,
        'plan',
        {
          planId: `${busId}-${date}`,
          date,
          timeZone: TZ,
          depot: null,
          stops: stops.map((stop) => ({
            stopId: stop.stopId,
            name: stop.name,
            commune: stop.commune,
            lat: stop.lat,
            lon: stop.lon,
            arrival: local(stop.arrival),
            departure: local(stop.departure),
          })),
        },
        'planner',
      );
      for (const stop of stops) {
        const key = `${busId}|${stop.stopId}`;
        const arrivedAt = new Date(stop.arrival.getTime() + Math.floor(next() * 900_000));
        const leftAt = new Date(stop.departure.getTime() + Math.floor(next() * 600_000));
        const current = {
          stopId: stop.stopId,
          name: stop.name,
          scheduledArrival: local(stop.arrival),
          scheduledDeparture: local(stop.departure),
        };
        clock = arrivedAt;
        emit(bridge, 'stop', {
          state: 'arrived',
          planId: `${busId}-${date}`,
          current: {
            ...current,
            actualArrival: iso(new TZDate(arrivedAt, TZ)),
            actualDeparture: null,
          },
          next: null,
          delayS: Math.round((arrivedAt.getTime() - stop.arrival.getTime()) / 1000),
          offPlan: null,
        });
        bump(expected.arrivals, busId);
        const visitors = Math.floor(next() * 12);
        let inside = 0;
        for (let v = 0; v < visitors; v++) {
          clock = new Date(arrivedAt.getTime() + (v + 1) * 60_000);
          const people = next() < 0.2 ? 2 : 1;
          emit(bridge, 'door', { door: 1, in: people, out: 0, quality: 'ok', stopId: stop.stopId });
          bump(expected.doorsIn, key, people);
          inside += people;
          const partners = [pick(NATIONAL_PARTNERS).code];
          if (next() < 0.3) {
            const other = pick(NATIONAL_PARTNERS).code;
            if (!partners.includes(other)) partners.push(other);
          }
          const answer = next();
          const firstVisit = answer < 0.3 ? true : answer < 0.8 ? false : undefined;
          emit(kiosk, 'visit', {
            stopId: stop.stopId,
            partners,
            ...(firstVisit === undefined ? {} : { firstVisit }),
            language: pick(LANGUAGES),
            turn: v + 1,
            series: 'A',
          });
          bump(expected.visits, busId);
          bump(expected.visitsByStop, key);
          if (firstVisit === true) bump(expected.firstVisits, busId);
          for (const partner of partners) bump(expected.requests, `${busId}|${partner}`);
          if (next() < 0.5) {
            clock = new Date(arrivedAt.getTime() + (v + 2) * 60_000);
            const rating = 1 + Math.floor(next() * 4);
            const reasons = OPINION_REASONS.filter(() => next() < 0.3).map((reason) => reason.code);
            emit(kiosk, 'opinion', { stopId: stop.stopId, rating, reasons });
            bump(expected.ratings, `${busId}|${String(rating)}`);
            for (const reason of reasons) bump(expected.reasons, `${busId}|${reason}`);
          }
        }
        clock = new Date(leftAt.getTime() - 60_000);
        if (inside > 0) {
          emit(bridge, 'door', { door: 1, in: 0, out: inside, quality: 'ok', stopId: stop.stopId });
          bump(expected.doorsOut, key, inside);
        }
        clock = leftAt;
        emit(bridge, 'stop', {
          state: 'departed',
          planId: `${busId}-${date}`,
          current: {
            ...current,
            actualArrival: iso(new TZDate(arrivedAt, TZ)),
            actualDeparture: iso(new TZDate(leftAt, TZ)),
          },
          next: null,
          delayS: Math.round((leftAt.getTime() - stop.departure.getTime()) / 1000),
          offPlan: null,
        });
      }
    }
  }
  return { busIds, messages, expected };
}

/** Publishes messages as their sender would: QoS 1 (plans retained), up to 100 in flight. */
export async function publishAll(
  client: MqttClient,
  messages: readonly FleetMessage[],
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const message = messages[next++];
      if (!message) return;
      const retain = message.stream === 'plan';
      await client.publishAsync(message.topic, message.payload, { qos: 1, retain });
    }
  };
  await Promise.all(Array.from({ length: 100 }, worker));
}
