// A serial port opens wherever the receiver is in its cycle. Read from each of the first lines of
// every gpsd regression log, the first epoch that has a time says fix whenever reading the whole
// log says fix at that time: no sentence of another cycle spoils it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NmeaReader } from '../src/sources/nmea/reader.js';

const LOGS = path.resolve(import.meta.dirname, '../../../shared/fixtures/gnss/gpsd-logs');
/** How many opening points of each log are tried (a few cycles' worth of lines). */
const OPENINGS = 200;

/**
 * Openings known to give `none` where the whole log gives a fix, and why. Quectel, lines
 * 126-131: the fix is lost two cycles later, and opened there, before the end of its cycle has
 * been learnt, the next cycle's VTG and GSA (which carry no time, and say no fix) join the last
 * fixed epoch. Within one epoch a GSA saying no fix must win over GGA, so they cannot be told
 * apart from a sentence of the next cycle.
 */
const KNOWN: Readonly<Record<string, readonly number[]>> = {
  'quectel.log': [125, 126, 127, 128, 129, 130],
};

function modesByTime(text: string): Map<number, string> {
  const modes = new Map<number, string>();
  for (const fix of new NmeaReader().push(Buffer.from(text, 'latin1'))) {
    if (fix.time !== null) modes.set(fix.time, fix.mode);
  }
  return modes;
}

describe('NmeaReader opened mid-cycle, on real receiver logs', () => {
  const logs = readdirSync(LOGS).filter((name) => name.endsWith('.log'));

  it('has the logs', () => {
    expect(logs.length).toBeGreaterThan(80);
  });

  for (const name of logs) {
    it(`${name}: the first timed epoch keeps its fix, whatever line the port opens at`, () => {
      const lines = readFileSync(path.join(LOGS, name), 'latin1').split('\n');
      const whole = modesByTime(lines.join('\n'));
      const spoilt: number[] = [];
      for (let start = 1; start < Math.min(OPENINGS, lines.length); start++) {
        const fixes = new NmeaReader().push(Buffer.from(lines.slice(start).join('\n'), 'latin1'));
        const first = fixes.find((fix) => fix.time !== null);
        if (first?.time == null) continue;
        const expected = whole.get(first.time);
        if (expected !== undefined && expected !== 'none' && first.mode === 'none') {
          spoilt.push(start);
        }
      }
      expect(spoilt).toEqual(KNOWN[name] ?? []);
    });
  }
});
