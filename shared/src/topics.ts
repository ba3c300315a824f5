// The fsbus topic tree: the only place topic strings are built and taken apart.
import { ID_RULE, SERVICE_RULE, isBusId, isServiceName } from './ids.js';

export const TOPIC_ROOT = 'fsbus/v1';

/** Central's own topics, beside the buses' tree (no bus id can be `central/...`'s level). */
export const CENTRAL_ROOT = 'fsbus-central/v1';

/** Retained: every alert now, computed by central (see AlertsMessage). */
export const CENTRAL_ALERTS_TOPIC = `${CENTRAL_ROOT}/alerts`;

/** Every stream of the tree, as it appears after `fsbus/v1/{busId}/`. */
export const STREAMS = [
  'gnss',
  'door',
  'occupancy',
  'stop',
  'visit',
  'opinion',
  'queue',
  'attendance',
  'plan',
  'plan/ack',
  'status',
  'cmd/queue',
  'cmd/occupancy',
] as const;
export type Stream = (typeof STREAMS)[number];

const STREAM_SET: ReadonlySet<string> = new Set(STREAMS);

/** A topic taken apart. `service` is set for `status` topics only. */
export interface TopicParts {
  readonly busId: string;
  readonly stream: Stream;
  readonly service?: string;
}

export type TopicErrorCode = 'bad_id' | 'bad_topic';

/** Raised for an id that cannot go in a topic, or a topic outside the fsbus tree. */
export class TopicError extends Error {
  override readonly name = 'TopicError';
  constructor(
    readonly code: TopicErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function checkBusId(busId: string): void {
  if (!isBusId(busId))
    throw new TopicError('bad_id', `bus id ${JSON.stringify(busId)}: expected ${ID_RULE}`);
}

function checkService(service: string): void {
  if (!isServiceName(service)) {
    throw new TopicError('bad_id', `service ${JSON.stringify(service)}: expected ${SERVICE_RULE}`);
  }
}

/**
 * The topic of one stream of one bus. `status` needs the service whose health it carries;
 * other streams take none.
 */
export function topicFor(stream: Stream, busId: string, service?: string): string {
  checkBusId(busId);
  if (stream === 'status') {
    if (service === undefined) throw new TopicError('bad_topic', 'a status topic needs a service');
    checkService(service);
    return `${TOPIC_ROOT}/${busId}/status/${service}`;
  }
  if (service !== undefined) throw new TopicError('bad_topic', `stream ${stream} takes no service`);
  return `${TOPIC_ROOT}/${busId}/${stream}`;
}

/** The status topic of one service of one bus (retained; the service's last will says offline). */
export function statusTopic(busId: string, service: string): string {
  return topicFor('status', busId, service);
}

/**
 * A subscription filter. `busId` may be `+` (every bus: central side); `stream` may be `#`
 * (every stream of the bus). `status` matches every service's status.
 */
export function topicFilter(stream: Stream | '#', busId: string): string {
  if (busId !== '+') checkBusId(busId);
  if (stream === '#') return `${TOPIC_ROOT}/${busId}/#`;
  if (stream === 'status') return `${TOPIC_ROOT}/${busId}/status/+`;
  return `${TOPIC_ROOT}/${busId}/${stream}`;
}

/**
 * True for a valid MQTT topic filter [MQTT-4.7.1]: non-empty, "+" and "#" only as whole levels,
 * "#" only last, no NUL.
 */
export function isTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every(
    (level, index) =>
      (level === '#' && index === levels.length - 1) ||
      level === '+' ||
      (!level.includes('+') && !level.includes('#')),
  );
}

/**
 * Topics already taken apart: a bus uses a few dozen, and brokers and services parse one per
 * message. Bounded, so a client inventing topics only makes it start over.
 */
const parsed = new Map<string, TopicParts>();
const PARSED_LIMIT = 1024;

/** Takes a concrete topic apart; throws TopicError when it is not an fsbus topic. */
export function parseTopic(topic: string): TopicParts {
  let parts = parsed.get(topic);
  if (parts === undefined) {
    parts = Object.freeze(splitTopic(topic));
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(topic, parts);
  }
  return parts;
}

function splitTopic(topic: string): TopicParts {
  const parts = topic.split('/');
  if (parts.length < 4 || `${parts[0] ?? ''}/${parts[1] ?? ''}` !== TOPIC_ROOT) {
    throw new TopicError('bad_topic', `topic ${JSON.stringify(topic)} is not under ${TOPIC_ROOT}/`);
  }
  const busId = parts[2] ?? '';
  checkBusId(busId);
  const rest = parts.slice(3);
  if (rest[0] === 'status' && rest.length === 2) {
    const service = rest[1] ?? '';
    checkService(service);
    return { busId, stream: 'status', service };
  }
  const stream = rest.join('/');
  if (stream === 'status' || !STREAM_SET.has(stream)) {
    throw new TopicError(
      'bad_topic',
      `topic ${JSON.stringify(topic)}: unknown stream ${JSON.stringify(stream)}`,
    );
  }
  return { busId, stream: stream as Stream };
}

/** Like parseTopic, but returns undefined instead of throwing (for hot paths that count). */
export function tryParseTopic(topic: string): TopicParts | undefined {
  try {
    return parseTopic(topic);
  } catch (error) {
    if (error instanceof TopicError) return undefined;
    throw error;
  }
}
