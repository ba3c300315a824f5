// An accepted fix as the body of a `gnss` message: optional fields only when the receiver gave
// them and they are within the schema's ranges (a receiver's nonsense altitude does not cost the
// position).
import type { BodyOf, GnssMessage } from '@fsbus/shared';
import type { AcceptedFix } from './fix-filter.js';

type Via = GnssMessage['via'];

function within(value: number | null, min: number, max: number, open = false): value is number {
  return (
    value !== null && Number.isFinite(value) && value >= min && (open ? value < max : value <= max)
  );
}

export function gnssBody({ fix, fixTime }: AcceptedFix, via: Via): BodyOf<'gnss'> {
  return {
    lat: fix.lat,
    lon: fix.lon,
    mode: fix.mode,
    fixTime: fixTime === null ? null : new Date(fixTime).toISOString(),
    via,
    ...(within(fix.alt, -1000, 20_000) ? { alt: fix.alt } : {}),
    ...(within(fix.speed, 0, 200) ? { speed: fix.speed } : {}),
    ...(within(fix.track, 0, 360, true) ? { track: fix.track } : {}),
    ...(within(fix.hdop, 0, 100) ? { hdop: fix.hdop } : {}),
    ...(within(fix.vdop, 0, 100) ? { vdop: fix.vdop } : {}),
    ...(within(fix.pdop, 0, 100) ? { pdop: fix.pdop } : {}),
    ...(within(fix.eph, 0, 1e6) ? { eph: fix.eph } : {}),
    ...(within(fix.satellitesUsed, 0, 255) ? { satellitesUsed: fix.satellitesUsed } : {}),
    ...(within(fix.satellitesVisible, 0, 255) ? { satellitesVisible: fix.satellitesVisible } : {}),
  };
}
