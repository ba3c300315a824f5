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

/** Message ids are compared as strings, so only the canonical lower-case form is accepted. */
const MessageId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, {
    error: 'a lower-case UUID v4 or v7',
  });

export const envelopeShape = {
  v: z.literal(PROTOCOL_VERSION).meta({ description: 'Payload schema version.' }),
  busId: BusId,
  id: MessageId.meta({
    description:
      'Unique message id, lower-case UUID v7 (v4 for opinions); receivers deduplicate on it.',
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

/** The envelope's fields. */
export const ENVELOPE_FIELDS: readonly string[] = Object.keys(envelopeShape);

/** A message's own fields without its envelope: what is stamped anew to send it again. */
export function withoutEnvelope<M extends Envelope>(message: M): Omit<M, keyof Envelope> {
  const { v: _v, busId: _busId, id: _id, seq: _seq, ts: _ts, source: _source, ...body } = message;
  return body;
}

/**
 * Envelope fields of an anonymous stream (opinions): a random UUID v4 and a time truncated to
 * the hour, so that neither the id nor the time pairs an opinion with the visit before it.
 */
export const anonymousEnvelopeShape = {
  id: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, {
      error: 'a lower-case random UUID v4',
    })
    .meta({ description: 'Random UUID v4: unlike v7, it carries no time.' }),
  ts: UtcTime.regex(/T\d\d:00:00(?:\.0+)?Z$/, {
    error: 'a UTC time on the hour, e.g. 2026-11-23T10:00:00.000Z',
  }).meta({ description: 'The hour of the fact, truncated (e.g. 10:00 for 10:42).' }),
};

/** A message schema: the envelope plus the stream's own fields, nothing else accepted. */
export function message<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject({ ...envelopeShape, ...shape });
}
