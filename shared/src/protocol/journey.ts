// The day plan sent by central, and the stop state the bridge derives from it.
import { z } from 'zod';
import { StopId } from '../ids.js';
import { message } from './envelope.js';
import {
  Latitude,
  LocalTime,
  Longitude,
  Metres,
  PlaceName,
  Seconds,
  ServiceDate,
  UtcTime,
} from './primitives.js';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The local date (YYYY-MM-DD) and UTC offset (+01:00) of an instant in a time zone. */
function localDateAndOffset(instant: string, timeZone: string): { date: string; offset: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  const gmt = part('timeZoneName').replace('GMT', '');
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    offset: gmt === '' ? '+00:00' : gmt,
  };
}

const PlannedStop = z
  .strictObject({
    stopId: StopId,
    name: PlaceName.meta({ description: 'Stop name as shown to the driver and visitors.' }),
    commune: PlaceName,
    lat: Latitude,
    lon: Longitude,
    radiusM: Metres.min(10).max(1000).optional().meta({
      description: 'Arrival radius, metres; the bridge default (80 m) when absent.',
    }),
    arrival: LocalTime.meta({ description: 'Scheduled arrival, local time with offset.' }),
    departure: LocalTime.meta({ description: 'Scheduled departure, local time with offset.' }),
  })
  .refine((s) => Date.parse(s.departure) > Date.parse(s.arrival), {
    error: 'departure must be after arrival',
    path: ['departure'],
    params: { rule: 'departure_after_arrival' },
  });

/**
 * `plan` (retained, from central): the bus's ordered stops for one service day. Its own rules'
 * issues carry `params.rule` (and the values they name), for screens that word them.
 */
export const PlanMessage = message({
  planId: StopId.meta({ description: 'Plan id, new for every version central publishes.' }),
  date: ServiceDate,
  timeZone: z
    .string()
    .refine(isTimeZone, {
      error: 'an IANA time zone, e.g. Europe/Paris',
      params: { rule: 'time_zone' },
    })
    .meta({ description: 'IANA time zone of the schedule, e.g. Europe/Paris.' }),
  depot: z
    .strictObject({
      name: PlaceName,
      lat: Latitude,
      lon: Longitude,
      radiusM: Metres.min(10).max(2000),
    })
    .nullable()
    .meta({ description: 'Where the bus sleeps; occupancy resets to 0 there.' }),
  stops: z.array(PlannedStop).min(1).max(40),
}).superRefine((plan, ctx) => {
  const seen = new Set<string>();
  plan.stops.forEach((stop, index) => {
    if (seen.has(stop.stopId)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate stopId ${stop.stopId}`,
        path: ['stops', index, 'stopId'],
        params: { rule: 'duplicate_stop', stopId: stop.stopId },
      });
    }
    seen.add(stop.stopId);
    // An unknown zone is reported on timeZone; dates cannot be checked against it.
    const zone = isTimeZone(plan.timeZone) ? plan.timeZone : undefined;
    for (const key of zone ? (['arrival', 'departure'] as const) : []) {
      // A malformed time is reported by its own check; this rule runs all the same.
      if (Number.isNaN(Date.parse(stop[key]))) continue;
      const local = localDateAndOffset(stop[key], zone ?? 'UTC');
      if (local.date !== plan.date) {
        ctx.addIssue({
          code: 'custom',
          message: `a time on the plan's date ${plan.date}`,
          path: ['stops', index, key],
          params: { rule: 'plan_date', date: plan.date },
        });
      } else if (!stop[key].endsWith(local.offset)) {
        ctx.addIssue({
          code: 'custom',
          message: `the UTC offset of ${zone ?? 'UTC'} on that date (${local.offset})`,
          path: ['stops', index, key],
          params: { rule: 'utc_offset', zone: zone ?? 'UTC', offset: local.offset },
        });
      }
    }
    const previous = plan.stops[index - 1];
    if (previous && Date.parse(stop.arrival) < Date.parse(previous.departure)) {
      ctx.addIssue({
        code: 'custom',
        message: 'stops must be in time order: arrival before the previous departure',
        path: ['stops', index, 'arrival'],
        params: { rule: 'time_order' },
      });
    }
  });
});
export type PlanMessage = z.infer<typeof PlanMessage>;

