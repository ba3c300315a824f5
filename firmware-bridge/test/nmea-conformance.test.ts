// NmeaReader against gpsd's own decoding of the gpsd regression logs: every NAME.log is read and
// each epoch compared with the TPV reports in NAME.log.chk (time, lat, lon, speed, track).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fix } from '../src/domain/fix.js';
import { NmeaReader } from '../src/sources/nmea/reader.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const LOGS = path.resolve(REPO_ROOT, '../shared/fixtures/gnss/gpsd-logs');
const DAY_MS = 86_400_000;
const GPS_WEEK_ROLLOVER_MS = 1024 * 7 * DAY_MS;
/** Degrees: the brief's tolerance. */
const POSITION_TOLERANCE = 1e-6;
/** gpsd prints speed in m/s with 3 decimals and track with 4. */
const SPEED_TOLERANCE = 0.001;
const TRACK_TOLERANCE = 0.001;

type Difference =
  'missing fix' | 'fix where gpsd has none' | 'position' | 'speed' | 'track' | 'time';

/**
 * Logs whose decoding differs from gpsd's for a known reason, and how. The test checks that
 * exactly these differences occur, so it fails if a log starts matching or differs otherwise.
 */
const KNOWN_DIFFERENCES: Readonly<
  Record<string, { readonly differs: readonly string[]; readonly reason: string }>
> = {
  'bundg_zeus_9.log': {
    differs: ['position', 'speed', 'track'],
    reason:
      'the B&G Zeus2 chart plotter stamps its GGA with the previous second (the GGA of T carries ' +
      "the GLL/RMC position of T+1), so one time of day holds two positions; gpsd's report of T " +
      'and ours keep different ones; gpsd also reports e.g. at 09:48:17 speed 0 and no track ' +
      'where RMC and VTG say 5.7 knots, 238.1 degrees',
  },
  'hemi.log': {
    differs: ['fix where gpsd has none'],
    reason:
      'the Hemisphere sends GGA quality 1 with 00 satellites used; gpsd reads fewer than 3 ' +
      'satellites as no fix, we trust the quality flag (Furuno, Garmin 25LP, Haicom 305N send 00 ' +
      'with good fixes too)',
  },
  'rst39.log': {
    differs: ['time +1024 weeks'],
    reason:
      "gpsd moves the receiver's date 2014-02-19 forward by one GPS week rollover (1024 weeks) " +
      "to 2033-10-05; we report the receiver's date as it is, the fix filter judges it",
  },
};

/** gpsd's TPV report, the fields compared. */
interface Tpv {
  readonly mode: number;
  readonly time?: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly speed?: number;
  readonly track?: number;
}

/** hhmmss[.sss] -> ms since midnight, or null. */
function timeOfDay(field: string | undefined): number | null {
  if (field === undefined || !/^\d{6}(\.\d+)?$/.test(field)) return null;
  const hms = Number(field.slice(0, 2)) * 3600 + Number(field.slice(2, 4)) * 60;
  return (hms + Number(field.slice(4, 6))) * 1000 + Math.round(Number(`0${field.slice(6)}`) * 1000);
}

/** Time of day of an NMEA line of a type that carries one. */
function sentenceTime(line: string): number | null {
  const fields = line.split(',');
  const type = fields[0]?.slice(3);
  if (type === 'RMC' || type === 'GGA' || type === 'GNS' || type === 'ZDA') {
    return timeOfDay(fields[1]);
  }
  return type === 'GLL' ? timeOfDay(fields[5]?.split('*')[0]) : null;
}

/**
 * gpsd's decoding, one report per epoch: .chk files interleave each NMEA line gpsd read with the
 * reports it made after it. The epoch is the time of day of the last sentence carrying one (gpsd
 * itself has no date before an RMC or ZDA), its report the last TPV of that epoch. Reports after
 * proprietary sentences are left out: gpsd decodes positions from some we do not read
 * ($PERC,GPavp, an averaged position). `noFix` holds the epochs where gpsd said "no fix" right
 * after one of their timed sentences.
 */
function gpsdEpochs(chk: string): { reports: Map<number, Tpv>; noFix: Set<number> } {
  const reports = new Map<number, Tpv>();
  const noFix = new Set<number>();
  let epoch: number | null = null;
  let afterStandard = false;
  let afterTimed = false;
  for (const line of chk.split('\n')) {
    if (line.startsWith('{"class":"TPV"')) {
      if (!afterStandard || epoch === null) continue;
      const tpv = JSON.parse(line) as Tpv;
      reports.set(epoch, tpv);
      if (afterTimed && tpv.mode < 2) noFix.add(epoch);
    } else if (!line.startsWith('{')) {
      afterStandard = line.startsWith('$') && !line.startsWith('$P');
      const time = afterStandard ? sentenceTime(line) : null;
      afterTimed = time !== null;
      if (time !== null) epoch = time;
    }
  }
  return { reports, noFix };
}

function readLog(bytes: Buffer): Fix[] {
  const reader = new NmeaReader();
  const fixes: Fix[] = [];
  // In chunks that split lines anywhere, as a serial port delivers them.
  for (let i = 0; i < bytes.length; i += 100)
    fixes.push(...reader.push(bytes.subarray(i, i + 100)));
  fixes.push(...reader.flush());
  return fixes;
}

