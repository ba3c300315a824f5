import { describe, expect, it } from 'vitest';
import {
  DoorCounts,
  doorCountsSnapshotProblems,
  type CounterFlags,
  type DoorReading,
} from './door-counts.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const NO_FLAGS: CounterFlags = {
  blocked: false,
  tamper: false,
  lowSignal: false,
  poweredUp: false,
};
const PU: Partial<CounterFlags> = { poweredUp: true };

/** A reading of `door` at T0 + `s` seconds. */
function r(
  s: number,
  door: number,
  seq: number,
  inTotal: number,
  outTotal: number,
  flags: Partial<CounterFlags> = {},
): DoorReading {
  return { at: T0 + s * 1000, door, seq, inTotal, outTotal, flags: { ...NO_FLAGS, ...flags } };
}

/** The events of the readings, in order, without their times. */
function events(counts: DoorCounts, readings: readonly DoorReading[]) {
  return readings.flatMap((reading) => {
    const e = counts.take(reading);
    return e === null ? [] : [{ door: e.door, in: e.in, out: e.out, quality: e.quality }];
  });
}

describe('DoorCounts', () => {
  it('takes the first reading of a door as a baseline, then counts the increases', () => {
    const counts = new DoorCounts();
    expect(counts.take(r(0, 1, 500, 40, 38))).toBeNull();
    expect(counts.take(r(1, 1, 501, 40, 38))).toBeNull();
    expect(counts.take(r(1.3, 1, 502, 42, 39))).toEqual({
      at: T0 + 1300,
      door: 1,
      in: 2,
      out: 1,
      quality: 'ok',
    });
    expect(counts.stats).toEqual({
      readings: 3,
      events: 1,
      gaps: 0,
      resets: 0,
      duplicates: 0,
      out_of_order: 0,
      implausible: 0,
    });
  });

  it('counts the totals of a first reading flagged poweredUp: people since power-up', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [r(0, 1, 0, 0, 0, PU), r(1, 1, 1, 1, 0, PU), r(2, 1, 2, 1, 0, PU)]),
    ).toEqual([{ door: 1, in: 1, out: 0, quality: 'ok' }]);
    // Lines since power-up missed: everyone is still counted, uncertain.
    const late = new DoorCounts();
    expect(events(late, [r(5, 1, 6, 3, 1, PU)])).toEqual([
      { door: 1, in: 3, out: 1, quality: 'uncertain' },
    ]);
    expect(late.stats).toMatchObject({ gaps: 1, resets: 0 });
  });

  it('counts across the wrap of the totals, 65535 -> 0', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [
        r(0, 1, 4711, 65535, 65529),
        r(1, 1, 4712, 0, 65529),
        r(2, 1, 4713, 2, 65535),
        r(3, 1, 4714, 2, 3),
      ]),
    ).toEqual([
      { door: 1, in: 1, out: 0, quality: 'ok' },
      { door: 1, in: 2, out: 6, quality: 'ok' },
      { door: 1, in: 0, out: 4, quality: 'ok' },
    ]);
    expect(counts.stats.resets).toBe(0);
  });

  it('counts across the wrap of seq, 65535 -> 0, without a gap', () => {
    const counts = new DoorCounts();
    expect(events(counts, [r(0, 1, 65535, 10, 0), r(1, 1, 0, 11, 0)])).toEqual([
      { door: 1, in: 1, out: 0, quality: 'ok' },
    ]);
    expect(counts.stats.gaps).toBe(0);
  });

  it('ignores a duplicate line, and counts it', () => {
    const counts = new DoorCounts();
    const line = r(1, 1, 11, 5, 2);
    expect(events(counts, [r(0, 1, 10, 4, 2), line, { ...line, at: line.at + 5 }])).toEqual([
      { door: 1, in: 1, out: 0, quality: 'ok' },
    ]);
    expect(counts.stats.duplicates).toBe(1);
  });

  it('ignores a late line (seq behind, totals not ahead): its people are in the totals', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [
        r(0, 1, 10, 5, 0),
        r(2, 1, 12, 7, 1),
        r(2.1, 1, 11, 6, 0),
        r(3, 1, 13, 7, 1),
      ]),
    ).toEqual([{ door: 1, in: 2, out: 1, quality: 'uncertain' }]);
    expect(counts.stats).toMatchObject({ out_of_order: 1, gaps: 1, duplicates: 0 });
  });

  it('counts everyone after a gap in seq, as uncertain', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [r(0, 1, 5000, 40, 38), r(3, 1, 5003, 43, 38), r(4, 1, 5004, 44, 38)]),
    ).toEqual([
      { door: 1, in: 3, out: 0, quality: 'uncertain' },
      { door: 1, in: 1, out: 0, quality: 'ok' },
    ]);
    expect(counts.stats.gaps).toBe(1);
  });

  it('takes poweredUp appearing as a reset: the new totals count from 0, uncertain', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [
        // Totals lower than the new ones: only the flag tells the reset.
        r(0, 1, 5003, 1, 0),
        r(60, 1, 2, 2, 1, PU),
        r(61, 1, 3, 3, 1, PU),
        r(70, 1, 10, 3, 1),
        r(71, 1, 11, 4, 1),
      ]),
    ).toEqual([
      { door: 1, in: 2, out: 1, quality: 'uncertain' },
      { door: 1, in: 1, out: 0, quality: 'ok' },
      { door: 1, in: 1, out: 0, quality: 'ok' },
    ]);
    expect(counts.stats).toMatchObject({ resets: 1, gaps: 1 });
  });

  it('takes poweredUp at seq 0 with nobody yet as a reset without an event', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [r(0, 1, 5003, 43, 38), r(5, 1, 0, 0, 0, PU), r(6, 1, 1, 1, 0, PU)]),
    ).toEqual([{ door: 1, in: 1, out: 0, quality: 'ok' }]);
    expect(counts.stats.resets).toBe(1);
  });

  it('takes a poweredUp line arriving just after the first unflagged one as late, not a reset', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [r(8, 1, 8, 1, 0, PU), r(10, 1, 10, 2, 0), r(10.1, 1, 9, 1, 0, PU)]),
    ).toEqual([
      { door: 1, in: 1, out: 0, quality: 'uncertain' },
      { door: 1, in: 1, out: 0, quality: 'uncertain' },
    ]);
    expect(counts.stats).toMatchObject({ out_of_order: 1, resets: 0 });
  });

  it('takes totals going down without poweredUp as a reset, never as negative people', () => {
    const counts = new DoorCounts();
    expect(events(counts, [r(0, 1, 800, 120, 110), r(9, 1, 30, 4, 2)])).toEqual([
      { door: 1, in: 4, out: 2, quality: 'uncertain' },
    ]);
    // One fewer after a restart of seq is a reset too, not 65535 people.
    expect(events(counts, [r(10, 1, 0, 3, 2)])).toEqual([
      { door: 1, in: 3, out: 2, quality: 'uncertain' },
    ]);
    expect(counts.stats.resets).toBe(2);
  });

  it('takes a total going back while seq runs on as a glitch: a new baseline, nobody counted', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [r(0, 1, 10, 120, 110), r(1, 1, 11, 119, 110), r(2, 1, 12, 120, 111)]),
    ).toEqual([{ door: 1, in: 1, out: 1, quality: 'ok' }]);
    expect(counts.stats).toMatchObject({ implausible: 1, resets: 0 });
  });

  it('finds a second reset within the power-up window from the totals going down', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [
        r(0, 1, 0, 0, 0, PU),
        r(9, 1, 9, 3, 0, PU),
        r(10, 1, 0, 0, 0, PU),
        r(11, 1, 1, 1, 0, PU),
      ]),
    ).toEqual([
      { door: 1, in: 3, out: 0, quality: 'uncertain' },
      { door: 1, in: 1, out: 0, quality: 'ok' },
    ]);
    expect(counts.stats).toMatchObject({ resets: 1, gaps: 1 });
  });

  it('takes an implausible jump as a new baseline, counting nobody', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [r(0, 1, 1, 10, 10), r(1, 1, 2, 5000, 10), r(2, 1, 3, 5001, 10)]),
    ).toEqual([{ door: 1, in: 1, out: 0, quality: 'ok' }]);
    expect(counts.stats).toMatchObject({ implausible: 1, resets: 0 });
  });

  it('does not count large totals after a reset as people since power-up', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [r(0, 1, 900, 5000, 4000), r(1, 1, 40, 3000, 2000), r(2, 1, 41, 3001, 2000)]),
    ).toEqual([{ door: 1, in: 1, out: 0, quality: 'ok' }]);
    expect(counts.stats).toMatchObject({ implausible: 1, resets: 1 });
    const first = new DoorCounts();
    expect(events(first, [r(0, 1, 5, 2000, 0, PU)])).toEqual([]);
    expect(first.stats.implausible).toBe(1);
  });

  it('takes maxJump from the options', () => {
    const counts = new DoorCounts({ maxJump: 50 });
    expect(events(counts, [r(0, 1, 1, 0, 0), r(1, 1, 2, 50, 0), r(2, 1, 3, 111, 0)])).toEqual([
      { door: 1, in: 50, out: 0, quality: 'ok' },
    ]);
    expect(counts.stats.implausible).toBe(1);
    expect(() => new DoorCounts({ maxJump: 0 })).toThrow(RangeError);
    expect(() => new DoorCounts({ reorderWindow: 40_000 })).toThrow(RangeError);
  });

  it('marks as uncertain the people counted while a flag was set, before or after', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [
        r(0, 1, 1, 0, 0),
        r(1, 1, 2, 1, 0, { blocked: true }),
        r(2, 1, 3, 2, 0),
        r(3, 1, 4, 3, 0),
        r(4, 1, 5, 4, 0, { tamper: true }),
        r(5, 1, 6, 4, 0),
        r(6, 1, 7, 5, 0, { lowSignal: true }),
      ]).map((e) => e.quality),
    ).toEqual(['uncertain', 'uncertain', 'ok', 'uncertain', 'uncertain']);
  });

  it('keeps each door apart', () => {
    const counts = new DoorCounts();
    expect(
      events(counts, [
        r(0, 1, 100, 10, 10),
        r(0, 2, 70, 500, 400),
        r(1, 1, 101, 11, 10),
        r(1, 2, 71, 500, 402),
        r(2, 2, 0, 0, 0, PU),
        r(2, 1, 102, 12, 10),
      ]),
    ).toEqual([
      { door: 1, in: 1, out: 0, quality: 'ok' },
      { door: 2, in: 0, out: 2, quality: 'ok' },
      { door: 1, in: 1, out: 0, quality: 'ok' },
    ]);
    expect(counts.stats).toMatchObject({ resets: 1, gaps: 0 });
  });

  it('gives each door the time of its last reading and since when it is blocked', () => {
    const counts = new DoorCounts();
    counts.take(r(0, 2, 1, 0, 0));
    counts.take(r(1, 2, 2, 0, 0, { blocked: true }));
    counts.take(r(2, 2, 3, 0, 0, { blocked: true }));
    counts.take(r(3, 2, 2, 0, 0)); // a late line does not end the run
    counts.take(r(4, 2, 3, 0, 0, { blocked: true })); // a duplicate is still a sign of life
    counts.take(r(4, 1, 9, 0, 0, { tamper: true }));
    expect(counts.health()).toEqual([
      {
        door: 1,
        lastReadingAt: T0 + 4000,
        blockedSince: null,
        flags: { ...NO_FLAGS, tamper: true },
      },
      {
        door: 2,
        lastReadingAt: T0 + 4000,
        blockedSince: T0 + 1000,
        flags: { ...NO_FLAGS, blocked: true },
      },
    ]);
    counts.take(r(5, 2, 4, 1, 0));
    expect(counts.health()[1]).toMatchObject({ lastReadingAt: T0 + 5000, blockedSince: null });
    counts.take(r(6, 2, 5, 1, 0, { blocked: true }));
    expect(counts.health()[1]?.blockedSince).toBe(T0 + 6000);
  });

  it('resumes from a JSON snapshot without counting anyone again', () => {
    const before = new DoorCounts();
    const seen = [r(0, 1, 10, 5, 5), r(1, 1, 11, 7, 5), r(1, 2, 3, 1, 0, { ...PU, blocked: true })];
    events(before, seen);
    const snapshot = JSON.parse(JSON.stringify(before.snapshot())) as unknown;
    expect(doorCountsSnapshotProblems(snapshot)).toEqual([]);
    expect(snapshot).toEqual(before.snapshot());
    const after = new DoorCounts({}, before.snapshot());
    expect(after.health()).toEqual(before.health());
    expect(events(after, seen)).toEqual([]);
    // People who came meanwhile are counted once, with the next reading.
    expect(events(after, [r(30, 1, 40, 9, 6)])).toEqual([
      { door: 1, in: 2, out: 1, quality: 'uncertain' },
    ]);
    // The snapshot is a copy: taking readings afterwards changes neither it nor the other one.
    const kept = before.snapshot();
    before.take(r(40, 1, 12, 8, 5));
    expect(kept.doors[0]).toMatchObject({ seq: 11, inTotal: 7 });
    expect(after.snapshot().doors[0]).toMatchObject({ seq: 40, inTotal: 9 });
  });

  it('says why a value is not a snapshot', () => {
    const door = {
      door: 1,
      seq: 1,
      inTotal: 2,
      outTotal: 3,
      flags: NO_FLAGS,
      lastReadingAt: T0,
      blockedSince: null,
    };
    expect(doorCountsSnapshotProblems({ doors: [door] })).toEqual([]);
    expect(doorCountsSnapshotProblems(null)).toEqual(['snapshot: expected an object { doors }']);
    expect(doorCountsSnapshotProblems({ doors: {} })).toEqual(['doors: expected an array']);
    expect(
      doorCountsSnapshotProblems({
        doors: [
          { ...door, seq: 65536 },
          { ...door, flags: { ...NO_FLAGS, poweredUp: 'yes' } },
          { ...door, door: 17, blockedSince: -1 },
          7,
        ],
      }),
    ).toEqual([
      'doors.0.seq: expected an integer 0..65535',
      'doors.1.door: door 1 twice',
      'doors.1.flags.poweredUp: expected a boolean',
      'doors.2.door: expected an integer 1..16',
      'doors.2.blockedSince: expected a time in ms or null',
      'doors.3: expected an object',
    ]);
  });
});
