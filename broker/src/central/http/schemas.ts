// The staff API's request and response schemas: they validate, serialize and make the OpenAPI
// description (GET /api/v1/openapi.json).
import { z } from 'zod';
import { Alert, BusId, STOP_STATES } from '@fsbus/shared';
import { GROUPINGS, REPORT_NAMES } from '../../reports/reports.js';

const Time = z.string().meta({ description: 'UTC ISO-8601 time.' });
const Count = z.number().int().min(0);

export const BusParams = z.strictObject({ busId: BusId });
export const DayParams = z.strictObject({
  busId: BusId,
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a day, e.g. 2026-11-23' }),
});

const Format = z.enum(['json', 'csv']).default('json').meta({
  description: 'json, or csv (header row, RFC 4180, UTF-8 with BOM, for spreadsheets).',
});

/** `bus=a,b` or `bus=a&bus=b`: some buses; absent: every bus. */
const BusList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value])
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .pipe(z.array(BusId).max(1000))
  .meta({ description: 'Bus ids, comma-separated or repeated; absent: the whole fleet.' });

export const ReportParams = z.strictObject({ report: z.enum(REPORT_NAMES) });
export const ReportQuery = z.strictObject({
  period: z
    .string()
    .meta({ description: 'A day (2026-11-23) or a month (2026-11), Europe/Paris.' }),
  by: z
    .enum(['bus', 'stop', 'partner', 'theme'])
    .optional()
    .meta({
      description: `Grouping: ${Object.entries(GROUPINGS)
        .map(([report, groupings]) => `${report}: ${groupings.join(', ')}`)
        .join('; ')} (first is the default).`,
    }),
  bus: BusList,
  format: Format,
});

export const MonthlyQuery = z.strictObject({
  month: z.string().regex(/^\d{4}-\d{2}$/, { error: 'a month, e.g. 2026-11' }),
  format: Format,
});

const Cell = z.union([z.string(), z.number(), z.null()]);
export const ReportResponse = z.object({
  report: z.string(),
  period: z.object({ kind: z.enum(['day', 'month']), label: z.string(), from: Time, to: Time }),
  by: z.string(),
  buses: z.array(z.string()).readonly(),
  columns: z.array(z.string()).readonly(),
  rows: z.array(z.record(z.string(), Cell)).readonly(),
});

/** A report, or the same as CSV text (format=csv). */
export const ReportOrCsv = z.union([
  ReportResponse,
  z.string().meta({ description: 'The report as CSV (format=csv): text/csv, UTF-8 with BOM.' }),
]);

const StopRef = z.object({ stopId: z.string(), name: z.string() }).loose();

export const BusNowSchema = z.object({
  busId: z.string(),
  lastSeen: Time.nullable(),
  position: z
    .object({
      lat: z.number(),
      lon: z.number(),
      speed: z.number().nullable(),
      track: z.number().nullable(),
      ts: Time,
    })
    .nullable(),
  stop: z
    .object({
      state: z.enum(STOP_STATES),
      planId: z.string().nullable(),
      current: StopRef.nullable(),
      next: StopRef.nullable(),
      delayS: z.number().nullable(),
      ts: Time,
    })
    .nullable(),
  onBoard: z.number().nullable(),
  services: z.record(
    z.string(),
    z.object({
      state: z.string(),
      health: z.record(z.string(), z.unknown()),
      alarms: z.array(z.string()),
      receivedAt: Time,
    }),
  ),
  backlog: z
    .object({
      events: z.number().nullable(),
      telemetry: z.number().nullable(),
      oldestEventAgeS: z.number().nullable(),
    })
    .nullable(),
});

export const FleetResponse = z.object({
  generatedAt: Time,
  buses: z.array(BusNowSchema),
});

export const BusDayResponse = z.object({
  busId: z.string(),
  date: z.string(),
  plan: z
    .object({
      planId: z.string(),
      publishedAt: Time,
      acknowledged: z.object({ outcome: z.string(), ts: Time }).nullable(),
    })
    .nullable(),
  stops: z
    .array(
      z.object({
        stopId: z.string(),
        name: z.string(),
        commune: z.string(),
        lat: z.number(),
        lon: z.number(),
        scheduledArrival: z.string(),
        scheduledDeparture: z.string(),
        actualArrival: Time.nullable(),
        actualDeparture: Time.nullable(),
        arrivalDelayS: z.number().nullable(),
        peopleIn: Count,
        peopleOut: Count,
        visits: Count,
      }),
    )
    .readonly(),
  elsewhere: z.object({ peopleIn: Count, peopleOut: Count, visits: Count }),
  track: z
    .array(z.object({ lat: z.number(), lon: z.number(), speed: z.number().nullable(), ts: Time }))
    .readonly(),
});

export const AlertsResponse = z.object({
  generatedAt: Time,
  alerts: z.array(Alert),
});

export const SeqGapsResponse = z.object({
  tracks: z.array(
    z.object({
      busId: z.string(),
      source: z.string(),
      stream: z.string(),
      messages: Count,
      firstSeq: Count,
      lastSeq: Count,
      gaps: Count,
      missing: Count,
      restarts: Count,
      late: Count,
    }),
  ),
});

export const ErrorResponse = z.object({ error: z.string() });