export const PLAN_OUTCOMES = ['accepted', 'ignored'] as const;

/** `plan/ack`: the bridge says it holds a plan central sent, or why it does not use it. */
export const PlanAckMessage = message({
  planId: StopId.meta({ description: 'The plan acknowledged.' }),
  date: ServiceDate.meta({ description: 'Its service day.' }),
  outcome: z.enum(PLAN_OUTCOMES).meta({
    description:
      'accepted: the bus holds this plan and drives by it; ignored: the bus keeps another one (see reason).',
  }),
  reason: z.enum(['plan_file']).nullable().meta({
    description:
      'Why it was ignored, null when accepted. plan_file: the bus config loads a plan from a file (stops.planFile).',
  }),
}).refine((ack) => (ack.outcome === 'accepted') === (ack.reason === null), {
  error: 'a reason when ignored, and only then',
  path: ['reason'],
});
export type PlanAckMessage = z.infer<typeof PlanAckMessage>;

const StopRef = { stopId: StopId, name: PlaceName };

export const STOP_STATES = ['no_plan', 'en_route', 'arrived', 'departed', 'off_plan'] as const;

/** `stop` (retained): where the bus stands against its plan, on each transition and every 30 s. */
export const StopMessage = message({
  state: z.enum(STOP_STATES).meta({
    description:
      'no_plan: no plan for today; en_route: driving to `next`; arrived: at `current`; departed: just left `current`; off_plan: dwelling away from any planned stop.',
  }),
  planId: StopId.nullable(),
  current: z
    .strictObject({
      ...StopRef,
      scheduledArrival: LocalTime,
      scheduledDeparture: LocalTime,
      actualArrival: UtcTime.nullable(),
      actualDeparture: UtcTime.nullable(),
    })
    .nullable()
    .meta({ description: 'The stop the bus is at or has just left.' }),
  next: z
    .strictObject({
      ...StopRef,
      scheduledArrival: LocalTime,
      eta: UtcTime.nullable().meta({
        description: 'Estimated arrival from distance and recent speed.',
      }),
      distanceM: Metres.nullable(),
    })
    .nullable()
    .meta({ description: 'The next planned stop, null after the last one.' }),
  delayS: Seconds.nullable().meta({
    description: 'Delay against the schedule in seconds; negative when early; null when unknown.',
  }),
  offPlan: z
    .strictObject({ lat: Latitude, lon: Longitude, since: UtcTime })
    .nullable()
    .meta({ description: 'Where and since when the bus dwells off plan (state off_plan only).' }),
}).superRefine((stop, ctx) => {
  const rule = (holds: boolean, path: string, message: string) => {
    if (!holds) ctx.addIssue({ code: 'custom', message, path: [path] });
  };
  rule(
    (stop.state === 'off_plan') === (stop.offPlan !== null),
    'offPlan',
    'set when state is off_plan, and only then',
  );
  if (stop.state === 'no_plan') {
    rule(
      stop.planId === null && stop.current === null && stop.next === null,
      'planId',
      'no plan, current or next stop when state is no_plan',
    );
  } else {
    rule(stop.planId !== null, 'planId', 'the plan id when there is a plan');
  }
  if (stop.state === 'arrived') {
    rule(
      stop.current?.actualArrival != null && stop.current.actualDeparture === null,
      'current',
      'the stop arrived at, with its actual arrival and no departure yet',
    );
  }
  if (stop.state === 'departed') {
    rule(
      stop.current?.actualDeparture != null,
      'current',
      'the stop just left, with its actual departure',
    );
  }
});
export type StopMessage = z.infer<typeof StopMessage>;
