// NMEA 0183 byte stream reader: frames lines out of arbitrary chunks, parses them, merges epochs.
import type { Fix } from '../../domain/fix.js';
import { EpochAssembler } from './epoch.js';
import { parseNmeaSentence, type FieldName, type SentenceRejectionCode } from './sentence.js';

/**
 * The NMEA maximum is 82 characters with $ and CR LF, but real receivers exceed it (u-blox
 * high-precision GGA, long GSV with signal ids): lines up to this length are accepted.
 */
export const MAX_LINE_LENGTH = 120;

const CR = 13;
const LF = 10;
const DOLLAR = 36;
const BANG = 33;
const HASH = 35;

/**
 * Why bytes did not become a sentence: the parser's codes, plus `too_long` (a line over
 * MAX_LINE_LENGTH) and `garbage` (bytes outside any sentence, or binary inside one; counted once
 * per run of such bytes).
 */
export type NmeaRejectionCode = SentenceRejectionCode | 'too_long' | 'garbage';

export interface NmeaReaderStats {
  /** Sentences decoded and merged into epochs. */
  readonly accepted: number;
  /**
   * Lines whose checksum is correct, whatever their type (unsupported, AIS included): near zero
   * at a wrong baud rate, so the serial source can tell a right one.
   */
  readonly checksumValid: number;
  readonly fixes: number;
  /** Comment lines (`#`, in log files) and AIS sentences (`!AIVDM`), skipped on purpose. */
  readonly ignored: number;
  readonly rejected: Readonly<Record<NmeaRejectionCode, number>>;
  /** Fields that did not parse, by name, in sentences kept without them. */
  readonly badFields: Readonly<Partial<Record<FieldName, number>>>;
}

/** A reader's counters, named as the status topic reports them (bad fields only once seen). */
export function readerMetrics(stats: NmeaReaderStats): Record<string, number> {
  return {
    nmea_sentences: stats.accepted,
    nmea_fixes: stats.fixes,
    ...Object.fromEntries(
      Object.entries(stats.rejected).map(([code, count]) => [`nmea_rejected_${code}`, count]),
    ),
    ...Object.fromEntries(
      Object.entries(stats.badFields).map(([field, count]) => [`nmea_bad_field_${field}`, count]),
    ),
  };
}

export interface NmeaRejection {
  readonly code: NmeaRejectionCode;
  readonly detail: string;
}

export interface NmeaReaderOptions {
  /** Called for each rejection, e.g. to log it at debug level. */
  readonly onRejected?: (rejection: NmeaRejection) => void;
  /** Called for each field that did not parse in a sentence kept without it. */
  readonly onBadField?: (bad: { readonly field: FieldName; readonly detail: string }) => void;
}

type State = 'idle' | 'sentence' | 'comment' | 'overflow';

/**
 * Turns the bytes of a GPS receiver (or a log) into fixes: lines framed on CR and/or LF,
 * resynchronised on `$` or `!`, comments and AIS skipped, over-long lines and binary dropped,
 * memory bounded whatever the input. Never throws.
 */
export class NmeaReader {
  private readonly epochs = new EpochAssembler();
  private readonly line = Buffer.alloc(MAX_LINE_LENGTH);
  private length = 0;
  private state: State = 'idle';
  private atLineStart = true;
  /** A run of garbage is being skipped (counted once). */
  private inGarbage = false;
  private readonly onRejected: ((rejection: NmeaRejection) => void) | undefined;
  private readonly onBadField: NmeaReaderOptions['onBadField'];
  private readonly counts = {
    accepted: 0,
    checksumValid: 0,
    fixes: 0,
    ignored: 0,
    rejected: { checksum: 0, malformed: 0, unsupported: 0, too_long: 0, garbage: 0 },
    badFields: {} as Partial<Record<FieldName, number>>,
  };

  constructor(options: NmeaReaderOptions = {}) {
    this.onRejected = options.onRejected;
    this.onBadField = options.onBadField;
  }

  /** A snapshot of the counters. */
  get stats(): NmeaReaderStats {
    return {
      ...this.counts,
      rejected: { ...this.counts.rejected },
      badFields: { ...this.counts.badFields },
    };
  }

  /** Feeds bytes (or text); returns the fixes these bytes completed. */
  push(chunk: Uint8Array | string): Fix[] {
    // Text as UTF-8: any non-ASCII character becomes bytes above 0x7F, which are garbage.
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const out: Fix[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] ?? 0;
      if (byte === CR || byte === LF) {
        if (this.state === 'sentence') this.endSentence(out);
        this.state = 'idle';
        this.atLineStart = true;
        this.inGarbage = false;
      } else if (byte === DOLLAR || byte === BANG) {
        // `$` and `!` never occur inside a sentence: one starts here, whatever came before.
        if (this.state === 'sentence') this.endSentence(out);
        this.state = 'sentence';
        this.line[0] = byte;
        this.length = 1;
        this.atLineStart = false;
        this.inGarbage = false;
      } else if (this.state === 'sentence') {
        if (byte < 32 || byte > 126) {
          this.state = 'idle';
          this.garbage('binary byte inside a sentence');
        } else if (this.length === MAX_LINE_LENGTH) {
          this.state = 'overflow';
          this.reject('too_long', `line over ${String(MAX_LINE_LENGTH)} characters`);
        } else {
          this.line[this.length++] = byte;
        }
      } else if (this.state === 'idle') {
        if (this.atLineStart && byte === HASH) {
          this.state = 'comment';
          this.counts.ignored++;
        } else {
          this.garbage('bytes outside a sentence');
        }
        this.atLineStart = false;
      }
      // 'comment' and 'overflow' skip bytes until the end of the line (or the next `$`).
    }
    this.counts.fixes += out.length;
    return out;
  }

  /** Ends the stream (or a silence): reads an unterminated last line, emits the epoch in progress. */
  flush(): Fix[] {
    const out: Fix[] = [];
    if (this.state === 'sentence') this.endSentence(out);
    this.state = 'idle';
    this.atLineStart = true;
    this.inGarbage = false;
    for (const fix of this.epochs.flush()) out.push(fix);
    this.counts.fixes += out.length;
    return out;
  }

  private garbage(detail: string): void {
    if (this.inGarbage) return;
    this.inGarbage = true;
    this.reject('garbage', detail);
  }

  private reject(code: NmeaRejectionCode, detail: string): void {
    this.counts.rejected[code]++;
    this.onRejected?.({ code, detail });
  }

  private endSentence(out: Fix[]): void {
    const text = this.line.toString('latin1', 0, this.length);
    this.length = 0;
    const result = parseNmeaSentence(text);
    if (result.type !== 'rejected') {
      this.counts.accepted++;
      this.counts.checksumValid++;
      for (const field of result.badFields) {
        this.counts.badFields[field] = (this.counts.badFields[field] ?? 0) + 1;
        this.onBadField?.({ field, detail: text.slice(0, 40) });
      }
      for (const fix of this.epochs.push(result)) out.push(fix);
      return;
    }
    if (result.code !== 'checksum') this.counts.checksumValid++;
    if (text.charCodeAt(0) === BANG && result.code === 'unsupported') this.counts.ignored++;
    else this.reject(result.code, `${result.detail}: ${text.slice(0, 16)}`);
  }
}
