import { describe, expect, it } from 'vitest';
import { withChecksum } from './encode.js';
import {
  parseNmeaSentence,
  type NmeaSentence,
  type SentenceRejection,
  type SentenceResult,
} from './sentence.js';

const KNOT = 1852 / 3600;

/** A sentence line with a correct checksum, without CR LF. */
function line(body: string): string {
  return withChecksum(body).trimEnd();
}

function parsed<T extends NmeaSentence['type']>(
  text: string,
  type: T,
): Extract<NmeaSentence, { type: T }> {
  const result = parseNmeaSentence(text);
  if (result.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(result)}`);
  return result as Extract<NmeaSentence, { type: T }>;
}

function rejected(result: SentenceResult): SentenceRejection {
  if (result.type !== 'rejected') throw new Error(`expected a rejection, got ${result.type}`);
  return result;
}

describe('parseNmeaSentence', () => {
  it('decodes an RMC: time with milliseconds, position, knots to m/s, date, mode, nav status', () => {
    const rmc = parsed(
      line('GNRMC,092751.250,A,5321.6802,N,00630.3372,W,0.06,31.66,280511,,,A,V'),
      'RMC',
    );
    expect(rmc).toMatchObject({ talker: 'GN', valid: true, mode: 'A', navStatus: 'V' });
    expect(rmc.time).toBe(((9 * 60 + 27) * 60 + 51) * 1000 + 250);
    expect(rmc.lat).toBeCloseTo(53 + 21.6802 / 60, 12);
    expect(rmc.lon).toBeCloseTo(-(6 + 30.3372 / 60), 12);
    expect(rmc.speed).toBeCloseTo(0.06 * KNOT, 12);
    expect(rmc.track).toBe(31.66);
    expect(rmc.date).toEqual({ year: 2011, month: 5, day: 28 });
  });

  it('decodes a real GGA from a receiver log', () => {
    const gga = parsed(
      '$GPGGA,193221.00,2037.72792,N,08704.08478,W,1,04,1.7,-30.40,M,-13.9,M,,*7D',
      'GGA',
    );
    expect(gga).toMatchObject({ quality: 1, satellitesUsed: 4, hdop: 1.7, alt: -30.4 });
    expect(gga.lat).toBeCloseTo(20.628798667, 9);
    expect(gga.lon).toBeCloseTo(-87.068079667, 9);
  });

  it('accepts a lower-case checksum and refuses a wrong or missing one', () => {
    const good = line('GPGLL,4916.45,N,12311.12,W,225444,A,A');
    expect(parseNmeaSentence(good.toLowerCase().replace('$gpgll', '$GPGLL')).type).toBe('GLL');
    expect(rejected(parseNmeaSentence(good.slice(0, -1) + '0')).code).toBe('checksum');
    expect(rejected(parseNmeaSentence(good.slice(0, -3))).code).toBe('checksum');
    expect(rejected(parseNmeaSentence('$GPGLL,4916.45,N,12311.12,W,225444,A,A*ZZ')).code).toBe(
      'checksum',
    );
  });

  it('reads a line with its CR LF', () => {
    expect(parseNmeaSentence(withChecksum('GPVTG,054.7,T,034.4,M,005.5,N,010.2,K,A')).type).toBe(
      'VTG',
    );
  });

  it('keeps every talker, known or not', () => {
    for (const talker of ['GP', 'GN', 'GL', 'GA', 'GB', 'BD', 'GQ', 'GI', 'QZ', 'II']) {
      const gll = parsed(line(`${talker}GLL,4916.45,N,12311.12,W,225444,A`), 'GLL');
      expect(gll.talker).toBe(talker);
    }
  });

  it('counts other sentence types, proprietary sentences and AIS as unsupported', () => {
    for (const text of [
      line('GPGST,172814.0,0.006,0.023,0.020,273.6,0.023,0.020,0.031'),
      line('PUBX,00,081350.00,4717.113210,N,00833.915187,E'),
      line('PSRFTXTVersion GSW3.2.2'),
      '!AIVDM,1,1,,A,13aGmP0P00PD;88MD5MTDww@2<0L,0*23',
    ]) {
      expect(rejected(parseNmeaSentence(text)).code).toBe('unsupported');
    }
  });

  it('refuses sentences whose structure is wrong', () => {
    const short = rejected(parseNmeaSentence(line('GPRMC,225446,A,4916.45,N')));
    expect(short).toMatchObject({ code: 'malformed' });
    expect(rejected(parseNmeaSentence(line('GP,1,2'))).code).toBe('malformed');
    expect(rejected(parseNmeaSentence('GPGGA,1*00')).code).toBe('malformed');
  });

  it('keeps the fields that parse and names the one that does not', () => {
    const badLat = parsed(
      line('GPGGA,123519,48x7.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,'),
      'GGA',
    );
    expect(badLat).toMatchObject({ lat: null, quality: 1, alt: 545.4, badFields: ['latitude'] });
    expect(badLat.lon).toBeCloseTo(11 + 31 / 60, 12);
    const badAlt = parsed(line('GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,1e3,M,,M,,'), 'GGA');
    expect(badAlt).toMatchObject({ alt: null, hdop: 0.9, badFields: ['altitude'] });
    expect(parsed(line('GPVTG,54.7,T,,M,5.5,N,10.2,K,A'), 'VTG').badFields).toEqual([]);
  });

  it('keeps an RMC whose date a week-rollover firmware garbled: position, speed, track', () => {
    const rmc = parsed(
      line('GPRMC,092751.00,A,5321.6802,N,00630.3372,W,12.0,31.66,2208-1,,,A'),
      'RMC',
    );
    expect(rmc).toMatchObject({ time: 34_071_000, valid: true, date: null, badFields: ['date'] });
    expect(rmc.lat).toBeCloseTo(53 + 21.6802 / 60, 12);
    expect(rmc.speed).toBeCloseTo(12 * KNOT, 12);
    expect(rmc.track).toBe(31.66);
  });

  it('reads empty fields as null', () => {
    const rmc = parsed(line('GPRMC,,V,,,,,,,,,,N'), 'RMC');
    expect(rmc).toMatchObject({
      time: null,
      valid: false,
      lat: null,
      lon: null,
      speed: null,
      track: null,
      date: null,
      mode: 'N',
      navStatus: null,
    });
    const gga = parsed(line('GPGGA,,,,,,0,,,,,,,,'), 'GGA');
    expect(gga).toMatchObject({ quality: 0, satellitesUsed: null, hdop: null, alt: null });
  });

  it('reads latitude and longitude with any number of decimals, south and west negative', () => {
    const cases: [string, string, number, number][] = [
      ['4807', '01131', 48 + 7 / 60, 11 + 31 / 60],
      ['4807.0', '01131.0', 48 + 7 / 60, 11 + 31 / 60],
      ['4807.038123456', '01131.000000001', 48 + 7.038123456 / 60, 11 + 31.000000001 / 60],
      ['0000.0001', '17959.9999', 0.0001 / 60, 179 + 59.9999 / 60],
    ];
    for (const [lat, lon, expectedLat, expectedLon] of cases) {
      const north = parsed(line(`GPGLL,${lat},N,${lon},E,120000,A`), 'GLL');
      expect(north.lat).toBeCloseTo(expectedLat, 12);
      expect(north.lon).toBeCloseTo(expectedLon, 12);
      const south = parsed(line(`GPGLL,${lat},S,${lon},W,120000,A`), 'GLL');
      expect(south.lat).toBeCloseTo(-expectedLat, 12);
      expect(south.lon).toBeCloseTo(-expectedLon, 12);
    }
  });

  it('reads no latitude from minutes of 60 or more, beyond the poles or a wrong hemisphere', () => {
    for (const body of [
      'GPGLL,4860.0,N,01131.0,E,120000,A',
      'GPGLL,9100.0,N,01131.0,E,120000,A',
      'GPGLL,4807.0,X,01131.0,E,120000,A',
    ]) {
      expect(parsed(line(body), 'GLL')).toMatchObject({
        lat: null,
        time: 43_200_000,
        badFields: ['latitude'],
      });
    }
  });

  it('keeps an invalid sentence whose leftover position is out of range, without a position', () => {
    // The TN200 sends this while it has no fix.
    const rmc = parsed(
      '$GPRMC,000452.981,V,36000.0000,N,72000.0000,E,0.000000,,190120,,*32',
      'RMC',
    );
    expect(rmc).toMatchObject({ valid: false, lat: null, lon: null });
    expect(rmc.date).toEqual({ year: 2020, month: 1, day: 19 });
  });

  it('converts VTG knots to m/s, or km/h when knots are missing', () => {
    const knots = parsed(line('GPVTG,054.7,T,034.4,M,005.5,N,010.2,K,A'), 'VTG');
    expect(knots.speed).toBeCloseTo(5.5 * KNOT, 12);
    expect(knots).toMatchObject({ track: 54.7, mode: 'A' });
    const kmh = parsed(line('GPVTG,054.7,T,034.4,M,,N,010.2,K'), 'VTG');
    expect(kmh.speed).toBeCloseTo(10.2 / 3.6, 12);
    expect(kmh.mode).toBeNull();
    const legacy = parsed(line('GPVTG,054.7,034.4,005.5,010.2'), 'VTG');
    expect(legacy.speed).toBeCloseTo(5.5 * KNOT, 12);
    expect(legacy.track).toBe(54.7);
  });

  it('reads the invalid flags: RMC V, GGA quality 0, GLL V, mode indicator N', () => {
    expect(
      parsed(line('GPRMC,225446,V,4916.45,N,12311.12,W,000.5,054.7,191194,,'), 'RMC').valid,
    ).toBe(false);
    expect(parsed(line('GPGGA,123519,4807.038,N,01131.000,E,0,00,,,M,,M,,'), 'GGA').quality).toBe(
      0,
    );
    expect(parsed(line('GPGLL,4916.45,N,12311.12,W,225444,V,N'), 'GLL')).toMatchObject({
      valid: false,
      mode: 'N',
    });
    expect(parsed(line('GPVTG,,T,,M,,N,,K,N'), 'VTG').mode).toBe('N');
  });

  it('reads hdop 99.99 as unknown', () => {
    expect(parsed(line('GPGGA,,,,,,0,00,99.99,,,,,,'), 'GGA').hdop).toBeNull();
    const gsa = parsed(line('GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99'), 'GSA');
    expect(gsa).toMatchObject({ fixType: 1, pdop: null, hdop: null, vdop: null });
  });

  it('reads GNS: one mode indicator per constellation, NMEA 4.1 navigational status', () => {
    const gns = parsed(
      '$GNGNS,074155.799,3114.8770,N,12135.2463,E,ANNA,05,1.3,156.9,8.3,,0000*52',
      'GNS',
    );
    expect(gns).toMatchObject({ modes: ['A', 'N', 'N', 'A'], satellitesUsed: 5, alt: 156.9 });
    expect(gns.lat).toBeCloseTo(31.24795, 9);
  });

  it('reads GSA with 12 satellites, with the NMEA 4.11 system id, with 24, and cut short', () => {
    expect(parsed('$GPGSA,A,3,03,07,08,11,13,16,19,23,24,28,,,3.6,2.0,3.0*3A', 'GSA')).toEqual({
      type: 'GSA',
      talker: 'GP',
      fixType: 3,
      satellites: [3, 7, 8, 11, 13, 16, 19, 23, 24, 28],
      pdop: 3.6,
      hdop: 2,
      vdop: 3,
      systemId: null,
      badFields: [],
    });
    const v411 = parsed(line('GNGSA,A,3,82,73,74,67,81,83,68,,,,,,0.99,0.54,0.83,2'), 'GSA');
    expect(v411).toMatchObject({ systemId: 2, pdop: 0.99, vdop: 0.83 });
    expect(v411.satellites).toHaveLength(7);
    const ch4701 = parsed(
      line('GPGSA,A,3,27,23,13,07,25,,,,,,,,,,,,,,,,,,,,07.9,06.0,05.2'),
      'GSA',
    );
    expect(ch4701).toMatchObject({
      satellites: [27, 23, 13, 7, 25],
      pdop: 7.9,
      hdop: 6,
      vdop: 5.2,
    });
    const itrek = parsed('$GPGSA,A,1,,,,*32', 'GSA');
    expect(itrek).toMatchObject({ fixType: 1, satellites: [], pdop: null });
  });

  it('reads GSV parts, satellites with empty values, and the NMEA 4.1 signal id', () => {
    const last = parsed('$GPGSV,3,3,11,25,20,108,00,27,08,281,00,28,17,339,39,,,,*4C', 'GSV');
    expect(last).toMatchObject({ total: 3, part: 3, inView: 11, signalId: null });
    expect(last.satellites.map((s) => s.prn)).toEqual([25, 27, 28]);
    const signal = parsed('$GAGSV,3,3,10,30,14,215,16,36,08,098,,7*79', 'GSV');
    expect(signal).toMatchObject({ inView: 10, signalId: 7 });
    expect(signal.satellites[1]).toEqual({ prn: 36, elevation: 8, azimuth: 98, snr: null });
    expect(parsed('$GPGSV,1,1,00*79', 'GSV')).toMatchObject({ inView: 0, satellites: [] });
    expect(rejected(parseNmeaSentence(line('GPGSV,2,3,08'))).code).toBe('malformed');
  });

  it('reads a ZDA date with its four-digit year', () => {
    const zda = parsed('$GPZDA,193223.00,23,12,2007,00,00*69', 'ZDA');
    expect(zda).toMatchObject({ time: 70_343_000, date: { year: 2007, month: 12, day: 23 } });
    expect(parsed(line('GPZDA,193223.00,30,02,2007,00,00'), 'ZDA')).toMatchObject({
      time: 70_343_000,
      date: null,
      badFields: ['date'],
    });
  });

  it('keeps two-digit RMC years as the receiver says: 1980-1999 and 2000-2079', () => {
    const year = (yy: string) =>
      parsed(line(`GPRMC,120000,A,4807.0,N,01131.0,E,0.0,0.0,0101${yy},,`), 'RMC').date?.year;
    expect(year('99')).toBe(1999);
    expect(year('80')).toBe(1980);
    expect(year('00')).toBe(2000);
    expect(year('34')).toBe(2034);
    expect(year('79')).toBe(2079);
  });

  it('reads impossible dates and times as none, and names them', () => {
    for (const [body, bad] of [
      ['GPRMC,120000,A,4807.0,N,01131.0,E,0.0,0.0,310299,,', 'date'],
      ['GPRMC,120000,A,4807.0,N,01131.0,E,0.0,0.0,011399,,', 'date'],
      ['GPRMC,250000,A,4807.0,N,01131.0,E,0.0,0.0,010199,,', 'time'],
      ['GPRMC,12000,A,4807.0,N,01131.0,E,0.0,0.0,010199,,', 'time'],
    ] as const) {
      const rmc = parsed(line(body), 'RMC');
      expect(rmc.badFields).toEqual([bad]);
      expect(rmc[bad]).toBeNull();
      expect(rmc.lat).toBeCloseTo(48 + 7 / 60, 12);
    }
  });

  it('normalises a track of 360 or a negative one into [0, 360)', () => {
    expect(parsed(line('GPVTG,360.0,T,,M,1.0,N,,K,A'), 'VTG').track).toBe(0);
    expect(parsed(line('GPVTG,-10.0,T,,M,1.0,N,,K,A'), 'VTG').track).toBe(350);
  });

  it('never throws, whatever the line', () => {
    for (const text of ['', '$', '*', '$*00', '$GPGGA*', '!', '$\u0000\u00ff*00', '$PGRME*2A']) {
      expect(() => parseNmeaSentence(text)).not.toThrow();
      expect(parseNmeaSentence(text).type).toBe('rejected');
    }
  });
});
