import { describe, expect, it } from 'vitest';
import { EMPTY_FIX, type Fix } from './fix.js';
import { FixFilter } from './fix-filter.js';
import { destination } from './geo.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const HOME = { lat: 45.9198, lon: 1.3975 };
const options = { maxHdop: 10, maxSpeedMps: 70, maxReportedSpeedMps: 40, maxClockSkewMs: 300_000 };

function fix(extra: Partial<Fix> = {}): Fix {
  return { ...EMPTY_FIX, mode: '3d', ...HOME, time: T0, hdop: 1.2, ...extra };
}

describe('FixFilter', () => {
  it('accepts a good 3D fix and keeps its receiver time', () => {
    const verdict = new FixFilter(options).judge(fix(), T0 + 200);
    expect(verdict).toMatchObject({ ok: true, clockSkewed: false, accepted: { fixTime: T0 } });
  });

  it.each([
    ['no_fix', fix({ mode: 'none' })],
    ['no_position', fix({ lat: null })],
    ['zero', fix({ lat: 0, lon: 0 })],
    ['out_of_range', fix({ lat: 91 })],
    ['out_of_range', fix({ lon: Number.NaN })],
    ['dop', fix({ hdop: 12.5 })],
    ['speed', fix({ speed: 184.7, track: 0.4 })],
  ] as const)('drops a fix with %s', (reason, bad) => {
    expect(new FixFilter(options).judge(bad, T0)).toMatchObject({ ok: false, reason });
  });

  it('drops a first fix whose reported speed no bus reaches, and keeps one at 39 m/s', () => {
    const filter = new FixFilter(options);
    // Speed and track swapped in a checksum-valid RMC: no previous fix for the jump check.
    expect(filter.judge(fix({ speed: 184.7 }), T0)).toMatchObject({ ok: false, reason: 'speed' });
    expect(filter.judge(fix({ speed: 39 }), T0).ok).toBe(true);
  });

  it('drops a fix whose implied speed exceeds 70 m/s, and keeps the next plausible one', () => {
    const filter = new FixFilter(options);
    expect(filter.judge(fix(), T0).ok).toBe(true);
    const far = destination(HOME, 90, 5000); // 5 km in 1 s
    expect(filter.judge(fix({ ...far, time: T0 + 1000 }), T0 + 1000)).toMatchObject({
      ok: false,
      reason: 'jump',
    });
    const near = destination(HOME, 90, 40); // 40 m in 2 s: 20 m/s
    expect(filter.judge(fix({ ...near, time: T0 + 2000 }), T0 + 2000).ok).toBe(true);
  });

  it('judges jumps at 10 Hz by the receiver times, even when the fixes arrive in a burst', () => {
    const filter = new FixFilter(options);
    expect(filter.judge(fix(), T0).ok).toBe(true);
    // 65 m in 0.1 s of receiver time (650 m/s), delivered 1 s later by the system clock.
    const far = destination(HOME, 90, 65);
    expect(filter.judge(fix({ ...far, time: T0 + 100 }), T0 + 1000)).toMatchObject({
      ok: false,
      reason: 'jump',
    });
    // 2 m in 0.1 s (20 m/s) passes, even delivered in the same millisecond.
    const near = destination(HOME, 90, 2);
    expect(filter.judge(fix({ ...near, time: T0 + 200 }), T0 + 1000).ok).toBe(true);
  });

  it('starts over from the new place after a run of jumps (the old position was the bad one)', () => {
    const filter = new FixFilter(options, 3);
    filter.judge(fix(), T0);
    const elsewhere = destination(HOME, 0, 50_000);
    const verdicts = [1, 2, 3, 4].map((s) =>
      filter.judge(fix({ ...elsewhere, time: T0 + s * 1000 }), T0 + s * 1000),
    );
    expect(verdicts.map((v) => v.ok)).toEqual([false, false, false, true]);
  });

  it('does not trust receiver time from a week-rollover receiver, but keeps the position', () => {
    const rollover = Date.parse('2006-04-09T08:00:00Z'); // 1024 weeks early
    const verdict = new FixFilter(options).judge(fix({ time: rollover }), T0);
    expect(verdict).toMatchObject({ ok: true, clockSkewed: true, accepted: { fixTime: null } });
    const future = Date.parse('2046-07-09T08:00:00Z');
    expect(new FixFilter(options).judge(fix({ time: future }), T0)).toMatchObject({
      clockSkewed: true,
    });
  });

  it('accepts a fix without receiver date, with no receiver time', () => {
    const verdict = new FixFilter(options).judge(fix({ time: null }), T0);
    expect(verdict).toMatchObject({ ok: true, clockSkewed: false, accepted: { fixTime: null } });
  });
});
