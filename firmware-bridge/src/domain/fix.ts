// One receiver epoch as the bridge sees it, whatever the source (gpsd, NMEA serial, replay,
// simulator): the common currency of the GNSS readers, the fix filter and the stop tracker.

/** Fix dimension as the receiver reports it; `none` when it has no position. */
export type FixMode = 'none' | '2d' | '3d';

/** One epoch of a receiver. Every field the receiver did not give is null. */
export interface Fix {
  /** Receiver UTC time of the fix, ms since 1970; null when the receiver gave no date. */
  readonly time: number | null;
  readonly mode: FixMode;
  /** Degrees, WGS84; null without a position. */
  readonly lat: number | null;
  readonly lon: number | null;
  /** Metres above mean sea level. */
  readonly alt: number | null;
  /** Speed over ground, m/s. */
  readonly speed: number | null;
  /** Course over ground, degrees true, [0, 360). */
  readonly track: number | null;
  readonly hdop: number | null;
  readonly vdop: number | null;
  readonly pdop: number | null;
  /** Estimated horizontal error, metres (gpsd's eph). */
  readonly eph: number | null;
  readonly satellitesUsed: number | null;
  readonly satellitesVisible: number | null;
}

/** A fix with every field null: the start of a merge. */
export const EMPTY_FIX: Fix = Object.freeze({
  time: null,
  mode: 'none',
  lat: null,
  lon: null,
  alt: null,
  speed: null,
  track: null,
  hdop: null,
  vdop: null,
  pdop: null,
  eph: null,
  satellitesUsed: null,
  satellitesVisible: null,
});
