import { describe, expect, it } from 'vitest';
import type { Fix } from '../../domain/fix.js';
import { withChecksum } from './encode.js';
import { MAX_LINE_LENGTH, NmeaReader, type NmeaRejection } from './reader.js';

/** Three one-second cycles (RMC, GGA, GSA) starting at 12:00:00 on 2024-05-17. */
function log(eol = '\r\n'): string {
  const lines: string[] = [];
  for (let s = 0; s < 3; s++) {
    const t = `12000${String(s)}.00`;
    lines.push(
      withChecksum(`GPRMC,${t},A,4851.39678,N,00221.13332,E,1.0,45.0,170524,,,A`),
      withChecksum(`GPGGA,${t},4851.39678,N,00221.13332,E,1,08,0.9,35.2,M,47.0,M,,`),
      withChecksum('GPGSA,A,3,01,02,03,04,05,06,07,08,,,,,1.5,0.9,1.2'),
    );
  }
  return lines.map((l) => l.replace('\r\n', eol)).join('');
}

function readAll(chunks: readonly (string | Uint8Array)[], reader = new NmeaReader()): Fix[] {
  return [...chunks.flatMap((chunk) => reader.push(chunk)), ...reader.flush()];
}

const TIMES = [0, 1, 2].map((s) => Date.UTC(2024, 4, 17, 12, 0, s));

describe('NmeaReader', () => {
  it('reads lines ended by CR LF, LF alone or CR alone', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      expect(readAll([log(eol)]).map((f) => f.time)).toEqual(TIMES);
    }
  });

  it('gives the same fixes whatever the chunking, byte by byte included', () => {
    const bytes = Buffer.from(log());
    const whole = readAll([bytes]);
    expect(whole).toHaveLength(3);
    expect(readAll([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
    const sevens: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 7) sevens.push(bytes.subarray(i, i + 7));
    expect(readAll(sevens)).toEqual(whole);
    expect(readAll([log()])).toEqual(whole);
  });

  it('returns the fixes completed by each chunk, as soon as the epoch is complete', () => {
    const reader = new NmeaReader();
    const lines = log().split(/(?<=\n)/);
    const counts = lines.map((l) => reader.push(l).length);
    // Epochs 1 and 2 end when the next RMC arrives; epoch 3 is then known to end on the GSA.
    expect(counts).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 1]);
    expect(reader.flush()).toEqual([]);
    expect(reader.stats).toMatchObject({ accepted: 9, checksumValid: 9, fixes: 3 });
  });

  it('resynchronises on $ after garbage, counting each run of garbage once', () => {
    const reader = new NmeaReader();
    const text = `noise before${log().replaceAll('$GPGGA', 'xx$GPGGA')}`;
    expect(readAll([text], reader).map((f) => f.time)).toEqual(TIMES);
    expect(reader.stats.rejected.garbage).toBe(4);
  });

  it('drops a sentence cut by the next one, on the checksum', () => {
    const reader = new NmeaReader();
    const cut = log().replace('$GPGGA,120001.00', '$GPGGA,1200$GPGGA,120001.00');
    expect(readAll([cut], reader)).toHaveLength(3);
    expect(reader.stats.rejected.checksum).toBe(1);
  });

  it('skips # comment lines and AIS sentences, counting them as ignored', () => {
    const reader = new NmeaReader();
    const text = `# Name: test log\r\n!AIVDM,1,1,,A,13aGmP0P00PD;88MD5MTDww@2<0L,0*23\r\n${log()}`;
    expect(readAll([text], reader)).toHaveLength(3);
    expect(reader.stats).toMatchObject({ ignored: 2, checksumValid: 10 });
    expect(reader.stats.rejected).toEqual({
      checksum: 0,
      malformed: 0,
      unsupported: 0,
      too_long: 0,
      garbage: 0,
    });
  });

  it(`accepts lines up to ${String(MAX_LINE_LENGTH)} characters and drops longer ones`, () => {
    const reader = new NmeaReader();
    // $ + body + *hh: a line `length` characters long.
    const body = (length: number) => `GPTXT,01,01,02,${'x'.repeat(length - 19)}`;
    const fits = withChecksum(body(MAX_LINE_LENGTH));
    const over = withChecksum(body(MAX_LINE_LENGTH + 1));
    expect(fits.trimEnd()).toHaveLength(MAX_LINE_LENGTH);
    readAll([fits, over], reader);
    expect(reader.stats.rejected).toMatchObject({ unsupported: 1, too_long: 1 });
  });

  it('drops a sentence holding binary bytes and reads the next line', () => {
    const reader = new NmeaReader();
    const text = log().replace('$GPGGA,120001.00,', '$GPGGA,120001.00,\u0000\u00b5b\u0001');
    const fixes = readAll([Buffer.from(text, 'latin1')], reader);
    expect(fixes.map((f) => f.time)).toEqual(TIMES);
    expect(reader.stats.rejected.garbage).toBe(1);
    expect(reader.stats.accepted).toBe(8);
  });

  it('reads non-ASCII text as garbage', () => {
    const reader = new NmeaReader();
    expect(readAll([`é€${log()}`], reader)).toHaveLength(3);
    expect(reader.stats.rejected.garbage).toBe(1);
  });

  it('keeps its memory bounded on megabytes without a line end, and recovers', () => {
    const reader = new NmeaReader();
    const noise = Buffer.alloc(4 * 1024 * 1024, 0x41);
    expect(reader.push(noise)).toEqual([]);
    const endless = Buffer.concat([Buffer.from('$GPGGA,'), noise]);
    expect(reader.push(endless)).toEqual([]);
    expect(readAll([`\r\n${log()}`], reader)).toHaveLength(3);
    expect(reader.stats.rejected).toMatchObject({ garbage: 1, too_long: 1 });
  });

  it('counts checksum-correct lines: none at a wrong baud rate, all at the right one', () => {
    const wrong = new NmeaReader();
    // What 9600-baud NMEA looks like read at 4800 baud: bytes at random, some $ and line ends.
    let seed = 7;
    const noise = Uint8Array.from({ length: 20_000 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % 256;
    });
    readAll([noise], wrong);
    expect(wrong.stats.checksumValid).toBeLessThan(3);
    const right = new NmeaReader();
    readAll([log()], right);
    expect(right.stats.checksumValid).toBe(9);
  });

  it('reads an unterminated last line on flush and emits the epoch in progress', () => {
    const reader = new NmeaReader();
    const text = log().trimEnd();
    expect(reader.push(text)).toHaveLength(2);
    expect(reader.flush().map((f) => f.time)).toEqual([TIMES[2]]);
    expect(reader.stats.accepted).toBe(9);
  });

  it('reports each rejection to the optional callback', () => {
    const rejections: NmeaRejection[] = [];
    const reader = new NmeaReader({ onRejected: (r) => rejections.push(r) });
    readAll(['junk\r\n$GPGGA,1*00\r\n', withChecksum('GPGST,1,2,3,4,5,6,7,8')], reader);
    expect(rejections.map((r) => r.code)).toEqual(['garbage', 'checksum', 'unsupported']);
    expect(rejections[2]?.detail).toContain('GST');
  });
});
