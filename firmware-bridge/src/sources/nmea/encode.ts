// NMEA 0183 encoder: a Fix as the RMC, GGA, GSA and VTG sentences a receiver would send.
import type { Fix } from '../../domain/fix.js';

const MPS_TO_KNOTS = 3600 / 1852;
const MPS_TO_KMH = 3.6;
const DAY_MS = 86_400_000;
/** Minutes of arc are written with 5 decimals: 1e-5 minute is under 2 cm. */
const MINUTE_DECIMALS = 5;

export interface EncodeOptions {
  /** Talker id of every sentence; GP by default. */
  readonly talker?: string;
}

/** `$` + body + `*hh` + CR LF, the checksum being the XOR of the body's characters. */
export function withChecksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return `$${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function fixed(value: number | null, decimals: number): string {
  return value === null ? '' : value.toFixed(decimals);
}

/** hhmmss.sss of a UTC time; empty without one. */
function timeField(time: number | null): string {
  if (time === null) return '';
  const ms = ((time % DAY_MS) + DAY_MS) % DAY_MS;
  const seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${pad(h, 2)}${pad(m, 2)}${pad(seconds % 60, 2)}.${pad(ms % 1000, 3)}`;
}

/** ddmmyy of a UTC time (two-digit year: 1980-2079 read back as written); empty without one. */
function dateField(time: number | null): string {
  if (time === null) return '';
  const date = new Date(time);
  return `${pad(date.getUTCDate(), 2)}${pad(date.getUTCMonth() + 1, 2)}${pad(date.getUTCFullYear() % 100, 2)}`;
}

/** ddmm.mmmmm,N / dddmm.mmmmm,E, rounded once in minutes so 59.999996' carries into a degree. */
function coordinate(value: number | null, degreeDigits: number, hemispheres: string): string {
  if (value === null) return ',';
  const scale = 10 ** MINUTE_DECIMALS;
  const units = Math.round(Math.abs(value) * 60 * scale);
  const degrees = Math.floor(units / (60 * scale));
  const minutes = (units - degrees * 60 * scale) / scale;
  const hemisphere = value < 0 ? hemispheres.charAt(1) : hemispheres.charAt(0);
  return `${pad(degrees, degreeDigits)}${minutes.toFixed(MINUTE_DECIMALS).padStart(3 + MINUTE_DECIMALS, '0')},${hemisphere}`;
}

function position(fix: Fix): string {
  const lat = fix.mode === 'none' ? null : fix.lat;
  const lon = fix.mode === 'none' ? null : fix.lon;
  return `${coordinate(lat, 2, 'NS')},${coordinate(lon, 3, 'EW')}`;
}

/** Moving fields only make sense with a fix. */
function moving(fix: Fix): { speed: number | null; track: number | null } {
  return fix.mode === 'none'
    ? { speed: null, track: null }
    : { speed: fix.speed, track: fix.track };
}

function rmc(talker: string, fix: Fix): string {
  const { speed, track } = moving(fix);
  const valid = fix.mode !== 'none';
  const knots = speed === null ? null : speed * MPS_TO_KNOTS;
  return withChecksum(
    [
      `${talker}RMC`,
      timeField(fix.time),
      valid ? 'A' : 'V',
      position(fix),
      fixed(knots, 3),
      fixed(track, 2),
      dateField(fix.time),
      '',
      '',
      valid ? 'A' : 'N',
    ].join(','),
  );
}

function gga(talker: string, fix: Fix): string {
  const quality = fix.mode === 'none' ? '0' : '1';
  const alt = fix.mode === '3d' ? fix.alt : null;
  return withChecksum(
    [
      `${talker}GGA`,
      timeField(fix.time),
      position(fix),
      quality,
      fix.satellitesUsed === null ? '' : pad(Math.min(fix.satellitesUsed, 99), 2),
      fixed(fix.hdop, 1),
      fixed(alt, 1),
      alt === null ? '' : 'M',
      '',
      '',
      '',
      '',
    ].join(','),
  );
}

function gsa(talker: string, fix: Fix): string {
  const fixType = fix.mode === '3d' ? '3' : fix.mode === '2d' ? '2' : '1';
  const prns = new Array<string>(12).fill('');
  return withChecksum(
    [
      `${talker}GSA`,
      'A',
      fixType,
      ...prns,
      fixed(fix.pdop, 1),
      fixed(fix.hdop, 1),
      fixed(fix.vdop, 1),
    ].join(','),
  );
}

function vtg(talker: string, fix: Fix): string {
  const { speed, track } = moving(fix);
  return withChecksum(
    [
      `${talker}VTG`,
      fixed(track, 2),
      'T',
      '',
      'M',
      fixed(speed === null ? null : speed * MPS_TO_KNOTS, 3),
      'N',
      fixed(speed === null ? null : speed * MPS_TO_KMH, 3),
      'K',
      fix.mode === 'none' ? 'N' : 'A',
    ].join(','),
  );
}

/**
 * The sentences of one receiver epoch for `fix`: RMC, GGA, GSA and VTG, each with its checksum
 * and CR LF. Fields the fix lacks are left empty; a fix of mode `none` is sent as a receiver
 * without a fix sends it (RMC V, GGA quality 0, GSA 1, VTG N). Precision: 1e-5 minute of arc,
 * 1 ms, 0.001 knot, 0.01 degree of track, 0.1 m of altitude and 0.1 of dilution.
 */
export function encodeFix(fix: Fix, options: EncodeOptions = {}): string[] {
  const talker = options.talker ?? 'GP';
  return [rmc(talker, fix), gga(talker, fix), gsa(talker, fix), vtg(talker, fix)];
}
