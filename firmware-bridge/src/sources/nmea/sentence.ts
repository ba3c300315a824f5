// NMEA 0183 sentence parser: one line in, one typed sentence or a typed rejection out; never throws.

const KNOTS_TO_MPS = 1852 / 3600;
const KMH_TO_MPS = 1000 / 3600;
/** Receivers send 99.99 (or more) for a dilution of precision they could not compute. */
const DOP_UNKNOWN = 99;
const MODE_LETTERS = 'ADEFMNPRS';

/** A calendar date as the receiver gave it (a two-digit year is 1980-2079). */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * FAA mode indicator (NMEA 2.3+): A autonomous, D differential, E estimated (dead reckoning),
 * F float RTK, M manual, N not valid, P precise, R RTK fixed, S simulator.
 */
export type ModeIndicator = 'A' | 'D' | 'E' | 'F' | 'M' | 'N' | 'P' | 'R' | 'S';

/** The fields a parser reads, by the name a bad one is counted under. */
export type FieldName =
  | 'time'
  | 'date'
  | 'latitude'
  | 'longitude'
  | 'speed'
  | 'track'
  | 'altitude'
  | 'altitude_unit'
  | 'quality'
  | 'satellites_used'
  | 'hdop'
  | 'pdop'
  | 'vdop'
  | 'fix_type'
  | 'mode_indicators'
  | 'satellite'
  | 'elevation'
  | 'azimuth'
  | 'snr'
  | 'in_view'
  | 'signal_id'
  | 'total'
  | 'part';

interface SentenceBase {
  /** Two-character talker id: GP, GN, GL, GA, GB, BD, GQ, GI, or whatever the receiver used. */
  readonly talker: string;
  /**
   * Non-empty fields that did not parse and read as null (a week-rollover firmware's RMC date
   * `2208-1`, say): the sentence keeps every other field.
   */
  readonly badFields: readonly FieldName[];
}

/** RMC, recommended minimum data. Speed in m/s, track in degrees true. */
export interface RmcSentence extends SentenceBase {
  readonly type: 'RMC';
  /** UTC time of day, ms since midnight. */
  readonly time: number | null;
  /** Status A (or D): data valid; V: warning, the position is not a fix. */
  readonly valid: boolean;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly speed: number | null;
  readonly track: number | null;
  readonly date: CalendarDate | null;
  readonly mode: ModeIndicator | null;
  /** NMEA 4.1 navigational status (S safe, C caution, U unsafe, V not valid). */
  readonly navStatus: string | null;
}

/** GGA, fix data. `quality` 0 means no fix; altitude above mean sea level, metres. */
export interface GgaSentence extends SentenceBase {
  readonly type: 'GGA';
  readonly time: number | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly quality: number | null;
  readonly satellitesUsed: number | null;
  readonly hdop: number | null;
  readonly alt: number | null;
}

/** GNS, multi-constellation fix data; `modes` holds one mode indicator per constellation. */
export interface GnsSentence extends SentenceBase {
  readonly type: 'GNS';
  readonly time: number | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly modes: readonly ModeIndicator[];
  readonly satellitesUsed: number | null;
  readonly hdop: number | null;
  readonly alt: number | null;
  readonly navStatus: string | null;
}

/** VTG, course and speed over ground. */
export interface VtgSentence extends SentenceBase {
  readonly type: 'VTG';
  readonly track: number | null;
  readonly speed: number | null;
  readonly mode: ModeIndicator | null;
}

/** GSA, fix dimension, satellites used and dilutions of precision. */
export interface GsaSentence extends SentenceBase {
  readonly type: 'GSA';
  /** 1 no fix, 2 2D, 3 3D. */
  readonly fixType: 1 | 2 | 3 | null;
  readonly satellites: readonly number[];
  readonly pdop: number | null;
  readonly hdop: number | null;
  readonly vdop: number | null;
  /** NMEA 4.11 GNSS system id, when given. */
  readonly systemId: number | null;
}

/** GLL, position and time. */
export interface GllSentence extends SentenceBase {
  readonly type: 'GLL';
  readonly lat: number | null;
  readonly lon: number | null;
  readonly time: number | null;
  readonly valid: boolean;
  readonly mode: ModeIndicator | null;
}

/** ZDA, UTC time and date. */
export interface ZdaSentence extends SentenceBase {
  readonly type: 'ZDA';
  readonly time: number | null;
  readonly date: CalendarDate | null;
}

