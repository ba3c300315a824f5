import { describe, expect, it } from 'vitest';
import { EMPTY_FIX, type Fix } from '../../domain/fix.js';
import { encodeFix, withChecksum } from './encode.js';
import { NmeaReader } from './reader.js';
import { parseNmeaSentence } from './sentence.js';

const FIX: Fix = {
  ...EMPTY_FIX,
  time: Date.UTC(2024, 4, 17, 9, 30, 15, 250),
  mode: '3d',
  lat: 45.835424,
  lon: 1.262069,
  alt: 301.4,
  speed: 12.5,
  track: 271.25,
  hdop: 0.9,
  vdop: 1.2,
  pdop: 1.5,
  satellitesUsed: 9,
};

/** Encodes the fixes as one stream and reads them back. */
function roundTrip(fixes: readonly Fix[]): Fix[] {
  const reader = new NmeaReader();
  const text = fixes.flatMap((fix) => encodeFix(fix)).join('');
  return [...reader.push(text), ...reader.flush()];
}

function expectClose(actual: Fix | undefined, expected: Fix): void {
  expect(actual).toBeDefined();
  if (!actual) return;
  expect(actual.time).toBe(expected.time);
  expect(actual.mode).toBe(expected.mode);
  const within = (a: number | null, b: number | null, tolerance: number) => {
    if (b === null) expect(a).toBeNull();
    else expect(Math.abs((a ?? Number.NaN) - b)).toBeLessThanOrEqual(tolerance);
  };
  within(actual.lat, expected.lat, 1e-5 / 60 / 2);
  within(actual.lon, expected.lon, 1e-5 / 60 / 2);
  within(actual.alt, expected.alt, 0.05);
  within(actual.speed, expected.speed, (0.001 / 2) * (1852 / 3600));
  within(actual.track, expected.track, 0.005);
  within(actual.hdop, expected.hdop, 0.05);
  within(actual.pdop, expected.pdop, 0.05);
  within(actual.vdop, expected.vdop, 0.05);
  expect(actual.satellitesUsed).toBe(expected.satellitesUsed);
}

describe('encodeFix', () => {
  it('computes the checksum receivers compute', () => {
    expect(withChecksum('GPGSA,A,3,03,07,08,11,13,16,19,23,24,28,,,3.6,2.0,3.0')).toBe(
      '$GPGSA,A,3,03,07,08,11,13,16,19,23,24,28,,,3.6,2.0,3.0*3A\r\n',
    );
  });

  it('writes RMC, GGA, GSA and VTG, GP by default, within 82 characters each', () => {
    const lines = encodeFix(FIX);
    expect(lines.map((l) => l.slice(0, 6))).toEqual(['$GPRMC', '$GPGGA', '$GPGSA', '$GPVTG']);
    expect(lines[0]).toBe(
      '$GPRMC,093015.250,A,4550.12544,N,00115.72414,E,24.298,271.25,170524,,,A*67\r\n',
    );
    for (const l of lines) {
      expect(l.endsWith('\r\n')).toBe(true);
      expect(l.length).toBeLessThanOrEqual(82);
      expect(parseNmeaSentence(l).type).toBe(l.slice(3, 6));
    }
    expect(encodeFix(FIX, { talker: 'GN' }).every((l) => l.startsWith('$GN'))).toBe(true);
  });

  it('gives back the fix through the reader, within the precision of the format', () => {
    const fixes: Fix[] = [
      FIX,
      { ...FIX, time: FIX.time === null ? null : FIX.time + 1000, lat: -33.8688, lon: -151.2093 },
      { ...FIX, time: Date.UTC(2024, 4, 17, 9, 30, 17), mode: '2d', alt: null, vdop: null },
      { ...FIX, time: Date.UTC(2024, 4, 17, 9, 30, 18), lat: 89.9999999999, lon: 179.9999999 },
      { ...FIX, time: Date.UTC(2024, 4, 17, 9, 30, 19), lat: 0, lon: -0.0000001, speed: 0 },
    ];
    const read = roundTrip(fixes);
    expect(read).toHaveLength(fixes.length);
    fixes.forEach((fix, i) => {
      expectClose(read[i], fix);
    });
  });

  it('carries 59.999999 minutes into the next degree', () => {
    const [line] = encodeFix({ ...FIX, lat: 47 + 59.9999999 / 60 });
    expect(line).toContain(',4800.00000,N,');
  });

  it('sends a fix of mode none as a receiver without a fix does', () => {
    const lines = encodeFix({ ...FIX, mode: 'none' });
    expect(lines[0]).toMatch(/^\$GPRMC,093015\.250,V,,,,,,,170524,,,N\*/);
    expect(lines[1]).toMatch(/^\$GPGGA,093015\.250,,,,,0,/);
    expect(lines[2]).toMatch(/^\$GPGSA,A,1,/);
    expect(lines[3]).toMatch(/^\$GPVTG,,T,,M,,N,,K,N\*/);
    const [read] = roundTrip([{ ...FIX, mode: 'none' }]);
    expect(read).toMatchObject({ mode: 'none', lat: null, time: FIX.time });
  });

  it('leaves time and date empty for a fix without time', () => {
    const [rmc] = encodeFix({ ...FIX, time: null });
    expect(rmc).toMatch(/^\$GPRMC,,A,4550\.12544,N,00115\.72414,E,24\.298,271\.25,,,,A\*/);
    expect(roundTrip([{ ...FIX, time: null }])[0]).toMatchObject({ time: null, mode: '3d' });
  });
});
