// The staff API's answers (fsbus-central's HTTP API): one schema each, used by central to
// serialize and describe them (OpenAPI) and by the staff console to read them.
import { z } from 'zod';
import { Alert } from '../protocol/alerts.js';
import { PlanMessage, STOP_STATES } from '../protocol/journey.js';

/** Where the staff API's routes live. */
export const API_PREFIX = '/api/v1';

const Time = z.string().meta({ description: 'UTC ISO-8601 time.' });
const Count = z.number().int().min(0);

/** The reports, and the groupings each offers (the first is its default). */
export const REPORT_NAMES = ['visits', 'doors', 'opinions', 'opinion-reasons'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];
export type Grouping = 'bus' | 'stop' | 'partner' | 'theme';
export const GROUPINGS: Readonly<Record<ReportName, readonly Grouping[]>> = {
  visits: ['bus', 'stop', 'partner', 'theme'],
  doors: ['bus', 'stop'],
  opinions: ['bus', 'stop'],
  'opinion-reasons': ['bus', 'stop'],
};

const Cell = z.union([z.string(), z.number(), z.null()]);
export const ReportResponse = z.object({
  report: z.string(),
  period: z.object({ kind: z.enum(['day', 'month']), label: z.string(), from: Time, to: Time }),
  by: z.string(),
  buses: z.array(z.string()).readonly(),
  columns: z.array(z.string()).readonly(),
  rows: z.array(z.record(z.string(), Cell)).readonly(),
});
export type ReportResponse = z.infer<typeof ReportResponse>;

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
  onBoardAt: Time.nullable().meta({ description: 'When the bus counted onBoard.' }),
  today: z
    .object({ visits: Count, peopleIn: Count })
    .meta({ description: 'Today, the service day in Europe/Paris: visits and people in.' }),
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
export type BusNowResponse = z.infer<typeof BusNowSchema>;

export const FleetResponse = z.object({
  generatedAt: Time,
  buses: z.array(BusNowSchema),
});
export type FleetResponse = z.infer<typeof FleetResponse>;

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
export type BusDayResponse = z.infer<typeof BusDayResponse>;

export const DayPlansResponse = z.object({
  date: z.string(),
  buses: z.array(
    z.object({
      busId: z.string(),
      plan: PlanMessage.nullable().meta({
        description: 'The latest plan published for the day, whole; null: none.',
      }),
      publishedAt: Time.nullable(),
      acknowledged: z
        .object({ outcome: z.string(), reason: z.string().nullable(), ts: Time })
        .nullable()
        .meta({ description: 'The bus’s plan/ack of that plan; null: not yet.' }),
    }),
  ),
});
export type DayPlansResponse = z.infer<typeof DayPlansResponse>;

export const AlertsResponse = z.object({
  generatedAt: Time,
  alerts: z.array(Alert),
});
export type AlertsResponse = z.infer<typeof AlertsResponse>;

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

/** A login of the staff console: an account's name and password. */
export const SessionRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** A session: its token (the API's Bearer, the console's MQTT password), who, and its end. */
export const SessionResponse = z.object({
  token: z.string().meta({
    description:
      'Bearer token for the API (Authorization: Bearer …) and password of MQTT over WebSocket with the same user name; secret.',
  }),
  username: z.string(),
  role: z
    .enum(['staff', 'planner'])
    .meta({ description: 'staff or planner (planners publish plans).' }),
  expiresAt: Time.meta({
    description: 'When it ends at the latest; it ends sooner when unused for idleMin.',
  }),
  idleMin: z.number().meta({ description: 'Minutes without a request after which it ends.' }),
  tileUrl: z.string().nullable().meta({
    description: 'Map tiles for the console (console.tileUrl); null: the bundled basemap only.',
  }),
  tileAttribution: z.string().meta({ description: 'The tiles’ attribution, to show on the map.' }),
});
export type SessionResponse = z.infer<typeof SessionResponse>;
