import { describe, expect, it } from 'vitest';
import type { Fix } from '../../domain/fix.js';
import { withChecksum } from './encode.js';
import { EpochAssembler } from './epoch.js';
import { parseNmeaSentence } from './sentence.js';

const KNOT = 1852 / 3600;

/** Pushes sentence bodies (checksums added) and returns the fixes emitted after each one. */
function pushAll(assembler: EpochAssembler, bodies: readonly string[]): Fix[][] {
  return bodies.map((body) => {
    const sentence = parseNmeaSentence(withChecksum(body));
    if (sentence.type === 'rejected') throw new Error(`${body}: ${sentence.detail}`);
    return assembler.push(sentence);
  });
}

function fixesOf(bodies: readonly string[]): Fix[] {
  const assembler = new EpochAssembler();
  return [...pushAll(assembler, bodies).flat(), ...assembler.flush()];
}

/** One u-blox style cycle at hhmmss on 2024-05-17. */
function cycle(hhmmss: string, lat = '4851.39678'): string[] {
  return [
    `GPRMC,${hhmmss}.00,A,${lat},N,00221.13332,E,10.0,90.0,170524,,,A`,
    'GPVTG,90.0,T,,M,10.0,N,18.5,K,A',
    `GPGGA,${hhmmss}.00,${lat},N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,`,
    'GPGSA,A,3,01,02,03,04,05,06,07,08,,,,,1.5,0.9,1.2',
    'GPGSV,1,1,04,01,40,083,46,02,17,308,41,03,07,344,39,04,22,228,45',
    `GPGLL,${lat},N,00221.13332,E,${hhmmss}.00,A,A`,
  ];
}

