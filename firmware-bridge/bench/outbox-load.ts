// The load of the outbox benchmark: messages for central built from the documented examples (a
// day's backlog mix, a flood for ingest) and the arrivals of one hour of a normal day.
import {
  EXAMPLES,
  MessageFactory,
  STREAM_SPECS,
  statusTopic,
  topicFor,
  type Stream,
  exampleBody,
} from '@fsbus/shared';
import type { OutboxMessage } from '../src/outbox/outbox.js';

export const BUS = EXAMPLES.gnss.busId;

const bridge = new MessageFactory({ busId: BUS, source: 'bridge' });
const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });

/** A new message of a stream (fresh UUID id and seq), from its example's body, for the outbox. */
export function messageOf(stream: Stream, extra: Record<string, unknown> = {}): OutboxMessage {
  const body = exampleBody(stream);
  const factory = stream === 'visit' || stream === 'opinion' ? kiosk : bridge;
  const message = factory.create(stream, { ...body, ...extra });
  return {
    id: message.id,
    stream,
    topic: stream === 'status' ? statusTopic(BUS, EXAMPLES.status.service) : topicFor(stream, BUS),
    payload: JSON.stringify(message),
    class: STREAM_SPECS[stream].delivery === 'event' ? 'event' : 'telemetry',
  };
}

/** A day's backlog, as uplink.test.ts has it: a fifth events (visit, door, stop), the rest telemetry. */
const BACKLOG_MIX: readonly Stream[] = [
  ...['gnss', 'gnss', 'gnss', 'occupancy', 'visit'],
  ...['gnss', 'gnss', 'gnss', 'occupancy', 'door'],
  ...['gnss', 'gnss', 'gnss', 'occupancy', 'stop'],
  ...['gnss', 'gnss', 'gnss', 'occupancy', 'door'],
] as const;

/** `count` messages cycling through the backlog mix. */
export function backlog(count: number): OutboxMessage[] {
  return Array.from({ length: count }, (_, i) =>
    messageOf(BACKLOG_MIX[i % BACKLOG_MIX.length] ?? 'gnss'),
  );
}

/** One message arriving, `at` ms into the hour. */
export interface Arrival {
  readonly at: number;
  readonly message: OutboxMessage;
}

/**
 * Per hour of a normal service day, towards central: the thinned GNSS track (a fix every 30 s),
 * the bridge's status every 30 s, and about 30 events (a few hundred over a 12 h day): 4 stop
 * transitions, 10 visits, 5 opinions, 10 door counts each followed by the occupancy it changed.
 */
export const HOURLY: Readonly<
  Record<'gnss' | 'status' | 'stop' | 'visit' | 'opinion' | 'door', number>
> = {
  gnss: 120,
  status: 120,
  stop: 4,
  visit: 10,
  opinion: 5,
  door: 10,
};

/** The bridge's status as it goes to central: the example with its real metric names. */
function status(): OutboxMessage {
  const metrics: Record<string, number> = { ...EXAMPLES.status.metrics };
  for (const name of STATUS_METRICS) metrics[name] = 0;
  return messageOf('status', { metrics, health: { ...EXAMPLES.status.health } });
}

/** Names the bridge puts on its status (main.ts, central-delivery.ts): it is most of its size. */
const STATUS_METRICS = [
  ...['fixes_accepted', 'fixes_rejected', 'gnss_to_central', 'gnss_to_central_interval'],
  ...['stop_transitions', 'invalid_messages', 'received_visit', 'received_opinion'],
  ...['gnss_sentences', 'gnss_checksum_errors', 'gnss_reconnects', 'gnss_fix_age_s'],
  ...['outbox_accepted', 'outbox_duplicates', 'outbox_commits', 'outbox_commit_errors'],
  ...['outbox_sent', 'outbox_telemetry_thinned', 'outbox_telemetry_dropped'],
  ...['outbox_events_refused', 'outbox_events_pending', 'outbox_telemetry_pending'],
  ...['outbox_events_bytes', 'outbox_telemetry_bytes', 'outbox_uncommitted'],
  ...['outbox_oldest_event_age_s', 'outbox_oldest_telemetry_age_s', 'outbox_file_bytes'],
  ...['uplink_connects', 'uplink_connect_failures', 'uplink_disconnects', 'uplink_sent'],
  ...['uplink_auth_failures', 'uplink_tls_errors', 'uplink_dns_errors', 'uplink_online'],
  ...['uplink_send_failures', 'uplink_in_flight', 'uplink_last_send_age_s'],
  ...['central_events_refused_logged', 'central_ingest_waits'],
];

/** The arrivals of one hour in time order, every message new; each stream evenly spread. */
export function hourOfArrivals(): Arrival[] {
  const arrivals: Arrival[] = [];
  const spread = (count: number, offsetMs: number, make: () => OutboxMessage) => {
    for (let k = 0; k < count; k++) {
      arrivals.push({ at: Math.round((k * 3_600_000) / count + offsetMs), message: make() });
    }
  };
  spread(HOURLY.gnss, 0, () => messageOf('gnss'));
  spread(HOURLY.status, 15_000, status);
  spread(HOURLY.stop, 61_000, () => messageOf('stop'));
  spread(HOURLY.visit, 127_000, () => messageOf('visit'));
  spread(HOURLY.opinion, 251_000, () => messageOf('opinion'));
  spread(HOURLY.door, 97_000, () => messageOf('door'));
  // The occupancy the door count changed, a moment later.
  spread(HOURLY.door, 98_000, () => messageOf('occupancy'));
  return arrivals.sort((a, b) => a.at - b.at);
}
