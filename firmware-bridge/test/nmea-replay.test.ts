// The replay source on real fixture logs: the same fixes as the reader gives, in order.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fix } from '../src/domain/fix.js';
import { NmeaReader } from '../src/sources/nmea/reader.js';
import { NmeaReplaySource } from '../src/sources/nmea-replay.js';
import type { GnssState } from '../src/sources/position-source.js';

const LOGS = path.resolve(import.meta.dirname, '../../../shared/fixtures/gnss/gpsd-logs');

describe('NmeaReplaySource', () => {
  it('replays a receiver log, paced by its own times, into the same fixes the reader gives', async () => {
    const file = path.join(LOGS, 'bu353-glonass.log');
    const reader = new NmeaReader();
    const expected = [...reader.push(readFileSync(file)), ...reader.flush()];
    const fixes: Fix[] = [];
    const states: GnssState[] = [];
    await new Promise<void>((resolve) => {
      const source = new NmeaReplaySource({
        file,
        speed: 1000,
        onFix: (fix) => fixes.push(fix),
        onState: (state) => {
          states.push(state);
          if (state === 'no_device' && fixes.length > 0) resolve();
        },
      });
      source.start();
    });
    expect(fixes).toEqual(expected);
    expect(states[0]).toBe('no_device');
    expect(states).toContain('fix_3d');
    expect(states.at(-1)).toBe('no_device'); // the log is over
  });
});