describe('EpochAssembler', () => {
  it('merges the sentences of one time of day into one fix', () => {
    const [fix, ...rest] = fixesOf(cycle('093015'));
    expect(rest).toHaveLength(0);
    expect(fix).toMatchObject({
      time: Date.UTC(2024, 4, 17, 9, 30, 15),
      mode: '3d',
      alt: 35.2,
      track: 90,
      hdop: 0.9,
      vdop: 1.2,
      pdop: 1.5,
      eph: null,
      satellitesUsed: 8,
      satellitesVisible: 4,
    });
    expect(fix?.lat).toBeCloseTo(48 + 51.39678 / 60, 12);
    expect(fix?.lon).toBeCloseTo(2 + 21.13332 / 60, 12);
    expect(fix?.speed).toBeCloseTo(10 * KNOT, 12);
  });

  it('emits an epoch when a sentence of the next time arrives', () => {
    const assembler = new EpochAssembler();
    const emitted = pushAll(assembler, [...cycle('093015'), cycle('093016')[0] ?? '']);
    expect(emitted.slice(0, 6).flat()).toHaveLength(0);
    expect(emitted[6]?.map((f) => f.time)).toEqual([Date.UTC(2024, 4, 17, 9, 30, 15)]);
  });

  it('learns the sentence that ends the cycle and then emits on it, without waiting', () => {
    const assembler = new EpochAssembler();
    const seconds = ['093015', '093016', '093017', '093018'];
    const emitted = seconds.map((s) => pushAll(assembler, cycle(s)));
    // Learnt from the two cycles closed by the next one: the third cycle is emitted on its GLL.
    expect(emitted[2]?.[5]?.map((f) => f.time)).toEqual([Date.UTC(2024, 4, 17, 9, 30, 17)]);
    expect(emitted[3]?.[5]?.map((f) => f.time)).toEqual([Date.UTC(2024, 4, 17, 9, 30, 18)]);
    expect(emitted[3]?.slice(0, 5).flat()).toHaveLength(0);
    expect(assembler.flush()).toHaveLength(0);
  });

  it('tells the first of two GNGSA of a cycle from the second when learning the end', () => {
    const gnCycle = (s: string) => [
      `GNRMC,${s}.00,A,4851.39678,N,00221.13332,E,0.0,,170524,,,A`,
      `GNGGA,${s}.00,4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,`,
      'GNGSA,A,3,01,02,03,04,,,,,,,,,1.5,0.9,1.2',
      'GNGSA,A,3,65,66,67,68,,,,,,,,,1.5,0.9,1.2',
    ];
    const assembler = new EpochAssembler();
    const emitted = ['120000', '120001', '120002'].map((s) => pushAll(assembler, gnCycle(s)));
    expect(emitted[2]?.[2]).toEqual([]);
    expect(emitted[2]?.[3]?.[0]?.satellitesUsed).toBe(8);
  });

  it('counts satellites in view over talkers, once per satellite system when L1 and L2 overlap', () => {
    const [fix] = fixesOf([
      'GNRMC,120000.00,A,4851.39678,N,00221.13332,E,0.0,,170524,,,A',
      'GPGSV,1,1,03,01,40,083,46,02,17,308,41,03,07,344,39,1',
      'GPGSV,1,1,02,01,40,083,30,02,17,308,31,6',
      'GLGSV,1,1,02,65,40,083,46,66,17,308,41,1',
    ]);
    expect(fix?.satellitesVisible).toBe(5);
  });

  it('takes the date from RMC or ZDA; GGA alone uses the last date, and rolls over midnight', () => {
    const fixes = fixesOf([
      'GPZDA,235959.00,31,12,2023,00,00',
      'GPGGA,235959.00,4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,',
      'GPGGA,000000.00,4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,',
      'GPGGA,000001.00,4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,',
    ]);
    expect(fixes.map((f) => f.time)).toEqual([
      Date.UTC(2023, 11, 31, 23, 59, 59),
      Date.UTC(2024, 0, 1, 0, 0, 0),
      Date.UTC(2024, 0, 1, 0, 0, 1),
    ]);
  });

  it('gives time null until a date has been seen', () => {
    const fixes = fixesOf([
      'GPGGA,120000.00,4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,',
      'GPGGA,120001.00,4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,',
      'GPRMC,120002.00,A,4851.39678,N,00221.13332,E,0.0,,170524,,,A',
    ]);
    expect(fixes.map((f) => f.time)).toEqual([null, null, Date.UTC(2024, 4, 17, 12, 0, 2)]);
    expect(fixes[0]?.mode).toBe('3d');
  });

  it('reports the date a week-rollover receiver gives, 1999 or 2034, unchanged', () => {
    const [old] = fixesOf(['GPRMC,120000.00,A,4851.39678,N,00221.13332,E,0.0,,170599,,,A']);
    expect(old?.time).toBe(Date.UTC(1999, 4, 17, 12));
    const [future] = fixesOf(['GPRMC,120000.00,A,4851.39678,N,00221.13332,E,0.0,,170534,,,A']);
    expect(future?.time).toBe(Date.UTC(2034, 4, 17, 12));
  });

  it('takes the mode from GSA, else from GGA altitude, else 2d for a position alone', () => {
    const base = 'GPGGA,120000.00,4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,';
    expect(fixesOf([base, 'GPGSA,A,2,01,02,03,,,,,,,,,,1.5,0.9,1.2'])[0]).toMatchObject({
      mode: '2d',
      alt: null,
    });
    expect(fixesOf([base])[0]).toMatchObject({ mode: '3d', alt: 35.2 });
    expect(fixesOf(['GPGGA,120000.00,4851.39678,N,00221.13332,E,1,03,2.9,,M,,M,,'])[0]?.mode).toBe(
      '2d',
    );
    expect(fixesOf(['GPGLL,4851.39678,N,00221.13332,E,120000.00,A,A'])[0]?.mode).toBe('2d');
  });

  it('reports no fix, and no position, when the receiver says it has none', () => {
    for (const bodies of [
      ['GPRMC,120000.00,V,4851.39678,N,00221.13332,E,0.0,,170524,,,N'],
      ['GPGGA,120000.00,4851.39678,N,00221.13332,E,0,00,,,M,,M,,'],
      ['GPGLL,4851.39678,N,00221.13332,E,120000.00,V,N'],
      ['GPRMC,120000.00,A,4851.39678,N,00221.13332,E,0.0,,170524,,,N'],
      ['GNGNS,120000.00,4851.39678,N,00221.13332,E,NNN,00,,,,,,V'],
      [
        'GPGGA,120000.00,4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,',
        'GPGSA,A,1,,,,,,,,,,,,,,,',
      ],
      ['GPGGA,120000.00,4851.39678,N,00221.13332,E,8,08,0.9,35.2,M,47.0,M,,'],
    ]) {
      const [fix] = fixesOf(bodies);
      expect(fix).toMatchObject({ mode: 'none', lat: null, lon: null, speed: null, track: null });
    }
  });

  it('takes a GNS fix from any constellation, and dead reckoning as a fix', () => {
    expect(
      fixesOf(['GNGNS,120000.00,4851.39678,N,00221.13332,E,NA,05,1.3,156.9,8.3,,'])[0]?.mode,
    ).toBe('3d');
    expect(fixesOf(['GPRMC,120000.00,A,4851.39678,N,00221.13332,E,0.0,,170524,,,E'])[0]?.mode).toBe(
      '2d',
    );
  });

  it('counts satellites used from GGA, or from the GSA lists when GGA has none', () => {
    expect(
      fixesOf([
        'GPRMC,120000.00,A,4851.39678,N,00221.13332,E,0.0,,170524,,,A',
        'GNGSA,A,3,01,02,03,04,,,,,,,,,1.5,0.9,1.2',
        'GNGSA,A,3,65,66,,,,,,,,,,,1.5,0.9,1.2',
      ])[0]?.satellitesUsed,
    ).toBe(6);
  });

  it('emits one no-fix epoch per cycle when the receiver has no time at all', () => {
    const noTime = [
      'GPRMC,,V,,,,,,,,,,N',
      'GPGGA,,,,,,0,00,99.99,,,,,,',
      'GPGSA,A,1,,,,,,,,,,,,,,,',
    ];
    const fixes = fixesOf([...noTime, ...noTime, ...noTime]);
    expect(fixes).toHaveLength(3);
    expect(fixes.every((f) => f.mode === 'none' && f.time === null)).toBe(true);
  });

  it('does not let a GSA that trails the emitted epoch spoil the next one', () => {
    // SEANEXX RX210: RMC and GGA each second, two GSA every 5 s after the GGA.
    const second = (s: string, fix: boolean) =>
      fix
        ? [
            `GNRMC,${s}.00,A,5000.14318,N,00838.63715,E,0.419,,030416,,,A`,
            `GNGGA,${s}.00,5000.14318,N,00838.63715,E,1,05,3.62,159.6,M,47.6,M,,`,
          ]
        : [`GNRMC,${s}.00,V,,,,,,,030416,,,N`, `GNGGA,${s}.00,,,,,0,04,28.64,,,,,,`];
    const fixes = fixesOf([
      ...second('184058', false),
      ...second('184059', false),
      ...second('184100', false),
      ...second('184101', false),
      'GNGSA,A,1,31,21,,,,,,,,,,,53.32,28.64,44.97',
      'GNGSA,A,1,75,86,,,,,,,,,,,53.32,28.64,44.97',
      ...second('184102', true),
    ]);
    expect(fixes.map((f) => f.mode)).toEqual(['none', 'none', 'none', 'none', '3d']);
  });

  it('never emits a time twice when a receiver repeats sentences of an emitted epoch', () => {
    const assembler = new EpochAssembler();
    const seconds = ['093015', '093016', '093017'].map((s) => pushAll(assembler, cycle(s)));
    const repeated = pushAll(assembler, cycle('093017').slice(0, 3));
    const next = pushAll(assembler, cycle('093018'));
    const times = [...seconds, repeated, next].flat(2).map((f) => f.time);
    expect(times).toEqual([15, 16, 17].map((s) => Date.UTC(2024, 4, 17, 9, 30, s)));
    expect(assembler.flush().map((f) => f.time)).toEqual([Date.UTC(2024, 4, 17, 9, 30, 18)]);
  });

  it('relearns the end of the cycle when a VTG comes after it, and keeps the VTG speed', () => {
    const withLateVtg = (s: string) => [
      `GPRMC,${s}.00,A,4851.39678,N,00221.13332,E,,,170524,,,A`,
      `GPGGA,${s}.00,4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,`,
      'GPVTG,90.0,T,,M,10.0,N,18.5,K,A',
    ];
    const assembler = new EpochAssembler();
    // Learnt on GGA from two cycles without VTG, then the receiver adds VTG after GGA.
    for (const s of ['120000', '120001', '120002']) pushAll(assembler, withLateVtg(s).slice(0, 2));
    const fixes = ['120003', '120004', '120005', '120006', '120007'].flatMap((s) =>
      pushAll(assembler, withLateVtg(s)).flat(),
    );
    expect(fixes.at(-1)?.speed).toBeCloseTo(10 * KNOT, 12);
  });

  it('keeps a ZDA-only epoch out of the fixes but uses its date', () => {
    const fixes = fixesOf([
      'GPZDA,193223.00,23,12,2007,00,00',
      'GPGGA,193222.00,2037.72832,N,08704.08469,W,1,04,1.7,-30.00,M,-13.9,M,,',
    ]);
    expect(fixes.map((f) => f.time)).toEqual([Date.UTC(2007, 11, 23, 19, 32, 22)]);
  });

  it('flushes the epoch in progress, and nothing when there is none', () => {
    const assembler = new EpochAssembler();
    pushAll(assembler, cycle('093015').slice(0, 2));
    expect(assembler.flush().map((f) => f.mode)).toEqual(['2d']);
    expect(assembler.flush()).toEqual([]);
  });

  describe('opened at any point of a cycle, after cycles without a fix', () => {
    /** What a receiver sends while it has no fix: no time, status V, quality 0. */
    const VOID = [
      'GPRMC,,V,,,,,,,,,,N',
      'GPGGA,,,,,,0,00,99.99,,,,,,',
      'GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99',
      'GPGLL,,,,,,V,N',
    ];
    /** Then fixes: RMC A, GGA quality 2, GLL A, one a second. */
    const valid = (hhmmss: string) => [
      `GPRMC,${hhmmss}.00,A,4851.39678,N,00221.13332,E,0.1,,170524,,,D`,
      `GPGGA,${hhmmss}.00,4851.39678,N,00221.13332,E,2,09,0.8,35.2,M,47.0,M,,`,
      'GPGSA,A,3,01,02,03,04,05,06,07,08,09,,,,1.4,0.8,1.1',
      `GPGLL,4851.39678,N,00221.13332,E,${hhmmss}.00,A,D`,
    ];
    const stream = [...VOID, ...VOID, ...valid('093015'), ...valid('093016'), ...valid('093017')];
    const firstValid = 2 * VOID.length;

    for (let start = VOID.length; start < firstValid + VOID.length; start++) {
      it(`gives every timed epoch its fix when opened at sentence ${String(start)}`, () => {
        const fixes = fixesOf(stream.slice(start)).filter((fix) => fix.time !== null);
        // Opened after the first RMC of 09:30:15, that epoch has no date yet: its time is null.
        const seconds = start <= firstValid ? [15, 16, 17] : [16, 17];
        expect(fixes.map((fix) => fix.time)).toEqual(
          seconds.map((second) => Date.UTC(2024, 4, 17, 9, 30, second)),
        );
        for (const fix of fixes) {
          expect(fix.mode).not.toBe('none');
          expect(fix.lat).toBeCloseTo(48 + 51.39678 / 60, 9);
        }
      });
    }

    it('does not merge a void sentence after a fix into that fix', () => {
      const fixes = fixesOf([
        ...valid('093015').slice(0, 2),
        'GPGLL,,,,,,V,N',
        ...VOID.slice(0, 2),
      ]);
      expect(fixes[0]).toMatchObject({ time: Date.UTC(2024, 4, 17, 9, 30, 15), mode: '3d' });
    });
  });
});
