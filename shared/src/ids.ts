// Identifiers that appear in topics and payloads: bus, service, stop and plan ids.
import { z } from 'zod';

/**
 * Letters, digits, "_", "-" and "." only, starting with a letter or digit: such an id
 * can never carry an MQTT separator or wildcard ("/", "+", "#"), nor start with "$".
 */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ID_RULE = 'an id of 1-64 letters, digits, "_", "-" or ".", starting with a letter or digit';

/** A bus id, e.g. `bfs-87-012`: one per bus, as known to central. */
export const BusId = z
  .string()
  .regex(ID_PATTERN, { error: ID_RULE })
  .meta({ description: `Bus id: ${ID_RULE}.`, examples: ['bfs-87-012'] });
export type BusId = z.infer<typeof BusId>;

/** A stop id from the day plan, e.g. `ambazac-mairie`. */
export const StopId = z
  .string()
  .regex(ID_PATTERN, { error: ID_RULE })
  .meta({ description: `Stop id from the day plan: ${ID_RULE}.` });
export type StopId = z.infer<typeof StopId>;

const SERVICE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const SERVICE_RULE =
  'a service name of 1-32 lowercase letters, digits or "-", starting with a letter';

/** A publishing service instance, e.g. `bridge`, `broker`, `kiosk-1`. */
export const ServiceName = z
  .string()
  .regex(SERVICE_PATTERN, { error: SERVICE_RULE })
  .meta({ description: `Publishing service: ${SERVICE_RULE}.`, examples: ['bridge', 'kiosk-1'] });
export type ServiceName = z.infer<typeof ServiceName>;

/** A machine-readable code (health states, reasons, metric names): never free text. */
export const Code = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, {
  error: 'a code of 1-48 lowercase letters, digits or "_", starting with a letter',
});

export function isBusId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export function isServiceName(value: string): boolean {
  return SERVICE_PATTERN.test(value);
}

export { ID_RULE, SERVICE_RULE };
