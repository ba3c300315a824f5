// Units and value types shared by the payloads: SI units, WGS 84 degrees, ISO-8601 times.
import { z } from 'zod';

/** A moment in UTC, ISO-8601 with a `Z` suffix, e.g. `2026-11-23T08:30:00.000Z`. */
export const UtcTime = z.iso.datetime({ error: 'an ISO-8601 UTC date-time ending in "Z"' });

/** A scheduled local time with its UTC offset, e.g. `2026-11-23T09:30:00+01:00`. */
export const LocalTime = z.iso.datetime({
  offset: true,
  local: false,
  error: 'an ISO-8601 date-time with a UTC offset, e.g. 2026-11-23T09:30:00+01:00',
});

/** A service day in the bus's time zone, `YYYY-MM-DD`. */
export const ServiceDate = z.iso.date({ error: 'a date YYYY-MM-DD' });

/** The service date (YYYY-MM-DD) of an instant in a time zone. */
export function serviceDate(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));
}

export const Latitude = z
  .number()
  .min(-90)
  .max(90)
  .meta({ description: 'WGS 84 latitude, degrees' });
export const Longitude = z
  .number()
  .min(-180)
  .max(180)
  .meta({ description: 'WGS 84 longitude, degrees' });

/** A count of people or messages: a whole number, never negative. */
export const Count = z.int().min(0).max(1_000_000_000);

/** A duration or delay in whole seconds (a delay may be negative: early). */
export const Seconds = z
  .int()
  .min(-86_400 * 7)
  .max(86_400 * 7);

/** A distance or radius in metres. */
export const Metres = z.number().min(0).max(40_000_000);

/** A short human-readable name set by staff (stop, commune); never visitor input. */
export const PlaceName = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u, {
    error: 'a name without control characters or line breaks',
  });
