import { describe, expect, it } from 'vitest';
import { MessageFactory, validatePayload, type PlanMessage } from '@fsbus/shared';
import type { Fix } from '../../domain/fix.js';
import { distanceM } from '../../domain/geo.js';
import { StopTracker, type StopTransition } from '../../domain/stop-tracker.js';
import type { GnssState } from '../position-source.js';
import { localTime, tourPlan, tourStartingIn } from './tour-plan.js';
import { RouteSimulatorSource } from './route-simulator.js';

const NOW = Date.parse('2026-11-23T08:00:00Z'); // 09:00 in Paris

/** The tour, moved so that its first stop opens 4 minutes after `now`. */
function plan(now = NOW): PlanMessage {
  const body = tourStartingIn(now, 4 * 60_000);
  const factory = new MessageFactory({ busId: 'sim-bus-01', source: 'central' });
  return validatePayload('plan', factory.create('plan', body));
}

/** Runs a simulator over [from, to) at 1 Hz with a driven clock, collecting its fixes. */
function simulate(route: PlanMessage | null, from: number, to: number) {
  let clock = from;
  const fixes: { at: number; fix: Fix }[] = [];
  const states: GnssState[] = [];
  const simulator = new RouteSimulatorSource({
    rateHz: 1,
    plan: () => route,
    home: { lat: 45.8336, lon: 1.2611 },
    now: () => clock,
    onFix: (fix) => fixes.push({ at: clock, fix }),
    onState: (state) => states.push(state),
  });
  for (; clock < to; clock += 1000) simulator.tick();
  return { fixes, states };
}

describe('the Monts du Forez tour', () => {
  it('is a valid plan for the day, at the permanences’ opening hours', () => {
    const factory = new MessageFactory({ busId: 'sim-bus-01', source: 'central' });
    const tour = validatePayload('plan', factory.create('plan', tourPlan(NOW)));
    expect(tour.date).toBe('2026-11-23');
    expect(
      tour.stops.map((s) => `${s.arrival.slice(11, 16)}-${s.departure.slice(11, 16)}`),
    ).toEqual(['09:00-10:45', '11:15-12:30', '14:00-15:30', '16:00-17:30']);
    expect(tour.stops[0]?.arrival).toBe('2026-11-23T09:00:00+01:00');
    // In summer, the same hours with the summer offset.
    expect(tourPlan(Date.parse('2026-07-01T10:00:00Z')).stops[0]?.arrival).toBe(
      '2026-07-01T09:00:00+02:00',
    );
  });

  it('moves whole, keeping its hours apart, to start a few minutes from now', () => {
    const moved = plan();
    expect(moved.stops.map((s) => s.arrival.slice(11, 16))).toEqual([
      '09:04',
      '11:19',
      '14:04',
      '16:04',
    ]);
  });

  it('writes local times with the summer and winter offsets', () => {
    expect(localTime(Date.parse('2026-07-01T10:00:00Z'), 'Europe/Paris')).toBe(
      '2026-07-01T12:00:00+02:00',
    );
    expect(localTime(Date.parse('2026-01-01T23:30:00Z'), 'Europe/Paris')).toBe(
      '2026-01-02T00:30:00+01:00',
    );
  });
});

/** Half an hour after the day's last departure: the bus is back home. */
const dayEnd = (day: PlanMessage) => Date.parse(day.stops.at(-1)?.departure ?? '') + 30 * 60_000;

describe('RouteSimulatorSource', () => {
  it('drives the whole day through the NMEA reader at believable speeds', () => {
    const demo = plan();
    const { fixes, states } = simulate(demo, NOW, dayEnd(demo));
    expect(states).toEqual(['fix_3d']);
    expect(fixes.length).toBeGreaterThan(((dayEnd(demo) - NOW) / 1000) * 0.99);
    let fastest = 0;
    for (let i = 1; i < fixes.length; i++) {
      const a = fixes[i - 1];
      const b = fixes[i];
      if (!a || !b) continue;
      const moved = distanceM(
        { lat: a.fix.lat ?? 0, lon: a.fix.lon ?? 0 },
        { lat: b.fix.lat ?? 0, lon: b.fix.lon ?? 0 },
      );
      fastest = Math.max(fastest, moved / (((b.fix.time ?? 0) - (a.fix.time ?? 0)) / 1000));
    }
    expect(fastest).toBeLessThan(30); // no jump a fix filter would drop (70 m/s)
    expect(fastest).toBeGreaterThan(10); // it does drive
  });

  it('arrives at and leaves every planned stop, on time, as the stop tracker sees it', () => {
    const demo = plan();
    const tracker = new StopTracker();
    tracker.setPlan(demo, NOW);
    const transitions: StopTransition[] = [];
    for (const { at, fix } of simulate(demo, NOW, dayEnd(demo)).fixes) {
      const change = tracker.update({ at, lat: fix.lat ?? 0, lon: fix.lon ?? 0, speed: fix.speed });
      if (change) transitions.push(change);
      const tick = tracker.tick(at);
      if (tick) transitions.push(tick);
    }
    const arrivals = transitions.filter((t) => t.to === 'arrived');
    const departures = transitions.filter((t) => t.to === 'departed');
    expect(arrivals.map((t) => t.stopId)).toEqual(demo.stops.map((s) => s.stopId));
    expect(departures.map((t) => t.stopId)).toEqual(demo.stops.map((s) => s.stopId));
    // Arrival is recognised within a minute of the schedule (the dwell rule takes 20 s).
    demo.stops.forEach((stop, i) => {
      const arrival = arrivals[i];
      expect(Math.abs((arrival?.at ?? 0) - Date.parse(stop.arrival))).toBeLessThan(60_000);
    });
  });

  it('waits at home without a plan', () => {
    const { fixes } = simulate(null, NOW, NOW + 30_000);
    expect(fixes.length).toBeGreaterThan(25);
    for (const { fix } of fixes) {
      expect(
        distanceM({ lat: 45.8336, lon: 1.2611 }, { lat: fix.lat ?? 0, lon: fix.lon ?? 0 }),
      ).toBeLessThan(15);
    }
  });
});
