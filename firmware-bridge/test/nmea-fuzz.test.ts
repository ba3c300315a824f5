// Fuzzing of the NMEA reader: random bytes and mutated real sentences, in random chunks; the
// reader never throws and every fix it gives is well-formed. Seeded, so failures reproduce.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fix } from '../src/domain/fix.js';
import { seededRandom } from '../src/domain/seeded-random.js';
import { withChecksum } from '../src/sources/nmea/encode.js';
import { NmeaReader } from '../src/sources/nmea/reader.js';
import { parseNmeaSentence, type SentenceResult } from '../src/sources/nmea/sentence.js';

const LOGS = path.resolve(import.meta.dirname, '../..', '../shared/fixtures/gnss/gpsd-logs');
const SEED = 20_240_517;

type Random = ReturnType<typeof seededRandom>;

function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[int(random, items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

/** Characters that matter to NMEA, and some that must never matter. */
const SPECIAL = ['$', '!', '*', ',', '.', '-', '\r', '\n', '\u0000', '\u00ff', 'é', '#', ' ', '9'];

/** One random edit of a sentence line (without its CR LF). */
function mutate(random: Random, line: string): string {
  const at = int(random, line.length + 1);
  const char = random() < 0.5 ? pick(random, SPECIAL) : String.fromCharCode(int(random, 256));
  switch (int(random, 8)) {
    case 7: {
      // another digit: a plausible sentence with values out of range
      const digits = [...line.matchAll(/\d/g)];
      const digit = digits.length > 0 ? pick(random, digits).index : at;
      return line.slice(0, digit) + String(int(random, 10)) + line.slice(digit + 1);
    }
    case 0: // flip a byte
      return line.slice(0, at) + char + line.slice(at + 1);
    case 1: // delete a byte
      return line.slice(0, at) + line.slice(at + 1);
    case 2: // insert a byte
      return line.slice(0, at) + char + line.slice(at);
    case 3: // truncate
      return line.slice(0, at);
    case 4: // a huge field of digits
      return `${line.slice(0, at)}${'9'.repeat(50 + int(random, 5000))}.${line.slice(at)}`;
    case 5: // drop a field
      return line.replace(/,[^,]*/, '');
    default: // duplicate the fields
      return line + line.slice(line.indexOf(','));
  }
}

/** Re-checksums most mutated sentences, so that mutations reach field parsing. */
function maybeRechecksum(random: Random, line: string): string {
  const star = line.lastIndexOf('*');
  if (random() < 0.3 || !line.startsWith('$') || star < 0) return line;
  return withChecksum(line.slice(1, star)).trimEnd();
}

function isFiniteOrNull(value: number | null): boolean {
  return value === null || Number.isFinite(value);
}

/** Every field of a fix is in its domain; returns the broken ones. */
function malformedFields(fix: Fix): string[] {
  const bad: string[] = [];
  const check = (name: string, ok: boolean) => {
    if (!ok) bad.push(`${name}=${String(fix[name as keyof Fix])}`);
  };
  check('time', fix.time === null || Number.isSafeInteger(fix.time));
  check('mode', ['none', '2d', '3d'].includes(fix.mode));
  check('lat', fix.lat === null || (Number.isFinite(fix.lat) && Math.abs(fix.lat) <= 90));
  check('lon', fix.lon === null || (Number.isFinite(fix.lon) && Math.abs(fix.lon) <= 180));
  check('lat', (fix.mode === 'none') === (fix.lat === null || fix.lon === null));
  check('alt', isFiniteOrNull(fix.alt));
  check('speed', fix.speed === null || (Number.isFinite(fix.speed) && fix.speed >= 0));
  check('track', fix.track === null || (fix.track >= 0 && fix.track < 360));
  for (const dop of ['hdop', 'vdop', 'pdop'] as const) {
    const value = fix[dop];
    check(dop, value === null || (Number.isFinite(value) && value >= 0 && value < 99));
  }
  check('eph', fix.eph === null);
  for (const count of ['satellitesUsed', 'satellitesVisible'] as const) {
    const value = fix[count];
    check(count, value === null || (Number.isSafeInteger(value) && value >= 0));
  }
  return bad;
}

/** The decoded values of a sentence are in their domains; returns the broken ones. */
function malformedSentenceFields(result: SentenceResult): string[] {
  const ranges: Record<string, [number, number]> = {
    time: [0, 86_401_000],
    lat: [-90, 90],
    lon: [-180, 180],
    speed: [0, Number.MAX_VALUE],
    track: [0, 359.999_999],
    hdop: [0, 99],
    pdop: [0, 99],
    vdop: [0, 99],
  };
  const bad: string[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (typeof value !== 'number') continue;
    const [min, max] = ranges[key] ?? [-Number.MAX_VALUE, Number.MAX_VALUE];
    if (!(value >= min && value <= max)) bad.push(`${key}=${String(value)}`);
  }
  return bad;
}

/** Feeds the bytes in random chunks, as bytes or as text; returns the fixes. */
function feed(random: Random, reader: NmeaReader, bytes: Buffer): Fix[] {
  const fixes: Fix[] = [];
  let i = 0;
  while (i < bytes.length) {
    const size = 1 + int(random, random() < 0.2 ? 4000 : 80);
    const chunk = bytes.subarray(i, i + size);
    fixes.push(...reader.push(random() < 0.2 ? chunk.toString('latin1') : chunk));
    i += size;
  }
  fixes.push(...reader.flush());
  return fixes;
}

const sentences = readdirSync(LOGS)
  .filter((name) => name.endsWith('.log'))
  .sort()
  .flatMap((name) => readFileSync(path.join(LOGS, name), 'latin1').split(/\r?\n/))
  .filter((line) => line.startsWith('$'));

describe('NmeaReader under fuzzing', () => {
  it('has real sentences to mutate', () => {
    expect(sentences.length).toBeGreaterThan(20_000);
  });

  it('survives random bytes in random chunks, and gives only well-formed fixes', () => {
    const random = seededRandom(SEED);
    for (let round = 0; round < 1000; round++) {
      const reader = new NmeaReader();
      const bytes = Buffer.alloc(1 + int(random, 2000));
      for (let i = 0; i < bytes.length; i++) {
        bytes[i] = random() < 0.1 ? pick(random, [36, 42, 44, 13, 10]) : int(random, 256);
      }
      const fixes = feed(random, reader, bytes);
      for (const fix of fixes) expect(malformedFields(fix), `round ${String(round)}`).toEqual([]);
      expect(reader.stats.fixes).toBe(fixes.length);
    }
  });

  it('survives mutated real sentences in random chunks, and gives only well-formed fixes', () => {
    const random = seededRandom(SEED + 1);
    let fixesSeen = 0;
    for (let round = 0; round < 2000; round++) {
      const start = int(random, sentences.length - 40);
      const lines = sentences.slice(start, start + 5 + int(random, 35)).map((line) => {
        if (random() > 0.3) return line;
        let mutated = line;
        for (let n = 1 + int(random, 3); n > 0; n--) mutated = mutate(random, mutated);
        return maybeRechecksum(random, mutated);
      });
      for (const line of lines) {
        expect(malformedSentenceFields(parseNmeaSentence(line)), line).toEqual([]);
      }
      const reader = new NmeaReader();
      const fixes = feed(random, reader, Buffer.from(lines.join('\r\n'), 'latin1'));
      fixesSeen += fixes.length;
      for (const fix of fixes) {
        expect(malformedFields(fix), `round ${String(round)}: ${lines.join(' | ')}`).toEqual([]);
      }
      const { rejected, accepted, checksumValid } = reader.stats;
      expect(checksumValid).toBeGreaterThanOrEqual(accepted);
      for (const count of Object.values(rejected)) expect(count).toBeGreaterThanOrEqual(0);
    }
    // The mutations leave most sentences intact: fixes do come out.
    expect(fixesSeen).toBeGreaterThan(1000);
  });
});
