// The fsbus counter line protocol (docs/counter-protocol.md): sentence parser, encoder, and the
// byte-stream reader that frames a serial line into sentences. Never throws on input.
import type { CounterFlags } from '../../domain/door-counts.js';

/** The longest line, `$` to CR LF included, as in NMEA 0183; longer lines are dropped. */
export const MAX_LINE_LENGTH = 82;
/** The highest door number, seq and total a sentence may carry. */
export const MAX_DOOR = 16;
export const MAX_U16 = 65_535;

/** Flag bits of FSDC; bits 0x10 to 0x80 are reserved (sent 0, ignored on reception). */
export const FLAG_BITS = Object.freeze({
  blocked: 0x01,
  tamper: 0x02,
  lowSignal: 0x04,
  poweredUp: 0x08,
});

/** FSDC: one door's totals since power-up, on every change and every second. */
export interface CounterReading {
  readonly type: 'reading';
  readonly door: number;
  readonly seq: number;
  readonly inTotal: number;
  readonly outTotal: number;
  readonly flags: CounterFlags;
}

/** FSDH: the device says who it is, at power-up and every 60 s. No visitor data. */
export interface CounterHello {
  readonly type: 'hello';
  readonly firmwareVersion: string;
  /** How many doors the device counts (numbered 1..doors). */
  readonly doors: number;
  /** The device's own serial number, for maintenance. */
  readonly serial: string;
}

export type CounterSentence = CounterReading | CounterHello;

/**
 * Why a line is not a sentence: `checksum` missing or wrong, `malformed` structure or field,
 * `unsupported` a well-formed sentence of another type (counted, not an error).
 */
export type CounterRejectionCode = 'checksum' | 'malformed' | 'unsupported';

export interface CounterRejection {
  readonly type: 'rejected';
  readonly code: CounterRejectionCode;
  readonly detail: string;
}

/** Text fields of FSDH: 1 to 16 of these characters. */
const TEXT_FIELD = /^[A-Za-z0-9._+-]{1,16}$/;
const UNSIGNED = /^[0-9]{1,5}$/;
const FLAGS = /^[0-9A-Fa-f]{1,2}$/;
const ADDRESS = /^[A-Z0-9]{1,10}$/;

const reject = (code: CounterRejectionCode, detail: string): CounterRejection => ({
  type: 'rejected',
  code,
  detail,
});

function xor(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum;
}

/** A decimal field in [min, max], or null. */
function unsigned(s: string | undefined, min: number, max: number): number | null {
  if (s === undefined || !UNSIGNED.test(s)) return null;
  const value = Number(s);
  return value >= min && value <= max ? value : null;
}

/**
 * Reads one line (`$` to the checksum, a trailing CR LF allowed) as an FSDC or FSDH sentence,
 * or says why not. Fields appended after the known ones are ignored (later firmware may add some).
 */
export function parseCounterSentence(line: string): CounterSentence | CounterRejection {
  const text = line.replace(/\r?\n?$/, '');
  if (!text.startsWith('$')) return reject('malformed', 'no $ at the start');
  const star = text.length - 3;
  if (star < 1 || text[star] !== '*') return reject('checksum', 'no *HH at the end');
  const given = text.slice(star + 1);
  if (!/^[0-9A-Fa-f]{2}$/.test(given)) return reject('checksum', `checksum '${given}' not hex`);
  const body = text.slice(1, star);
  if (xor(body) !== Number.parseInt(given, 16)) return reject('checksum', 'checksum mismatch');
  if (!/^[\x20-\x7e]*$/.test(body) || body.includes('$') || body.includes('*'))
    return reject('malformed', 'character outside printable ASCII, or $ or * inside');
  const fields = body.split(',');
  const address = fields[0] ?? '';
  if (!ADDRESS.test(address)) return reject('malformed', `address '${address.slice(0, 10)}'`);
  switch (address) {
    case 'FSDC':
      return parseReading(fields);
    case 'FSDH':
      return parseHello(fields);
    default:
      return reject('unsupported', address);
  }
}

function parseReading(f: readonly string[]): CounterReading | CounterRejection {
  if (f.length < 6)
    return reject('malformed', `FSDC with ${String(f.length - 1)} fields, 5 needed`);
  const door = unsigned(f[1], 1, MAX_DOOR);
  const seq = unsigned(f[2], 0, MAX_U16);
  const inTotal = unsigned(f[3], 0, MAX_U16);
  const outTotal = unsigned(f[4], 0, MAX_U16);
  const rawFlags = f[5] ?? '';
  if (door === null) return reject('malformed', `door '${String(f[1])}'`);
  if (seq === null) return reject('malformed', `seq '${String(f[2])}'`);
  if (inTotal === null) return reject('malformed', `in_total '${String(f[3])}'`);
  if (outTotal === null) return reject('malformed', `out_total '${String(f[4])}'`);
  if (!FLAGS.test(rawFlags)) return reject('malformed', `flags '${rawFlags}'`);
  const bits = Number.parseInt(rawFlags, 16);
  const flags: CounterFlags = {
    blocked: (bits & FLAG_BITS.blocked) !== 0,
    tamper: (bits & FLAG_BITS.tamper) !== 0,
    lowSignal: (bits & FLAG_BITS.lowSignal) !== 0,
    poweredUp: (bits & FLAG_BITS.poweredUp) !== 0,
  };
  return { type: 'reading', door, seq, inTotal, outTotal, flags };
}

