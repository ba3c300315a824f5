// The staff API's request schemas, and its answers' (from @fsbus/shared): they validate,
// serialize and make the OpenAPI description (GET /api/v1/openapi.json).
import { z } from 'zod';
import { BusId, GROUPINGS, REPORT_NAMES, ReportResponse } from '@fsbus/shared';

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

export const DayQuery = z.strictObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a day, e.g. 2026-11-23' }),
});

export const MonthlyQuery = z.strictObject({
  month: z.string().regex(/^\d{4}-\d{2}$/, { error: 'a month, e.g. 2026-11' }),
  format: Format,
});

/** A report, or the same as CSV text (format=csv). */
export const ReportOrCsv = z.union([
  ReportResponse,
  z.string().meta({ description: 'The report as CSV (format=csv): text/csv, UTF-8 with BOM.' }),
]);

export {
  AlertsResponse,
  BusDayResponse,
  BusNowSchema,
  DayPlansResponse,
  ErrorResponse,
  FleetResponse,
  SeqGapsResponse,
  SessionRequest,
  SessionResponse,
} from '@fsbus/shared';
