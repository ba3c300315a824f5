// What the broker keeps per logged-in connection, and what its hooks share.
import type { Aedes, Client } from 'aedes';
import type { Logger } from '@fsbus/shared/node';
import type { ClientAcl, Identity } from './acl/policy.js';
import type { DeliveryLine } from './delivery/delivery-line.js';
import type { DuplicateFilter } from './delivery/duplicate-filter.js';
import type { PubackQueue } from './delivery/puback-order.js';
import type { LogThrottle } from './status/log-throttle.js';
import type { Metrics } from './status/metrics.js';
import type { FloodWatch } from './validation/flood-watch.js';
import type { RateGate } from './validation/rate-limiter.js';

export interface Session {
  readonly identity: Identity;
  readonly acl: ClientAcl;
  /** Shared by every connection of the same user, so reconnecting buys no new burst. */
  readonly gate: RateGate;
  /** This connection's QoS 0 messages dropped over the rate: a flood ends the connection. */
  readonly flood: FloodWatch;
  /** Filters granted to this connection, capped. */
  readonly filters: Set<string>;
  /** The copies of one publish for its overlapping subscriptions: only the first is forwarded. */
  readonly repeats: DuplicateFilter;
  /** The PUBACKs this connection is owed, in order. */
  readonly pubacks: PubackQueue;
  /** Its QoS 1 publishes, delivered one at a time in the order they came. */
  readonly line: DeliveryLine;
}

/** The slice of the broker every hook works with. */
export interface HookContext {
  readonly broker: Aedes;
  readonly sessions: WeakMap<Client, Session>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly throttle: LogThrottle;
  /** Milliseconds, for rate limiting and log throttling. */
  readonly now: () => number;
  /** The address a connection comes from (its WebSocket upgrade's, behind a trusted proxy). */
  readonly addressOf: (client: Client) => string;
}
