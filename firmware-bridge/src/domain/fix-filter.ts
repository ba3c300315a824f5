// Which receiver epochs become accepted positions: no-fix modes, poor geometry, impossible speeds and jumps,
// zero coordinates, and receiver time that is far from the system clock (GPS week rollover).
import { distanceM } from './geo.js';
import type { Fix } from './fix.js';

export interface FixFilterOptions {
  /** Fixes with a larger horizontal dilution of precision are dropped. */
  readonly maxHdop: number;
  /** A fix implying a faster move from the previous accepted one is dropped, m/s. */
  readonly maxSpeedMps: number;
  /** A fix whose reported speed is higher is dropped: no bus goes that fast, m/s. */
  readonly maxReportedSpeedMps: number;
  /** Receiver time further than this from the system clock is not trusted, ms. */
  readonly maxClockSkewMs: number;
}

export const REJECTIONS = [
  'no_fix',
  'no_position',
  'zero',
  'out_of_range',
  'dop',
  'speed',
  'jump',
] as const;
export type FixRejection = (typeof REJECTIONS)[number];

/** A fix the bridge believes: a position, and the receiver time when it can be trusted. */
export interface AcceptedFix {
  readonly fix: Fix & { readonly lat: number; readonly lon: number; readonly mode: '2d' | '3d' };
  /** The system clock when the fix was taken in, ms: the time everything else uses. */
  readonly at: number;
  /** Receiver time, or null when it is missing or too far from the system clock. */
  readonly fixTime: number | null;
}

export type FilterVerdict =
  | { readonly ok: true; readonly accepted: AcceptedFix; readonly clockSkewed: boolean }
  | { readonly ok: false; readonly reason: FixRejection; readonly detail: string };

/** Two fixes closer in time than this are judged as this far apart (a burst after a stall). */
const MIN_JUMP_INTERVAL_MS = 50;
/** Receiver time gaps beyond this are not used for jumps (a receiver restarted, a long outage). */
const MAX_RECEIVER_GAP_MS = 60_000;

/**
 * Judges fixes one by one against the previous accepted one. Pure: the caller passes the system
 * time of each fix. A run of rejected jumps longer than `maxJumpRun` means the previous position
 * was the wrong one (e.g. the bus was carried on a ferry, or the first fix was bad), so the
 * filter starts over from the new position.
 */
export class FixFilter {
  readonly #options: FixFilterOptions;
  readonly #maxJumpRun: number;
  #last: { lat: number; lon: number; at: number; time: number | null } | null = null;
  #jumpRun = 0;

  constructor(options: FixFilterOptions, maxJumpRun = 5) {
    this.#options = options;
    this.#maxJumpRun = maxJumpRun;
  }

  judge(fix: Fix, at: number): FilterVerdict {
    const { lat, lon, mode } = fix;
    if (mode === 'none') return reject('no_fix', 'the receiver reports no fix');
    if (lat === null || lon === null) return reject('no_position', 'a fix without a position');
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
      return reject('out_of_range', `position ${String(lat)}, ${String(lon)} is not on Earth`);
    if (lat === 0 && lon === 0)
      return reject('zero', 'position 0, 0: receivers say that when they know nothing');
    if (fix.hdop !== null && fix.hdop > this.#options.maxHdop)
      return reject('dop', `hdop ${String(fix.hdop)} above ${String(this.#options.maxHdop)}`);
    // The receiver's own speed, apart from the jump check (which needs a previous fix): a
    // checksum-valid sentence with speed and track swapped says 184.7 m/s.
    if (fix.speed !== null && fix.speed > this.#options.maxReportedSpeedMps)
      return reject(
        'speed',
        `reported speed ${fix.speed.toFixed(1)} m/s above ${String(this.#options.maxReportedSpeedMps)}`,
      );
    const last = this.#last;
    if (last !== null) {
      // The receiver's own times say best how far apart two fixes are (fixes can reach the
      // bridge in bursts); their offset does not matter, so even a rollover date serves.
      const receiverGap = fix.time !== null && last.time !== null ? fix.time - last.time : null;
      const gap =
        receiverGap !== null && receiverGap > 0 && receiverGap <= MAX_RECEIVER_GAP_MS
          ? receiverGap
          : at - last.at;
      const seconds = Math.max(gap, MIN_JUMP_INTERVAL_MS) / 1000;
      const speed = distanceM(last, { lat, lon }) / seconds;
      if (speed > this.#options.maxSpeedMps && this.#jumpRun < this.#maxJumpRun) {
        this.#jumpRun += 1;
        return reject('jump', `implies ${speed.toFixed(0)} m/s from the previous fix`);
      }
    }
    this.#jumpRun = 0;
    this.#last = { lat, lon, at, time: fix.time };
    const clockSkewed = fix.time !== null && Math.abs(fix.time - at) > this.#options.maxClockSkewMs;
    return {
      ok: true,
      accepted: { fix: { ...fix, lat, lon, mode }, at, fixTime: clockSkewed ? null : fix.time },
      clockSkewed,
    };
  }
}

function reject(reason: FixRejection, detail: string): FilterVerdict {
  return { ok: false, reason, detail };
}
