import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../domain/seeded-random.js';
import {
  CounterLineReader,
  MAX_LINE_LENGTH,
  formatCounterSentence,
  parseCounterSentence,
  type CounterLineRejectionCode,
  type CounterReading,
} from './line-protocol.js';

const NO_FLAGS = { blocked: false, tamper: false, lowSignal: false, poweredUp: false };

function reading(door: number, seq: number, inTotal: number, outTotal: number): CounterReading {
  return { type: 'reading', door, seq, inTotal, outTotal, flags: NO_FLAGS };
}

/** `$` + body + `*HH` with the XOR checksum, computed here independently of the module. */
function sentence(body: string): string {
  let sum = 0;
  for (const c of body) sum ^= c.charCodeAt(0);
  return `$${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}`;
}

describe('parseCounterSentence', () => {
  it('reads an FSDC sentence into a typed reading', () => {
    expect(parseCounterSentence('$FSDC,2,4712,103,98,01*3E')).toEqual({
      type: 'reading',
      door: 2,
      seq: 4712,
      inTotal: 103,
      outTotal: 98,
      flags: { blocked: true, tamper: false, lowSignal: false, poweredUp: false },
    });
  });

  it('reads each flag bit, and ignores the reserved bits 0x10-0x80', () => {
    const flags = (hex: string) => {
      const r = parseCounterSentence(sentence(`FSDC,1,0,0,0,${hex}`));
      return r.type === 'reading' ? r.flags : r;
    };
    expect(flags('02')).toEqual({ ...NO_FLAGS, tamper: true });
    expect(flags('04')).toEqual({ ...NO_FLAGS, lowSignal: true });
    expect(flags('08')).toEqual({ ...NO_FLAGS, poweredUp: true });
    expect(flags('0F')).toEqual({ blocked: true, tamper: true, lowSignal: true, poweredUp: true });
    expect(flags('F0')).toEqual(NO_FLAGS);
    expect(flags('a')).toEqual({ ...NO_FLAGS, tamper: true, poweredUp: true });
  });

  it('reads an FSDH hello', () => {
    expect(parseCounterSentence('$FSDH,1.4.2,2,FSC-00417*79')).toEqual({
      type: 'hello',
      firmwareVersion: '1.4.2',
      doors: 2,
      serial: 'FSC-00417',
    });
  });

  it('accepts the extremes of every range', () => {
    expect(parseCounterSentence(sentence('FSDC,16,65535,65535,0,00'))).toMatchObject({
      door: 16,
      seq: 65535,
      inTotal: 65535,
      outTotal: 0,
    });
    expect(parseCounterSentence(sentence('FSDC,1,0,0,65535,00'))).toMatchObject({ door: 1 });
  });

  it('accepts a trailing CR LF, a lower-case checksum, leading zeros and appended fields', () => {
    expect(parseCounterSentence('$FSDC,1,0,0,0,08*37\r\n')).toMatchObject({ type: 'reading' });
    expect(
      parseCounterSentence(sentence('FSDC,1,7,1,0,00').toLowerCase().replace('$fsdc', '$FSDC')),
    ).toMatchObject({ type: 'reading' });
    expect(parseCounterSentence(sentence('FSDC,01,007,0,0,0'))).toMatchObject({ door: 1, seq: 7 });
    expect(parseCounterSentence(sentence('FSDC,1,7,1,0,00,later,fields'))).toMatchObject({
      seq: 7,
    });
    expect(parseCounterSentence(sentence('FSDH,2.0,4,X1,extra'))).toMatchObject({ doors: 4 });
  });

  it.each([
    ['no checksum', '$FSDC,1,0,0,0,08'],
    ['a wrong checksum', '$FSDC,1,0,0,0,08*36'],
    ['a one-digit checksum', '$FSDC,1,0,0,0,08*7'],
    ['a checksum that is not hex', '$FSDC,1,0,0,0,08*G7'],
    ['a changed digit', '$FSDC,1,0,0,1,08*37'],
  ])('rejects %s as checksum', (_, line) => {
    expect(parseCounterSentence(line)).toMatchObject({ type: 'rejected', code: 'checksum' });
  });

  it.each([
    ['door 0', 'FSDC,0,0,0,0,00'],
    ['door 17', 'FSDC,17,0,0,0,00'],
    ['seq 65536', 'FSDC,1,65536,0,0,00'],
    ['a negative total', 'FSDC,1,0,-1,0,00'],
    ['a decimal total', 'FSDC,1,0,1.0,0,00'],
    ['an empty out total', 'FSDC,1,0,0,,00'],
    ['a six-digit seq', 'FSDC,1,000001,0,0,00'],
    ['flags that are not hex', 'FSDC,1,0,0,0,0G'],
    ['three flag digits', 'FSDC,1,0,0,0,008'],
    ['missing flags', 'FSDC,1,0,0,0'],
    ['a space in a number', 'FSDC,1, 0,0,0,00'],
    ['a hello with 17 doors', 'FSDH,1.0,17,X'],
    ['a hello with an empty serial', 'FSDH,1.0,2,'],
    ['a hello with a 17-character version', 'FSDH,12345678901234567,2,X'],
    ['a hello with a space in the serial', 'FSDH,1.0,2,A B'],
    ['a hello without serial', 'FSDH,1.0,2'],
    ['an empty address', ',1,0,0,0,00'],
    ['a lower-case address', 'fsdc,1,0,0,0,00'],
    ['a control character', 'FSDC,1,0,0,0,00\t'],
  ])('rejects %s as malformed', (_, body) => {
    expect(parseCounterSentence(sentence(body))).toMatchObject({
      type: 'rejected',
      code: 'malformed',
    });
  });

  it('rejects a line without $ as malformed', () => {
    expect(parseCounterSentence('FSDC,1,0,0,0,08*37')).toMatchObject({ code: 'malformed' });
  });

  it('rejects well-formed sentences of other types as unsupported', () => {
    expect(
      parseCounterSentence(sentence('GPGSA,A,3,01,02,03,04,05,06,07,08,,,,,1.5,0.9,1.2')),
    ).toEqual({
      type: 'rejected',
      code: 'unsupported',
      detail: 'GPGSA',
    });
    expect(parseCounterSentence(sentence('FSDX,1'))).toMatchObject({ code: 'unsupported' });
  });

  it('never throws, whatever the text', () => {
    const random = seededRandom(5);
    const alphabet = '$*,0123456789ABCDEFSDCHx\r\n\u00e9 ';
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(random() * 40);
      let line = '';
      for (let k = 0; k < length; k++)
        line += alphabet.charAt(Math.floor(random() * alphabet.length));
      const result = parseCounterSentence(random() < 0.5 ? sentence(line) : line);
      expect(['reading', 'hello', 'rejected']).toContain(result.type);
    }
  });
});

