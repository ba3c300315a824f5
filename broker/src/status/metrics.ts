// Counters the broker reports on its status topic: traffic, and every rejection by reason.

import type { ProtocolErrorCode } from '@fsbus/shared';

/** Why a publish was dropped: the ACL, the rate limit, or the protocol check's code. */
export type Rejection = 'acl' | 'rate' | ProtocolErrorCode;

const REJECTIONS: readonly Rejection[] = [
  'acl',
  'rate',
  'too_large',
  'bad_topic',
  'bad_id',
  'bad_json',
  'schema',
  'bus_mismatch',
  'service_mismatch',
];

export const METRIC_NAMES = [
  'messages_in',
  'messages_out',
  ...REJECTIONS.map((reason) => `rejected_${reason}` as const),
  'denied_subscribe',
  'flood_disconnects',
  'auth_failed',
  'client_errors',
  'closed_too_large',
  'closed_bad_utf8',
  'store_errors',
  'retain_cleared',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Monotonic counters since start. */
export class Metrics {
  readonly #values = new Map<MetricName, number>(METRIC_NAMES.map((name) => [name, 0]));

  add(name: MetricName, amount = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + amount);
  }

  get(name: MetricName): number {
    return this.#values.get(name) ?? 0;
  }

  snapshot(): Record<MetricName, number> {
    return Object.fromEntries(this.#values) as Record<MetricName, number>;
  }
}
