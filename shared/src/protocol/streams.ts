// The stream table: for each topic, its schema, QoS, retain flag, delivery class and roles.
import type { z } from 'zod';
import type { Role } from '../roles.js';
import type { Stream } from '../topics.js';
import { GnssMessage, DoorMessage, OccupancyMessage } from './vehicle.js';
import { PlanAckMessage, PlanMessage, StopMessage } from './journey.js';
import {
  OccupancyCommandMessage,
  OpinionMessage,
  QueueCommandMessage,
  QueueMessage,
  VisitMessage,
  AttendanceMessage,
} from './visitors.js';
import { StatusMessage } from './status.js';

/**
 * How central gets a stream: `event` is never dropped; `telemetry` is thinned and, past the
 * outbox cap, dropped oldest first; `downlink` comes from central; `on-board` stays on the bus.
 */
export type Delivery = 'event' | 'telemetry' | 'downlink' | 'on-board';

export interface StreamSpec<Schema extends z.ZodType = z.ZodType> {
  readonly schema: Schema;
  readonly title: string;
  readonly description: string;
  /** QoS on the on-board broker. The uplink to central always uses QoS 1. */
  readonly qos: 0 | 1;
  readonly retain: boolean;
  readonly delivery: Delivery;
  /** Stamped so it cannot be linked to other messages: random id, time to the hour. */
  readonly anonymous: boolean;
  /** Roles allowed to publish it; `status` is also published by the broker itself. */
  readonly publishers: readonly Role[];
  readonly subscribers: readonly Role[];
}

export const STREAM_SPECS = {
  gnss: {
    schema: GnssMessage,
    title: 'Position fix',
    description:
      'Every fix the bridge accepts, live on board (QoS 0, up to 10 Hz). Central gets a thinned track: a fix every 30 s, 100 m or 30 degrees of heading change, or on a stop transition.',
    qos: 0,
    retain: false,
    delivery: 'telemetry',
    anonymous: false,
    publishers: ['bridge'],
    subscribers: ['driver', 'monitor'],
  },
  door: {
    schema: DoorMessage,
    title: 'Door count',
    description:
      'People in and out through one door since its previous event, derived from the counter totals.',
    qos: 1,
    retain: false,
    delivery: 'event',
    anonymous: false,
    publishers: ['bridge'],
    subscribers: ['driver', 'monitor'],
  },
  occupancy: {
    schema: OccupancyMessage,
    title: 'Occupancy',
    description: 'People on board now and the day totals, on every change and periodically.',
    qos: 1,
    retain: true,
    delivery: 'telemetry',
    anonymous: false,
    publishers: ['bridge'],
    subscribers: ['kiosk', 'driver', 'monitor'],
  },
  stop: {
    schema: StopMessage,
    title: 'Stop state',
    description:
      'The bus against its plan, on every transition and every 30 s. Transitions go to central as events.',
    qos: 1,
    retain: true,
    delivery: 'event',
    anonymous: false,
    publishers: ['bridge'],
    subscribers: ['kiosk', 'driver', 'monitor'],
  },
  visit: {
    schema: VisitMessage,
    title: 'Visit (check-in)',
    description:
      'A visitor checked in at the kiosk: what for, in which language, which turn number. Anonymous.',
    qos: 1,
    retain: false,
    delivery: 'event',
    anonymous: false,
    publishers: ['kiosk'],
    subscribers: ['bridge', 'driver', 'monitor'],
  },
  opinion: {
    schema: OpinionMessage,
    title: 'Opinion',
    description:
      'An anonymous satisfaction answer: a 1-4 rating and predefined reasons, unlinkable to a visit.',
    qos: 1,
    retain: false,
    delivery: 'event',
    anonymous: true,
    publishers: ['kiosk'],
    // Not the driver display: the adviser would see how the person just at the kiosk felt.
    subscribers: ['bridge', 'monitor'],
  },
  queue: {
    schema: QueueMessage,
    title: 'Queue',
    description: 'Turn numbers issued, now serving, waiting and expected wait, on every change.',
    qos: 1,
    retain: true,
    delivery: 'telemetry',
    anonymous: false,
    publishers: ['bridge'],
    subscribers: ['kiosk', 'driver', 'monitor'],
  },
  attendance: {
    schema: AttendanceMessage,
    title: 'Attendance',
    description:
      'Visits and opinions of the service day, in all and per planned stop, counted by the bridge from the kiosks’ messages (each id once), on every change. For the driver display; central counts from the visits and opinions themselves.',
    qos: 1,
    retain: true,
    delivery: 'on-board',
    anonymous: false,
    publishers: ['bridge'],
    subscribers: ['driver', 'monitor'],
  },
  plan: {
    schema: PlanMessage,
    title: 'Day plan',
    description:
      'Published at central by a planner (`fsbus-central plan publish`) on the bus’s lane; the bridge’s uplink receives it, keeps the last one on disk, republishes it retained on board and answers with `plan/ack`.',
    qos: 1,
    retain: true,
    delivery: 'downlink',
    anonymous: false,
    publishers: ['planner', 'bridge'],
    subscribers: ['bridge', 'kiosk', 'driver', 'monitor'],
  },
  'plan/ack': {
    schema: PlanAckMessage,
    title: 'Plan acknowledgement',
    description:
      'The bridge received a day plan from central: it holds it now (accepted), or keeps another (ignored, with why). Once per plan, so staff see which buses hold today’s plan.',
    qos: 1,
    retain: false,
    delivery: 'event',
    anonymous: false,
    publishers: ['bridge'],
    subscribers: ['driver', 'monitor'],
  },
  status: {
    schema: StatusMessage,
    title: 'Service status',
    description:
      'Health of one service (`status/{service}`): on start, on every change and every 30 s; the MQTT last will publishes state offline. The on-board broker publishes its own, as service `broker`.',
    qos: 1,
    retain: true,
    delivery: 'telemetry',
    anonymous: false,
    publishers: ['bridge', 'kiosk', 'driver'],
    subscribers: ['driver', 'monitor'],
  },
  'cmd/queue': {
    schema: QueueCommandMessage,
    title: 'Queue command',
    description: 'The adviser calls the next turn, recalls or skips one, or resets the day.',
    qos: 1,
    retain: false,
    delivery: 'event',
    anonymous: false,
    publishers: ['driver'],
    subscribers: ['bridge', 'monitor'],
  },
  'cmd/occupancy': {
    schema: OccupancyCommandMessage,
    title: 'Occupancy reset',
    description: 'The driver sets the on-board count to the people actually on board.',
    qos: 1,
    retain: false,
    delivery: 'event',
    anonymous: false,
    publishers: ['driver'],
    subscribers: ['bridge', 'monitor'],
  },
} as const satisfies { readonly [S in Stream]: StreamSpec };

export type StreamSpecs = typeof STREAM_SPECS;

/** The validated message type of a stream. */
export type MessageOf<S extends Stream> = z.output<StreamSpecs[S]['schema']>;