/** One satellite of a GSV sentence; elevation and azimuth in degrees, snr in dB-Hz. */
export interface SatelliteInView {
  readonly prn: number;
  readonly elevation: number | null;
  readonly azimuth: number | null;
  readonly snr: number | null;
}

/** GSV, one part of the satellites-in-view list of one talker (and NMEA 4.1 signal). */
export interface GsvSentence extends SentenceBase {
  readonly type: 'GSV';
  readonly total: number;
  readonly part: number;
  readonly inView: number | null;
  readonly satellites: readonly SatelliteInView[];
  readonly signalId: number | null;
}

export type NmeaSentence =
  | RmcSentence
  | GgaSentence
  | GnsSentence
  | VtgSentence
  | GsaSentence
  | GllSentence
  | ZdaSentence
  | GsvSentence;

/**
 * Why a line is not a sentence: `checksum` wrong or missing, `malformed` structure or field,
 * `unsupported` a well-formed sentence of a type this parser does not read (proprietary,
 * AIS, ...): counted, not an error.
 */
export type SentenceRejectionCode = 'checksum' | 'malformed' | 'unsupported';

export interface SentenceRejection {
  readonly type: 'rejected';
  readonly code: SentenceRejectionCode;
  readonly detail: string;
}

export type SentenceResult = NmeaSentence | SentenceRejection;

function reject(code: SentenceRejectionCode, detail: string): SentenceRejection {
  return { type: 'rejected', code, detail };
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 70) return code - 55; // A-F
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Digits with at most one decimal point and an optional sign; at least one digit. */
function isDecimal(s: string, signed: boolean): boolean {
  let digits = 0;
  let point = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (c === 46 && !point) point = true;
    else if (!(signed && i === 0 && (c === 45 || c === 43))) return false;
  }
  return digits > 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function calendarDate(year: number, month: number, day: number): CalendarDate | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/**
 * Reads the fields of one sentence; a non-empty field that does not parse is recorded in `bad`
 * and reads as null, so each parser stays a flat list of fields and keeps the others.
 */
class Fields {
  readonly bad: FieldName[] = [];

  constructor(private readonly values: readonly string[]) {}

  get count(): number {
    return this.values.length;
  }

  str(i: number): string {
    return this.values[i] ?? '';
  }

  fail(name: FieldName): null {
    if (!this.bad.includes(name)) this.bad.push(name);
    return null;
  }

  num(i: number, name: FieldName, signed = false): number | null {
    const s = this.str(i);
    if (s === '') return null;
    const value = isDecimal(s, signed) ? Number(s) : Number.NaN;
    return Number.isFinite(value) ? value : this.fail(name);
  }

  int(i: number, name: FieldName): number | null {
    const value = this.num(i, name);
    return value === null || Number.isSafeInteger(value) ? value : this.fail(name);
  }

  dop(i: number, name: FieldName): number | null {
    const value = this.num(i, name);
    return value !== null && value >= DOP_UNKNOWN ? null : value;
  }

  /** Degrees true in [0, 360). */
  track(i: number): number | null {
    const value = this.num(i, 'track', true);
    if (value === null) return null;
    if (Math.abs(value) > 360) return this.fail('track');
    return value < 0 ? value + 360 : value === 360 ? 0 : value;
  }

  /** One character among `allowed`, or null when empty. */
  char(i: number, name: FieldName, allowed: string): string | null {
    const s = this.str(i);
    if (s === '') return null;
    return s.length === 1 && allowed.includes(s) ? s : this.fail(name);
  }

  mode(i: number): ModeIndicator | null {
    // Unknown letters (the eXplorist sends V) read as null rather than failing the sentence.
    const s = this.str(i);
    return s.length === 1 && MODE_LETTERS.includes(s) ? (s as ModeIndicator) : null;
  }

  /** hhmmss[.s...] -> ms since midnight. */
  time(i: number): number | null {
    const s = this.str(i);
    if (s === '') return null;
    if (s.length < 6) return this.fail('time');
    for (let k = 0; k < 6; k++) if (!isDigit(s.charCodeAt(k))) return this.fail('time');
    const hours = Number(s.slice(0, 2));
    const minutes = Number(s.slice(2, 4));
    const seconds = Number(s.slice(4, 6));
    let ms = 0;
    if (s.length > 6) {
      const fraction = s.slice(6);
      if (fraction.charCodeAt(0) !== 46 || !isDecimal(fraction, false)) return this.fail('time');
      ms = Math.round(Number(fraction) * 1000);
    }
    if (hours > 23 || minutes > 59 || seconds > 60) return this.fail('time');
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
  }

