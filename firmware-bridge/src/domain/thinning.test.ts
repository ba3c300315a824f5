import { describe, expect, it } from 'vitest';
import { destination } from './geo.js';
import { Thinning, type ThinnedPoint } from './thinning.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const START = { lat: 45.9198, lon: 1.3975 };
const options = { intervalMs: 30_000, distanceM: 100, headingDeg: 30 };

/** A straight drive at `speed` m/s on `track`, one point a second. */
function drive(seconds: number, speed: number, track: number, from = START, t0 = T0) {
  return Array.from({ length: seconds }, (_, i): ThinnedPoint => ({
    at: t0 + i * 1000,
    ...destination(from, track, speed * i),
    speed,
    track,
  }));
}

function reasons(thinning: Thinning, points: ThinnedPoint[]) {
  return points.flatMap((p) => {
    const reason = thinning.take(p);
    return reason === null ? [] : [{ s: (p.at - T0) / 1000, reason }];
  });
}

describe('Thinning', () => {
  it('sends the first fix, then one every 30 s while parked', () => {
    const parked = drive(95, 0, 0);
    expect(reasons(new Thinning(options), parked)).toEqual([
      { s: 0, reason: 'first' },
      { s: 30, reason: 'interval' },
      { s: 60, reason: 'interval' },
      { s: 90, reason: 'interval' },
    ]);
  });

  it('sends one every 100 m on a straight road at 15 m/s (every 7 s)', () => {
    const sent = reasons(new Thinning(options), drive(30, 15, 80));
    expect(sent.map((r) => r.s)).toEqual([0, 7, 14, 21, 28]);
    expect(sent.slice(1).every((r) => r.reason === 'distance')).toBe(true);
  });

  it('sends a fix when the heading turns 30 degrees, even within 100 m', () => {
    const thinning = new Thinning(options);
    const first = drive(3, 5, 0);
    reasons(thinning, first);
    const last = first[2];
    if (!last) throw new Error('no point');
    const turned = drive(3, 5, 40, last, last.at + 1000);
    expect(turned.map((p) => thinning.take(p))).toEqual(['heading', null, null]);
  });

  it('ignores heading noise while stopped', () => {
    const thinning = new Thinning(options);
    thinning.take({ at: T0, ...START, speed: 0.3, track: 10 });
    expect(thinning.take({ at: T0 + 1000, ...START, speed: 0.4, track: 200 })).toBeNull();
  });

  it('always sends the fix that goes with a stop state change', () => {
    const thinning = new Thinning(options);
    thinning.take({ at: T0, ...START, speed: 0, track: null });
    expect(thinning.take({ at: T0 + 1000, ...START, speed: 0, track: null }, true)).toBe(
      'stop_state',
    );
  });
});
