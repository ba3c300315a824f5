import { describe, expect, it } from 'vitest';
import { MessageFactory, validatePayload, type PlanMessage } from '@fsbus/shared';
import type { Fix } from '../../domain/fix.js';
import { distanceM } from '../../domain/geo.js';
import { StopTracker, type StopTransition } from '../../domain/stop-tracker.js';
import type { GnssState } from '../position-source.js';
import { demoPlan, localTime } from './demo-plan.js';
import { RouteSimulatorSource } from './route-simulator.js';

const NOW = Date.parse('2026-11-23T08:00:00Z'); // 09:00 in Paris

function plan(now = NOW): PlanMessage {
  const body = demoPlan(now);
  if (!body) throw new Error('no demo plan');
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

describe('demoPlan', () => {
  it('makes a valid plan for today, first arrival a few minutes from now', () => {
    const demo = plan();
    expect(demo.date).toBe('2026-11-23');
    expect(demo.stops.map((s) => s.arrival.slice(11, 16))).toEqual([
      '09:04',
      '09:21',
      '09:39',
      '10:05',
    ]);
    expect(demo.stops[0]?.arrival).toBe('2026-11-23T09:04:00+01:00');
  });

  it('leaves out the stops that would end after midnight, and gives none when none fits', () => {
    expect(demoPlan(Date.parse('2026-11-23T22:40:00Z'))?.stops).toHaveLength(1);
    expect(demoPlan(Date.parse('2026-11-23T22:56:00Z'))).toBeNull();
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

describe('RouteSimulatorSource', () => {
  it('drives the whole demo day through the NMEA reader at believable speeds', () => {
    const demo = plan();
    const { fixes, states } = simulate(demo, NOW, NOW + 75 * 60_000);
    expect(states).toEqual(['fix_3d']);
    expect(fixes.length).toBeGreaterThan(4400);
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
    for (const { at, fix } of simulate(demo, NOW, NOW + 75 * 60_000).fixes) {
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