  /** ddmm.mmm + N/S (degrees 2 digits) or dddmm.mmm + E/W, any number of decimals. */
  coordinate(
    i: number,
    name: 'latitude' | 'longitude',
    positive: string,
    negative: string,
    strict: boolean,
  ): number | null {
    const s = this.str(i);
    const hemisphere = this.str(i + 1);
    if (s === '' && hemisphere === '') return null;
    // A sentence flagged invalid may carry any leftover in its position fields (the TN200 sends
    // 36000.0000,N): that position is not used, so it reads as null instead of failing.
    const fail = (): null => (strict ? this.fail(name) : null);
    if (!isDecimal(s, false)) return fail();
    if (hemisphere !== positive && hemisphere !== negative) return fail();
    const value = Number(s);
    const degrees = Math.floor(value / 100);
    const minutes = value - degrees * 100;
    const max = positive === 'N' ? 90 : 180;
    const result = degrees + minutes / 60;
    if (!Number.isFinite(value) || minutes >= 60 || result > max) return fail();
    return hemisphere === negative ? -result : result;
  }

  lat(i: number, strict = true): number | null {
    return this.coordinate(i, 'latitude', 'N', 'S', strict);
  }

  lon(i: number, strict = true): number | null {
    return this.coordinate(i, 'longitude', 'E', 'W', strict);
  }

  /** ddmmyy; two-digit years 80-99 are 1980-1999 (GPS began in 1980), 00-79 are 2000-2079. */
  ddmmyy(i: number): CalendarDate | null {
    const s = this.str(i);
    if (s === '') return null;
    if (s.length !== 6 || !isDecimal(s, false) || s.includes('.')) return this.fail('date');
    const yy = Number(s.slice(4, 6));
    const date = calendarDate(
      yy < 80 ? 2000 + yy : 1900 + yy,
      Number(s.slice(2, 4)),
      Number(s.slice(0, 2)),
    );
    return date ?? this.fail('date');
  }

  /** MSL altitude with its unit field, which must be M when given. */
  altitude(i: number): number | null {
    const value = this.num(i, 'altitude', true);
    const unit = this.str(i + 1);
    if (value !== null && unit !== '' && unit !== 'M') return this.fail('altitude_unit');
    return value;
  }
}

function parseRmc(talker: string, f: Fields): RmcSentence {
  // RMC,time,status,lat,N,lon,E,knots,track,ddmmyy,magvar,E,mode,navstatus
  // Any status other than A or D (V, empty, or a receiver's own letter) is not a fix.
  const status = f.str(2);
  const valid = status === 'A' || status === 'D';
  const knots = f.num(7, 'speed');
  return {
    type: 'RMC',
    talker,
    badFields: f.bad,
    time: f.time(1),
    valid,
    lat: f.lat(3, valid),
    lon: f.lon(5, valid),
    speed: knots === null ? null : knots * KNOTS_TO_MPS,
    track: f.track(8),
    date: f.ddmmyy(9),
    mode: f.mode(12),
    navStatus: f.str(13) === '' ? null : f.str(13),
  };
}

function parseGga(talker: string, f: Fields): GgaSentence {
  // GGA,time,lat,N,lon,E,quality,used,hdop,alt,M,geoid,M,age,station
  const quality = f.int(6, 'quality');
  const valid = quality !== null && quality > 0;
  return {
    type: 'GGA',
    talker,
    badFields: f.bad,
    time: f.time(1),
    lat: f.lat(2, valid),
    lon: f.lon(4, valid),
    quality,
    satellitesUsed: f.int(7, 'satellites_used'),
    hdop: f.dop(8, 'hdop'),
    alt: f.altitude(9),
  };
}

