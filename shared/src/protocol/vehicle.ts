// Facts from the bus's sensors: GNSS position fixes, door counts and occupancy.
import { z } from 'zod';
import { StopId } from '../ids.js';
import { message } from './envelope.js';
import { Count, Latitude, Longitude, Metres, ServiceDate, UtcTime } from './primitives.js';

const Dop = z.number().min(0).max(100);

/** `gnss`: one accepted position fix (after the bridge's quality filter). */
export const GnssMessage = message({
  lat: Latitude,
  lon: Longitude,
  mode: z.enum(['2d', '3d']).meta({ description: 'Fix dimension.' }),
  alt: z
    .number()
    .min(-1000)
    .max(20_000)
    .optional()
    .meta({ description: 'Altitude above mean sea level, metres.' }),
  speed: z.number().min(0).max(200).optional().meta({ description: 'Speed over ground, m/s.' }),
  track: z
    .number()
    .min(0)
    .lt(360)
    .optional()
    .meta({ description: 'Course over ground, degrees true.' }),
  fixTime: UtcTime.nullable().meta({
    description:
      'Receiver time of the fix; null when the receiver clock is not trusted (e.g. GPS week rollover).',
  }),
  hdop: Dop.optional().meta({ description: 'Horizontal dilution of precision.' }),
  vdop: Dop.optional().meta({ description: 'Vertical dilution of precision.' }),
  pdop: Dop.optional().meta({ description: 'Position dilution of precision.' }),
  eph: Metres.optional().meta({ description: 'Estimated horizontal error, metres (95 %).' }),
  satellitesUsed: z
    .int()
    .min(0)
    .max(255)
    .optional()
    .meta({ description: 'Satellites used in the fix.' }),
  satellitesVisible: z
    .int()
    .min(0)
    .max(255)
    .optional()
    .meta({ description: 'Satellites in view.' }),
  via: z
    .enum(['gpsd', 'nmea', 'replay', 'simulator'])
    .meta({ description: 'Where the fix came from.' }),
});
export type GnssMessage = z.infer<typeof GnssMessage>;

const DoorNumber = z.int().min(1).max(16).meta({ description: 'Door number, 1 = front.' });

/** `door`: people counted through one door since the previous event of that door. */
export const DoorMessage = message({
  door: DoorNumber,
  in: Count.max(10_000).meta({ description: 'People who came in since the previous event.' }),
  out: Count.max(10_000).meta({ description: 'People who went out since the previous event.' }),
  quality: z.enum(['ok', 'uncertain']).meta({
    description:
      'uncertain when the counter flagged a blocked beam, tamper or low signal, or after a gap.',
  }),
  stopId: StopId.nullable().meta({
    description: 'Planned stop the bus is at, null between stops.',
  }),
});
export type DoorMessage = z.infer<typeof DoorMessage>;

const InOut = z.strictObject({ in: Count, out: Count });

/** `occupancy` (retained): people on board now and the day's totals. */
export const OccupancyMessage = message({
  onBoard: Count.meta({
    description: 'People on board now: ins minus outs since the last reset, never below 0.',
  }),
  date: ServiceDate.meta({ description: 'Service day the totals belong to (bus time zone).' }),
  today: InOut.meta({ description: 'In and out totals of the service day.' }),
  stop: z
    .strictObject({ stopId: StopId, in: Count, out: Count })
    .nullable()
    .meta({ description: 'Totals at the current planned stop, null between stops.' }),
  lastReset: z
    .strictObject({ at: UtcTime, reason: z.enum(['start', 'new_day', 'depot', 'driver']) })
    .nullable()
    .meta({ description: 'When and why onBoard was last set to a known value.' }),
});
export type OccupancyMessage = z.infer<typeof OccupancyMessage>;
