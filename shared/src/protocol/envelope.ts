// The envelope every fsbus message carries: version, bus, unique id, sequence and time.
//
// Why zod 4 (rather than TypeBox + Ajv): one declaration gives the TypeScript type, the run-time
// check and, through z.toJSONSchema, the published JSON Schemas; its refinements carry the rules
// JSON Schema cannot say (a plan's stops in time order, departure after arrival, a real time
// zone); and its issues have paths and custom messages, which the config loader turns into
// "file: key.path: expected ..., found ..." lines. Ajv compiled from the generated schemas is about
// twice as fast per message (npm run bench), and both are far above what a bus produces.
import { z } from 'zod';
import { BusId, ServiceName } from '../ids.js';
import { UtcTime } from './primitives.js';

export const PROTOCOL_VERSION = 1;

export const envelopeShape = {
  v: z.literal(PROTOCOL_VERSION).meta({ description: 'Payload schema version.' }),
  busId: BusId,
  id: z.uuid({ error: 'a UUID' }).meta({
    description: 'Unique message id (UUID v7 from fsbus publishers); receivers deduplicate on it.',
  }),
  seq: z.int().min(0).max(Number.MAX_SAFE_INTEGER).meta({
    description:
      'Per publisher (`source`), per stream, increases by one for each new message; a jump reveals a gap. A re-sent message keeps its seq.',
  }),
  ts: UtcTime.meta({ description: 'When the publisher produced the fact, ISO-8601 UTC.' }),
  source: ServiceName.meta({ description: 'Publishing service instance, e.g. bridge, kiosk-1.' }),
};

export const Envelope = z.strictObject(envelopeShape);
export type Envelope = z.infer<typeof Envelope>;

/** A message schema: the envelope plus the stream's own fields, nothing else accepted. */
export function message<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject({ ...envelopeShape, ...shape });
}
