// The bus's visitor side, kept by the bridge: the queue (the kiosks' turns, the adviser's calls)
// and the day's attendance (visits and opinions), both changed by the messages the kiosks and
// the driver display publish on board, staged in the transaction of the message that changed
// them and published once it is committed. Wired by main.ts.
import type {
  BodyOf,
  OpinionMessage,
  QueueCommandMessage,
  Stream,
  VisitMessage,
} from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import { AttendanceKeeper } from './attendance-keeper.js';
import { QueueKeeper } from './queue-keeper.js';
import type { StateStore } from './store/kept-state.js';

export interface VisitorSideOptions {
  readonly logger: Logger;
  readonly now: () => number;
  /**
   * The bridge runs on a simulated clock, the kiosks on real time: their messages then happen
   * when they arrive (a kiosk's visit arrives within milliseconds of being taken).
   */
  readonly simulated: boolean;
  /** The planned stop the bus stands at now, or null. */
  readonly stopId: () => string | null;
  /** Time zone of the service day (the plan's). */
  readonly timeZone: () => string;
  /** The outbox's state: a value staged before a message is added is in its transaction. */
  readonly state: StateStore;
  /** Publishes the retained queue (on board and to central). */
  readonly publishQueue: (body: BodyOf<'queue'>) => void;
  /** Publishes the retained attendance (on board). */
  readonly publishAttendance: (body: BodyOf<'attendance'>) => void;
}

export class VisitorSide {
  readonly #queue: QueueKeeper;
  readonly #attendance: AttendanceKeeper;
  readonly #timeZone: () => string;
  /** The zone the day is judged in: a plan naming another one moves today's date, not the day. */
  #zone: string;

  constructor(options: VisitorSideOptions) {
    const { logger, now, timeZone, state } = options;
    this.#timeZone = timeZone;
    this.#zone = timeZone();
    const timeOf = (ts: string) => (options.simulated ? now() : Date.parse(ts));
    this.#queue = new QueueKeeper({
      logger: logger.child({ component: 'queue' }),
      now,
      timeOf,
      stopId: options.stopId,
      timeZone,
      state,
      publish: options.publishQueue,
    });
    this.#attendance = new AttendanceKeeper({
      logger: logger.child({ component: 'attendance' }),
      now,
      timeOf,
      timeZone,
      state,
      publish: options.publishAttendance,
    });
  }

  /**
   * Applies a kiosk's or the driver's message (call it before handing the message to the
   * outbox): returns what publishes the new states once it is committed, or null.
   */
  apply(stream: Stream, message: unknown): (() => void) | null {
    let queueChanged = false;
    let counted = false;
    if (stream === 'visit') {
      queueChanged = this.#queue.visit(message as VisitMessage);
      counted = this.#attendance.take('visit', message as VisitMessage);
    } else if (stream === 'opinion') {
      counted = this.#attendance.take('opinion', message as OpinionMessage);
    } else if (stream === 'cmd/queue') {
      queueChanged = this.#queue.command(message as QueueCommandMessage);
    }
    if (!queueChanged && !counted) return null;
    return () => {
      if (queueChanged) this.#queue.publish();
      if (counted) this.#attendance.publish();
    };
  }

  /** A new service day when due (or today's date in a new zone), and the queue's estimate. */
  tick(): void {
    const zone = this.#timeZone();
    if (zone !== this.#zone) {
      this.#zone = zone;
      this.#queue.zoneChanged();
      this.#attendance.zoneChanged();
    }
    this.#queue.tick();
    this.#attendance.tick();
  }

  /** Publishes both states (each (re)connection to the on-board broker). */
  publishAll(): void {
    this.#queue.publish(true);
    this.#attendance.publish(true);
  }

  metrics(): Record<string, number> {
    return { ...this.#queue.metrics(), ...this.#attendance.metrics() };
  }
}
