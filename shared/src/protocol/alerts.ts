// Central's alerts: what staff should look at now, computed from the fleet's stream and
// published retained on the central alerts topic (and in the API).
import { z } from 'zod';
import { BusId } from '../ids.js';
import { UtcTime } from './primitives.js';

export const ALERT_CODES = {
  bus_silent:
    'central heard nothing from the bus for a while although its plan says it is in service',
  late_at_stop: 'the bus is late at a stop by more than the threshold',
  sensor_unhealthy: 'a sensor of the bus (GNSS receiver, door counter) raises an alarm',
  backlog_old: 'the oldest event waiting in the bus’s outbox is older than the threshold',
  plan_not_acknowledged: 'the bus has not acknowledged today’s plan although its first stop is due',
} as const;
export type AlertCode = keyof typeof ALERT_CODES;

export const Alert = z.strictObject({
  code: z.enum(Object.keys(ALERT_CODES) as [AlertCode, ...AlertCode[]]).meta({
    description: Object.entries(ALERT_CODES)
      .map(([code, meaning]) => `${code}: ${meaning}`)
      .join('; '),
  }),
  busId: BusId,
  since: UtcTime.nullable().meta({
    description: 'Since when it holds, when known (last heard, a stop’s arrival...).',
  }),
  detail: z
    .string()
    .max(200)
    .meta({ description: 'What and where, for people (stop, alarm, delay, age).' }),
});
export type Alert = z.infer<typeof Alert>;

/** The alerts message: every alert now (an empty list when all is well). */
export const AlertsMessage = z.strictObject({
  v: z.literal(1),
  ts: UtcTime.meta({ description: 'When central computed them.' }),
  source: z.literal('central'),
  seq: z.int().min(0).meta({ description: 'Increases with each alerts message.' }),
  alerts: z.array(Alert).max(10_000),
});
export type AlertsMessage = z.infer<typeof AlertsMessage>;
