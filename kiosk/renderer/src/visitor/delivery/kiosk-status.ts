// What the kiosk says of its own health on its retained status topic (docs/kiosk.md): the
// local store, the queue it shows, what waits to be sent and how long, and what was sent.
import type { BodyOf } from '@fsbus/shared';

/** A fact waiting this long while the broker is connected is stalled: a person should look. */
export const DELIVERY_STALL_S = 300;

export interface KioskHealthInput {
  readonly instance: string;
  readonly version: string;
  readonly startedAt: number;
  readonly now: number;
  readonly connected: boolean;
  /**
   * Since when facts have waited while the link was up (outages included after that, so a
   * link that keeps dropping still stalls); null while none waits or the link never came up.
   */
  readonly sendingSince: number | null;
  /** Facts waiting for their PUBACK (stored or in memory). */
  readonly pending: number;
  /** When the oldest of them was taken, null when none waits. */
  readonly oldestPendingAt: number | null;
  /** The store fails: the last fact could not be stored (it is kept in memory), or the
   * store cannot be read. */
  readonly storeFailing: boolean;
  /** A queue of today was received from the bridge. */
  readonly queueToday: boolean;
  readonly visitsSent: number;
  readonly opinionsSent: number;
  readonly storeErrors: number;
  readonly reconnects: number;
}

/** The kiosk's alarms, as codes. */
function kioskAlarms(input: KioskHealthInput): string[] {
  const alarms: string[] = [];
  if (input.storeFailing) alarms.push('kiosk_store_failing');
  // What waited through an outage gets its time to drain once the link is up.
  const { oldestPendingAt, sendingSince } = input;
  if (
    input.connected &&
    oldestPendingAt !== null &&
    sendingSince !== null &&
    input.now - Math.max(oldestPendingAt, sendingSince) > DELIVERY_STALL_S * 1000
  )
    alarms.push('kiosk_delivery_stalled');
  return alarms;
}

/** The body of the kiosk's `status` message while it is connected. */
export function kioskStatus(input: KioskHealthInput): BodyOf<'status'> {
  const alarms = kioskAlarms(input);
  return {
    service: input.instance,
    state: alarms.length === 0 ? 'online' : 'degraded',
    version: input.version,
    startedAt: new Date(input.startedAt).toISOString(),
    health: {
      store: input.storeFailing ? 'failing' : 'ok',
      queue: input.queueToday ? 'live' : 'none',
    },
    metrics: {
      uptime_s: Math.floor((input.now - input.startedAt) / 1000),
      pending_facts: input.pending,
      // In whole minutes: an opinion's time is kept to the hour, and a count of seconds would
      // tell more.
      oldest_pending_s:
        input.oldestPendingAt === null
          ? 0
          : Math.max(0, Math.floor((input.now - input.oldestPendingAt) / 60_000) * 60),
      visits_sent: input.visitsSent,
      opinions_sent: input.opinionsSent,
      store_errors: input.storeErrors,
      reconnects: input.reconnects,
    },
    alarms,
  };
}
