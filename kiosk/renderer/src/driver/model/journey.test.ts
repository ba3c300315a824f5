import { describe, expect, it } from 'vitest';
import { EXAMPLES, type PlanMessage, type StopMessage } from '@fsbus/shared';
import { delayOf, minutesUntil, timeline } from './journey.js';

const plan: PlanMessage = {
  ...EXAMPLES.plan,
  stops: [
    ...EXAMPLES.plan.stops,
    {
      stopId: 'razes-bourg',
      name: 'Bourg',
      commune: 'Razès',
      lat: 46.03,
      lon: 1.34,
      arrival: '2026-11-23T17:00:00+01:00',
      departure: '2026-11-23T18:00:00+01:00',
    },
  ],
};
const stop = (change: Partial<StopMessage>): StopMessage => ({ ...EXAMPLES.stop, ...change });
const statuses = (s: StopMessage | null) => timeline(plan, s, null).map((row) => row.status);

describe('the journey for the driver', () => {
  it('words the delay: on time within 3 min, late, very late past 10, early', () => {
    expect(delayOf(null)).toBeNull();
    expect(delayOf(170)).toEqual({ kind: 'on_time', minutes: 0, level: 'ok' });
    expect(delayOf(-170)).toEqual({ kind: 'on_time', minutes: 0, level: 'ok' });
    expect(delayOf(400)).toEqual({ kind: 'late', minutes: 7, level: 'warn' });
    expect(delayOf(900)).toEqual({ kind: 'late', minutes: 15, level: 'bad' });
    expect(delayOf(-300)).toEqual({ kind: 'early', minutes: 5, level: 'warn' });
    expect(minutesUntil('2026-11-23T12:00:00+01:00', Date.parse('2026-11-23T10:30:30Z'))).toBe(29);
    expect(minutesUntil('2026-11-23T12:00:00+01:00', Date.parse('2026-11-23T11:00:30Z'))).toBe(-1);
  });

  it('places every stop of the day: done, current, next, later', () => {
    // The example: arrived at the first stop, the second next.
    expect(statuses(EXAMPLES.stop)).toEqual(['current', 'next', 'later']);
    // Left the first, driving to the second.
    const next = EXAMPLES.stop.next;
    expect(statuses(stop({ state: 'en_route' }))).toEqual(['done', 'next', 'later']);
    // Just left the last: everything done.
    const last = {
      stopId: 'razes-bourg',
      name: 'Bourg',
      scheduledArrival: '2026-11-23T17:00:00+01:00',
      scheduledDeparture: '2026-11-23T18:00:00+01:00',
      actualArrival: '2026-11-23T16:02:00.000Z',
      actualDeparture: '2026-11-23T17:01:00.000Z',
    };
    expect(statuses(stop({ state: 'departed', current: last, next: null }))).toEqual([
      'done',
      'done',
      'done',
    ]);
    // Another plan than the stop state's: nothing is placed.
    expect(statuses(stop({ planId: 'other', next }))).toEqual(['later', 'later', 'later']);
    expect(statuses(null)).toEqual(['later', 'later', 'later']);
    expect(timeline(null, EXAMPLES.stop, null)).toEqual([]);
  });

  it('counts the visits and opinions of the plan’s day at each stop', () => {
    const rows = timeline(plan, EXAMPLES.stop, {
      ...EXAMPLES.attendance,
      stops: [{ stopId: 'razes-bourg', visits: 2, opinions: 1 }, ...EXAMPLES.attendance.stops],
    });
    expect(rows.map((r) => [r.visits, r.opinions])).toEqual([
      [7, 3],
      [0, 0],
      [2, 1],
    ]);
    const otherDay = timeline(plan, EXAMPLES.stop, { ...EXAMPLES.attendance, date: '2026-11-22' });
    expect(otherDay.map((r) => r.visits)).toEqual([0, 0, 0]);
  });
});
