import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from './sim-clock.js';
import { timeOfDay } from './tour-plan.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const fileIn = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-sim-clock-'));
  dirs.push(dir);
  return path.join(dir, 'bridge', 'sim-clock.json');
};

// 2026-12-05 19:30 in Paris (UTC+1).
const REAL = Date.parse('2026-12-05T18:30:00Z');

describe('the simulated clock', () => {
  it('starts at a time of day and runs speed times faster than real time', () => {
    let real = REAL;
    const clock = new SimulatedClock({
      speed: 30,
      startAt: '08:40',
      timeZone: 'Europe/Paris',
      file: fileIn(),
      realNow: () => real,
    });
    expect(new Date(clock.now()).toISOString()).toBe('2026-12-05T07:40:00.000Z');
    real += 60_000;
    expect(new Date(clock.now()).toISOString()).toBe('2026-12-05T08:10:00.000Z');
    // Summer time too: 08:40 in Paris is 06:40 UTC in July.
    expect(
      new Date(
        timeOfDay(Date.parse('2026-07-01T12:00:00Z'), '08:40', 'Europe/Paris'),
      ).toISOString(),
    ).toBe('2026-07-01T06:40:00.000Z');
  });

  it('goes on after a restart from where it was saved, never going back', () => {
    const file = fileIn();
    let real = REAL;
    const options = {
      speed: 10,
      startAt: '08:40',
      timeZone: 'Europe/Paris',
      file,
      realNow: () => real,
    };
    const first = new SimulatedClock(options);
    real += 6 * 60_000; // an hour of simulated time
    first.save();
    const second = new SimulatedClock(options);
    expect(new Date(second.now()).toISOString()).toBe('2026-12-05T08:40:00.000Z');
    // Saved a day ahead (the simulated day ran past midnight): on from there.
    writeFileSync(file, JSON.stringify({ at: '2026-12-06T07:00:00.000Z' }));
    expect(new Date(new SimulatedClock(options).now()).toISOString()).toBe(
      '2026-12-06T07:00:00.000Z',
    );
    // Saved before today's start, or damaged: the day starts at startAt.
    writeFileSync(file, JSON.stringify({ at: '2026-12-04T15:00:00.000Z' }));
    expect(new Date(new SimulatedClock(options).now()).toISOString()).toBe(
      '2026-12-05T07:40:00.000Z',
    );
    writeFileSync(file, 'not json');
    expect(new Date(new SimulatedClock(options).now()).toISOString()).toBe(
      '2026-12-05T07:40:00.000Z',
    );
  });

  it('is the real time at speed 1 without a start', () => {
    const clock = new SimulatedClock({
      speed: 1,
      startAt: null,
      timeZone: 'Europe/Paris',
      file: fileIn(),
      realNow: () => REAL,
    });
    expect(clock.now()).toBe(REAL);
  });
});