function near(a: number | null, b: number | undefined, tolerance: number): boolean {
  return a !== null && b !== undefined && Math.abs(a - b) <= tolerance;
}

function nearAngle(a: number | null, b: number | undefined, tolerance: number): boolean {
  if (a === null || b === undefined) return false;
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d) <= tolerance;
}

interface Comparison {
  readonly compared: number;
  /** Epochs whose speed, and whose track, were compared (the receiver gave one). */
  readonly speeds: number;
  readonly tracks: number;
  /** Each kind of difference found, with one example. */
  readonly differences: ReadonlyMap<string, string>;
}

function compareLog(name: string): Comparison {
  const fixes = readLog(readFileSync(path.join(LOGS, name)));
  const { reports, noFix } = gpsdEpochs(readFileSync(path.join(LOGS, `${name}.chk`), 'latin1'));
  const ours = new Map<number, Fix>();
  for (const fix of fixes) {
    if (fix.time === null) continue;
    const epoch = ((fix.time % DAY_MS) + DAY_MS) % DAY_MS;
    if (fix.mode !== 'none' || !ours.has(epoch)) ours.set(epoch, fix);
  }
  const differences = new Map<string, string>();
  const differ = (kind: Difference | 'time +1024 weeks', example: string) => {
    if (!differences.has(kind)) differences.set(kind, example);
  };
  let compared = 0;
  let speeds = 0;
  let tracks = 0;
  for (const [epoch, tpv] of reports) {
    const at = new Date(epoch).toISOString().slice(11, 23);
    const fix = ours.get(epoch);
    if (tpv.mode < 2 || tpv.lat === undefined || tpv.lon === undefined) {
      if (fix && fix.mode !== 'none' && noFix.has(epoch)) differ('fix where gpsd has none', at);
      continue;
    }
    compared++;
    if (tpv.time === undefined) {
      // gpsd had no date yet; we may have one from later in the epoch: compare the position.
      const same = fixes.some(
        (f) => near(f.lat, tpv.lat, POSITION_TOLERANCE) && near(f.lon, tpv.lon, POSITION_TOLERANCE),
      );
      if (!same) differ('missing fix', `${at} (gpsd without date) ${String(tpv.lat)}`);
      continue;
    }
    if (!fix || fix.mode === 'none') {
      differ('missing fix', tpv.time);
      continue;
    }
    const offset = Date.parse(tpv.time) - (fix.time ?? Number.NaN);
    if (offset === GPS_WEEK_ROLLOVER_MS) differ('time +1024 weeks', tpv.time);
    else if (offset !== 0) differ('time', `${tpv.time} vs ${String(fix.time)}`);
    if (
      !near(fix.lat, tpv.lat, POSITION_TOLERANCE) ||
      !near(fix.lon, tpv.lon, POSITION_TOLERANCE)
    ) {
      differ('position', `${tpv.time}: ${String(fix.lat)},${String(fix.lon)}`);
    }
    // Without a speed or track in the epoch's sentences gpsd derives them from successive
    // positions; only what the receiver said is compared.
    if (fix.speed !== null) speeds++;
    if (fix.track !== null) tracks++;
    if (fix.speed !== null && !near(fix.speed, tpv.speed, SPEED_TOLERANCE)) {
      differ('speed', `${tpv.time}: ${String(fix.speed)} vs ${String(tpv.speed)}`);
    }
    if (fix.track !== null && !nearAngle(fix.track, tpv.track, TRACK_TOLERANCE)) {
      differ('track', `${tpv.time}: ${String(fix.track)} vs ${String(tpv.track)}`);
    }
  }
  return { compared, speeds, tracks, differences };
}

const comparisons = new Map<string, Comparison>();

/** Each log is read once, by whichever test needs it first. */
function comparison(name: string): Comparison {
  let result = comparisons.get(name);
  if (!result) {
    result = compareLog(name);
    comparisons.set(name, result);
  }
  return result;
}

const names = readdirSync(LOGS)
  .filter((name) => name.endsWith('.log'))
  .sort();

describe('NmeaReader against gpsd on the gpsd regression logs', () => {
  for (const name of names) {
    const known = KNOWN_DIFFERENCES[name];
    if (known) {
      it(`${name}: differs from gpsd only as listed (${known.reason})`, () => {
        const { differences } = comparison(name);
        expect([...differences.keys()].sort()).toEqual([...known.differs].sort());
      });
    } else {
      it(`${name}: agrees with gpsd`, () => {
        expect(Object.fromEntries(comparison(name).differences)).toEqual({});
      });
    }
  }

  it('lists only logs that exist', () => {
    for (const name of Object.keys(KNOWN_DIFFERENCES)) expect(names).toContain(name);
  });

  it('compares well over a thousand gpsd fixes over the corpus', () => {
    expect(names.length).toBeGreaterThan(80);
    const total = names.reduce((sum, name) => sum + comparison(name).compared, 0);
    expect(total).toBeGreaterThan(1500);
    // Speed and track are compared where the receiver gave them: most epochs, not none.
    const sum = (key: 'speeds' | 'tracks') =>
      names.reduce((count, name) => count + comparison(name)[key], 0);
    expect(sum('speeds')).toBeGreaterThan(1500);
    expect(sum('tracks')).toBeGreaterThan(1000);
  });
});