function parseHello(f: readonly string[]): CounterHello | CounterRejection {
  if (f.length < 4)
    return reject('malformed', `FSDH with ${String(f.length - 1)} fields, 3 needed`);
  const [, firmwareVersion = '', rawDoors, serial = ''] = f;
  const doors = unsigned(rawDoors, 1, MAX_DOOR);
  if (!TEXT_FIELD.test(firmwareVersion)) return reject('malformed', 'firmware version');
  if (doors === null) return reject('malformed', `doors '${String(rawDoors)}'`);
  if (!TEXT_FIELD.test(serial)) return reject('malformed', 'serial');
  return { type: 'hello', firmwareVersion, doors, serial };
}

/** The sentence as a counter sends it, `$` to CR LF; a value out of range is a RangeError. */
export function formatCounterSentence(sentence: CounterSentence): string {
  const check = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`${name}: ${String(value)} not in ${String(min)}..${String(max)}`);
    return String(value);
  };
  let body: string;
  switch (sentence.type) {
    case 'reading': {
      const { door, seq, inTotal, outTotal, flags } = sentence;
      let bits = 0;
      for (const [name, bit] of Object.entries(FLAG_BITS))
        if (flags[name as keyof CounterFlags]) bits |= bit;
      body = [
        'FSDC',
        check('door', door, 1, MAX_DOOR),
        check('seq', seq, 0, MAX_U16),
        check('inTotal', inTotal, 0, MAX_U16),
        check('outTotal', outTotal, 0, MAX_U16),
        bits.toString(16).toUpperCase().padStart(2, '0'),
      ].join(',');
      break;
    }
    case 'hello': {
      const { firmwareVersion, doors, serial } = sentence;
      for (const [name, value] of [
        ['firmwareVersion', firmwareVersion],
        ['serial', serial],
      ] as const)
        if (!TEXT_FIELD.test(value)) throw new RangeError(`${name}: '${value}' not ${TEXT_FIELD}`);
      body = ['FSDH', firmwareVersion, check('doors', doors, 1, MAX_DOOR), serial].join(',');
      break;
    }
  }
  return `$${body}*${xor(body).toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

/** Reader rejections: the parser's codes, `too_long` lines and `garbage` (bytes between lines). */
export type CounterLineRejectionCode = CounterRejectionCode | 'too_long' | 'garbage';

export interface CounterLineReaderStats {
  readonly accepted: number;
  readonly rejected: Readonly<Record<CounterLineRejectionCode, number>>;
}

export interface CounterLineReaderOptions {
  /** Called for each rejection, e.g. to log it at debug level. */
  readonly onRejected?: (code: CounterLineRejectionCode, detail: string) => void;
}

const CR = 13;
const LF = 10;
const DOLLAR = 36;

/**
 * Frames a counter's bytes into sentences, whatever the chunks: lines end on CR and/or LF, a `$`
 * always starts a new sentence (resync after noise or a cut line), binary and over-long lines
 * are dropped, runs of bytes outside a sentence are counted once as garbage. Memory: one line.
 */
export class CounterLineReader {
  // The line without CR LF: `$` to the checksum.
  readonly #line = Buffer.alloc(MAX_LINE_LENGTH - 2);
  #length = 0;
  #state: 'idle' | 'sentence' | 'skip' = 'idle';
  #inGarbage = false;
  readonly #onRejected: CounterLineReaderOptions['onRejected'];
  readonly #counts = {
    accepted: 0,
    rejected: { checksum: 0, malformed: 0, unsupported: 0, too_long: 0, garbage: 0 },
  };

  constructor(options: CounterLineReaderOptions = {}) {
    this.#onRejected = options.onRejected;
  }

  /** A snapshot of the counters. */
  get stats(): CounterLineReaderStats {
    return { accepted: this.#counts.accepted, rejected: { ...this.#counts.rejected } };
  }

  /** Feeds bytes (or text); returns the sentences these bytes completed. */
  push(chunk: Uint8Array | string): CounterSentence[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const out: CounterSentence[] = [];
    for (const byte of bytes) {
      if (byte === CR || byte === LF) {
        if (this.#state === 'sentence') this.#end(out);
        this.#state = 'idle';
        this.#inGarbage = false;
      } else if (byte === DOLLAR) {
        if (this.#state === 'sentence') this.#end(out);
        this.#state = 'sentence';
        this.#line[0] = byte;
        this.#length = 1;
        this.#inGarbage = false;
      } else if (this.#state === 'sentence') {
        if (byte < 0x20 || byte > 0x7e) {
          this.#state = 'idle';
          this.#garbage('binary byte inside a sentence');
        } else if (this.#length === this.#line.length) {
          this.#state = 'skip';
          this.#reject('too_long', `line over ${String(MAX_LINE_LENGTH)} characters`);
        } else {
          this.#line[this.#length++] = byte;
        }
      } else if (this.#state === 'idle') {
        this.#garbage('bytes outside a sentence');
      }
      // 'skip' drops the rest of an over-long line, up to its end or the next `$`.
    }
    return out;
  }

  /** Ends the stream: reads an unterminated last line. */
  flush(): CounterSentence[] {
    const out: CounterSentence[] = [];
    if (this.#state === 'sentence') this.#end(out);
    this.#state = 'idle';
    this.#inGarbage = false;
    return out;
  }

  #garbage(detail: string): void {
    if (this.#inGarbage) return;
    this.#inGarbage = true;
    this.#reject('garbage', detail);
  }

  #reject(code: CounterLineRejectionCode, detail: string): void {
    this.#counts.rejected[code]++;
    this.#onRejected?.(code, detail);
  }

  #end(out: CounterSentence[]): void {
    const text = this.#line.toString('latin1', 0, this.#length);
    this.#length = 0;
    const result = parseCounterSentence(text);
    if (result.type === 'rejected') {
      this.#reject(result.code, `${result.detail}: ${text.slice(0, 24)}`);
      return;
    }
    this.#counts.accepted++;
    out.push(result);
  }
}
