// Each service's health, retained on its status topic; its last will says offline.
import { z } from 'zod';
import { Code, ServiceName } from '../ids.js';
import { message } from './envelope.js';
import { UtcTime } from './primitives.js';

/** How often a running service republishes its status, seconds. */
export const STATUS_INTERVAL_S = 30;

/** `status/{service}` (retained). */
export const StatusMessage = message({
  service: ServiceName.meta({ description: 'Same as the last topic level.' }),
  state: z.enum(['online', 'degraded', 'offline']).meta({
    description: 'offline is also what the last will says when the service dies.',
  }),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]{1,40})?$/, {
      error: 'a semantic version, e.g. 1.2.3',
    })
    .meta({ description: 'Version of the service software.' }),
  startedAt: UtcTime.nullable(),
  health: z.record(Code, Code).meta({
    description: 'State of each part, as codes: e.g. {"gnss": "fix_3d", "counter": "silent"}.',
  }),
  metrics: z.record(Code, z.number()).meta({
    description:
      'Numbers: counters since start and gauges, e.g. {"messages_in": 1200, "rejected_schema": 3}.',
  }),
  alarms: z.array(Code).max(32).meta({ description: 'Conditions that need a person, as codes.' }),
});
export type StatusMessage = z.infer<typeof StatusMessage>;