describe('formatCounterSentence', () => {
  it('writes the sentences of the protocol page, CR LF ended', () => {
    const poweredUp = { ...NO_FLAGS, poweredUp: true };
    expect(formatCounterSentence({ ...reading(1, 0, 0, 0), flags: poweredUp })).toBe(
      '$FSDC,1,0,0,0,08*37\r\n',
    );
    expect(formatCounterSentence(reading(1, 4711, 65535, 65529))).toBe(
      '$FSDC,1,4711,65535,65529,00*01\r\n',
    );
    expect(
      formatCounterSentence({
        type: 'hello',
        firmwareVersion: '1.4.2',
        doors: 2,
        serial: 'FSC-00417',
      }),
    ).toBe('$FSDH,1.4.2,2,FSC-00417*79\r\n');
  });

  it('round-trips every flag combination through the parser', () => {
    for (let bits = 0; bits < 16; bits++) {
      const flags = {
        blocked: (bits & 1) !== 0,
        tamper: (bits & 2) !== 0,
        lowSignal: (bits & 4) !== 0,
        poweredUp: (bits & 8) !== 0,
      };
      const r = { ...reading(16, bits * 4000, 65535 - bits, bits), flags };
      const line = formatCounterSentence(r);
      expect(line.length).toBeLessThanOrEqual(MAX_LINE_LENGTH);
      expect(parseCounterSentence(line)).toEqual(r);
    }
  });

  it('refuses values the protocol cannot carry', () => {
    expect(() => formatCounterSentence(reading(0, 0, 0, 0))).toThrow(RangeError);
    expect(() => formatCounterSentence(reading(1, 65536, 0, 0))).toThrow(RangeError);
    expect(() => formatCounterSentence(reading(1, 0, 1.5, 0))).toThrow(RangeError);
    expect(() =>
      formatCounterSentence({ type: 'hello', firmwareVersion: '1,0', doors: 1, serial: 'A' }),
    ).toThrow(RangeError);
  });
});

/** Door 1 counting up, `n` sentences, as a device would send them. */
function stream(n: number, eol = '\r\n'): string {
  return Array.from({ length: n }, (_, i) =>
    formatCounterSentence(reading(1, i, i, 0)).replace('\r\n', eol),
  ).join('');
}

function readAll(chunks: readonly (string | Uint8Array)[], reader = new CounterLineReader()) {
  return [...chunks.flatMap((c) => reader.push(c)), ...reader.flush()];
}

const seqs = (sentences: readonly { type: string }[]) =>
  sentences.map((s) => (s as CounterReading).seq);