function parseGns(talker: string, f: Fields): GnsSentence {
  // GNS,time,lat,N,lon,E,modes,used,hdop,alt,geoid,age,station,navstatus
  const modeField = f.str(6);
  const modes: ModeIndicator[] = [];
  for (const c of modeField) {
    if (!'ADEFMNPRS'.includes(c)) {
      f.fail('mode_indicators');
      break;
    }
    modes.push(c as ModeIndicator);
  }
  return {
    type: 'GNS',
    talker,
    badFields: f.bad,
    time: f.time(1),
    lat: f.lat(2),
    lon: f.lon(4),
    modes,
    satellitesUsed: f.int(7, 'satellites_used'),
    hdop: f.dop(8, 'hdop'),
    alt: f.num(9, 'altitude', true),
    navStatus: f.str(13) === '' ? null : f.str(13),
  };
}

function parseVtg(talker: string, f: Fields): VtgSentence {
  // VTG,track,T,magtrack,M,knots,N,kmh,K,mode; some old receivers omit the unit letters:
  // VTG,track,magtrack,knots,kmh.
  if (f.count === 5) {
    const knots = f.num(3, 'speed');
    const kmh = f.num(4, 'speed');
    const speed = knots === null ? (kmh === null ? null : kmh * KMH_TO_MPS) : knots * KNOTS_TO_MPS;
    return { type: 'VTG', talker, badFields: f.bad, track: f.track(1), speed, mode: null };
  }
  const knots = f.num(5, 'speed');
  const kmh = f.num(7, 'speed');
  const speed = knots === null ? (kmh === null ? null : kmh * KMH_TO_MPS) : knots * KNOTS_TO_MPS;
  return { type: 'VTG', talker, badFields: f.bad, track: f.track(1), speed, mode: f.mode(9) };
}

/** NMEA 4.11 system id, 1-9; some receivers put something else (a TDOP) in that field. */
function systemId(field: string): number | null {
  return field.length === 1 && isDigit(field.charCodeAt(0)) ? Number(field) : null;
}

function parseGsa(talker: string, f: Fields): GsaSentence {
  // GSA,A/M,fix,12 x prn,pdop,hdop,vdop[,system]; a few receivers send more PRN slots
  // (the CH-4701 sends 24), some send fewer when they have no fix.
  const fixType = f.char(2, 'fix_type', '123');
  const standard = f.count === 18 || f.count === 19;
  const dopAt = standard ? 15 : f.count > 19 ? f.count - 3 : -1;
  const prnEnd = dopAt > 0 ? dopAt : f.count;
  const satellites: number[] = [];
  for (let i = 3; i < prnEnd; i++) {
    const prn = f.int(i, 'satellite');
    if (prn !== null && prn > 0) satellites.push(prn);
  }
  return {
    type: 'GSA',
    talker,
    badFields: f.bad,
    fixType: fixType === null ? null : (Number(fixType) as 1 | 2 | 3),
    satellites,
    pdop: dopAt > 0 ? f.dop(dopAt, 'pdop') : null,
    hdop: dopAt > 0 ? f.dop(dopAt + 1, 'hdop') : null,
    vdop: dopAt > 0 ? f.dop(dopAt + 2, 'vdop') : null,
    systemId: f.count === 19 ? systemId(f.str(18)) : null,
  };
}

function parseGll(talker: string, f: Fields): GllSentence {
  // GLL,lat,N,lon,E,time,status,mode
  // Any status other than A (V, or the N some Magellan receivers send) is not a fix.
  const valid = f.str(6) === 'A';
  return {
    type: 'GLL',
    talker,
    badFields: f.bad,
    lat: f.lat(1, valid),
    lon: f.lon(3, valid),
    time: f.time(5),
    valid,
    mode: f.mode(7),
  };
}

function parseZda(talker: string, f: Fields): ZdaSentence {
  // ZDA,time,dd,mm,yyyy,zone hours,zone minutes
  const day = f.int(2, 'date');
  const month = f.int(3, 'date');
  const year = f.int(4, 'date');
  let date: CalendarDate | null = null;
  if (day !== null && month !== null && year !== null) {
    date = year >= 1 && year <= 9999 ? calendarDate(year, month, day) : null;
    if (date === null) f.fail('date');
  }
  return { type: 'ZDA', talker, badFields: f.bad, time: f.time(1), date };
}