describe('CounterLineReader', () => {
  it('reads lines ended by CR LF, LF alone or CR alone', () => {
    for (const eol of ['\r\n', '\n', '\r'])
      expect(seqs(readAll([stream(5, eol)]))).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives the same sentences whatever the chunking, byte by byte included', () => {
    const bytes = Buffer.from(stream(20));
    const whole = readAll([bytes]);
    expect(whole).toHaveLength(20);
    expect(readAll([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
    const random = seededRandom(11);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length;) {
      const size = 1 + Math.floor(random() * 40);
      chunks.push(bytes.subarray(i, i + size));
      i += size;
    }
    expect(readAll(chunks)).toEqual(whole);
  });

  it('returns each sentence as soon as its line ends', () => {
    const reader = new CounterLineReader();
    expect(reader.push('$FSDC,1,0,0,0,08*37')).toEqual([]);
    expect(reader.push('\r')).toHaveLength(1);
    expect(reader.push('\n')).toEqual([]);
    expect(reader.stats.accepted).toBe(1);
  });

  it('resynchronises on $ after noise, counting each run of garbage once', () => {
    const reader = new CounterLineReader();
    const noisy = `boot noise${stream(3).replaceAll('$FSDC,1,1,', '~~$FSDC,1,1,')}junk\r\n`;
    expect(seqs(readAll([noisy], reader))).toEqual([0, 1, 2]);
    expect(reader.stats.rejected.garbage).toBe(3);
  });

  it('drops a line cut by the next $, on its checksum, and reads the next one', () => {
    const reader = new CounterLineReader();
    const cut = stream(3).replace('$FSDC,1,1,1,0,00', '$FSDC,1,1,1$FSDC,1,1,1,0,00');
    expect(seqs(readAll([cut], reader))).toEqual([0, 1, 2]);
    expect(reader.stats.rejected).toMatchObject({ checksum: 1, garbage: 0 });
  });

  it('drops a line with a binary byte in it, and counts it as garbage', () => {
    const reader = new CounterLineReader();
    const bytes = Buffer.from(stream(3));
    bytes[bytes.indexOf('$FSDC,1,1') + 7] = 0x00;
    expect(seqs(readAll([bytes], reader))).toEqual([0, 2]);
    expect(reader.stats.rejected.garbage).toBe(1);
  });

  it('drops a line over 82 characters and counts it once, whatever its length', () => {
    const reader = new CounterLineReader();
    const long = `$FSDC,1,${'9'.repeat(100_000)}\r\n`;
    expect(seqs(readAll([stream(1), long, stream(2)], reader))).toEqual([0, 0, 1]);
    expect(reader.stats.rejected.too_long).toBe(1);
    // Exactly 80 characters from $ to the checksum, as long as a line may be, is read.
    const longest = sentence(`FSDH,A,1,B,${'x'.repeat(65)}`);
    expect(longest).toHaveLength(MAX_LINE_LENGTH - 2);
    expect(readAll([`${longest}\r\n`])).toHaveLength(1);
    const reader2 = new CounterLineReader();
    readAll([`${sentence(`FSDH,A,1,B,${'x'.repeat(66)}`)}\r\n`], reader2);
    expect(reader2.stats.rejected.too_long).toBe(1);
  });

  it('counts rejections by code and reports each one', () => {
    const seen: CounterLineRejectionCode[] = [];
    const reader = new CounterLineReader({ onRejected: (code) => seen.push(code) });
    readAll(
      [
        '$FSDC,1,0,0,0,08*36\r\n',
        `${sentence('FSDC,17,0,0,0,00')}\r\n`,
        `${sentence('GPZDA,120000.00,17,05,2024,,')}\r\n`,
        'xx\r\n',
        '$FSDC,1,0,0,0,08*37',
      ],
      reader,
    );
    expect(seen).toEqual(['checksum', 'malformed', 'unsupported', 'garbage']);
    expect(reader.stats).toEqual({
      accepted: 1,
      rejected: { checksum: 1, malformed: 1, unsupported: 1, too_long: 0, garbage: 1 },
    });
  });

  it('reads an unterminated last line on flush, and only once', () => {
    const reader = new CounterLineReader();
    expect(reader.push('$FSDH,1.4.2,2,FSC-00417*79')).toEqual([]);
    expect(reader.flush()).toMatchObject([{ type: 'hello', serial: 'FSC-00417' }]);
    expect(reader.flush()).toEqual([]);
  });

  it('never throws on random bytes and gives only well-formed sentences', () => {
    const random = seededRandom(2024);
    const reader = new CounterLineReader();
    const good = Buffer.from(stream(50));
    let readings = 0;
    for (let round = 0; round < 200; round++) {
      const chunk = Buffer.from(good.subarray(0, 1 + Math.floor(random() * good.length)));
      for (let k = 0; k < 5; k++)
        chunk[Math.floor(random() * chunk.length)] = Math.floor(random() * 256);
      for (const s of reader.push(chunk)) {
        if (s.type === 'reading') {
          readings++;
          expect(s.door).toBeGreaterThanOrEqual(1);
          expect(s.door).toBeLessThanOrEqual(16);
          expect(s.inTotal).toBeLessThanOrEqual(65535);
        }
      }
    }
    expect(readings).toBeGreaterThan(1000);
  });
});