function parseGsv(talker: string, f: Fields): GsvSentence | SentenceRejection {
  // GSV,total,part,in view,{prn,elevation,azimuth,snr} x 0-4[,signal]
  const total = f.int(1, 'total');
  const part = f.int(2, 'part');
  if (total === null || part === null || part < 1 || part > total) {
    return reject('malformed', 'GSV without a valid part number');
  }
  const groups = Math.floor((f.count - 4) / 4);
  const satellites: SatelliteInView[] = [];
  for (let g = 0; g < groups; g++) {
    const at = 4 + g * 4;
    const prn = f.int(at, 'satellite');
    if (prn === null || prn === 0) continue; // empty slots at the end of the last part
    satellites.push({
      prn,
      elevation: f.num(at + 1, 'elevation', true),
      azimuth: f.num(at + 2, 'azimuth'),
      snr: f.num(at + 3, 'snr'),
    });
  }
  const hasSignal = f.count > 4 && (f.count - 4) % 4 === 1;
  return {
    type: 'GSV',
    talker,
    badFields: f.bad,
    total,
    part,
    inView: f.int(3, 'in_view'),
    satellites,
    signalId: hasSignal ? f.int(f.count - 1, 'signal_id') : null,
  };
}

/** Minimum field counts (address field included) below which a sentence is malformed. */
const MIN_FIELDS: Record<NmeaSentence['type'], number> = {
  RMC: 10,
  GGA: 10,
  GNS: 10,
  VTG: 5,
  GSA: 3,
  GLL: 7,
  ZDA: 5,
  GSV: 4,
};

/** 3 to 10 upper-case letters or digits (talker + type, or P + maker + type). */
function isAddress(address: string): boolean {
  if (address.length < 3 || address.length > 10) return false;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (!isDigit(c) && (c < 65 || c > 90)) return false;
  }
  return true;
}

function isSupported(type: string): type is NmeaSentence['type'] {
  return Object.hasOwn(MIN_FIELDS, type);
}

/**
 * Parses one NMEA 0183 line (with or without its CR/LF): the checksum is required and verified,
 * then RMC, GGA, GNS, VTG, GSA, GLL, ZDA and GSV of any talker are decoded. Never throws.
 */
export function parseNmeaSentence(line: string): SentenceResult {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 13 || line.charCodeAt(end - 1) === 10)) end--;
  const first = line.charCodeAt(0);
  if (first !== 36 && first !== 33) return reject('malformed', 'does not start with $ or !');
  const star = end - 3;
  if (star < 1 || line.charCodeAt(star) !== 42) return reject('checksum', 'no *hh checksum');
  const high = hexValue(line.charCodeAt(star + 1));
  const low = hexValue(line.charCodeAt(star + 2));
  if (high < 0 || low < 0) return reject('checksum', 'checksum is not two hex digits');
  let sum = 0;
  for (let i = 1; i < star; i++) {
    const c = line.charCodeAt(i);
    if (c < 32 || c > 126) return reject('malformed', 'non-printable character');
    sum ^= c;
  }
  if (sum !== high * 16 + low) {
    return reject('checksum', `computed ${sum.toString(16).toUpperCase().padStart(2, '0')}`);
  }
  if (first === 33) return reject('unsupported', 'encapsulated sentence (AIS)');
  const values = line.slice(1, star).split(',');
  const address = values[0] ?? '';
  // Proprietary sentences follow their maker's rules (SiRF sends $PSRFTXTVersion ... unsplit).
  if (address.startsWith('P')) return reject('unsupported', `proprietary ${address.slice(0, 8)}`);
  if (!isAddress(address)) return reject('malformed', 'address field');
  if (address.length !== 5) return reject('unsupported', `sentence ${address}`);
  const talker = address.slice(0, 2);
  const type = address.slice(2);
  if (!isSupported(type)) return reject('unsupported', `sentence type ${type}`);
  if (values.length < MIN_FIELDS[type]) return reject('malformed', `${type} too short`);
  const f = new Fields(values);
  let sentence: SentenceResult;
  switch (type) {
    case 'RMC':
      sentence = parseRmc(talker, f);
      break;
    case 'GGA':
      sentence = parseGga(talker, f);
      break;
    case 'GNS':
      sentence = parseGns(talker, f);
      break;
    case 'VTG':
      sentence = parseVtg(talker, f);
      break;
    case 'GSA':
      sentence = parseGsa(talker, f);
      break;
    case 'GLL':
      sentence = parseGll(talker, f);
      break;
    case 'ZDA':
      sentence = parseZda(talker, f);
      break;
    case 'GSV':
      sentence = parseGsv(talker, f);
      break;
  }
  return sentence;
}
