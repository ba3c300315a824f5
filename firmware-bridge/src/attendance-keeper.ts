// The bridge as keeper of the day's attendance (visits and opinions, for the driver display):
// counted from the kiosks' messages, its state kept in the outbox in the transaction of the
// message counted, and the retained `attendance` published on board once that message is
// committed. Wired by main.ts, as the queue keeper is.
import { z } from 'zod';
import {
  serviceDate,
  StopId,
  type BodyOf,
  type OpinionMessage,
  type VisitMessage,
} from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import { Attendance, emptyAttendance, type AttendanceSnapshot } from './domain/attendance.js';
import { Counts, KeptState, PublishOnChange, type StateStore } from './store/kept-state.js';

export interface AttendanceKeeperOptions {
  readonly logger: Logger;
  readonly now: () => number;
  /** When a kiosk's message happened on the bridge's clock, from its `ts` (see VisitorSide). */
  readonly timeOf: (ts: string) => number;
  /** Time zone of the service day (the plan's). */
  readonly timeZone: () => string;
  /** The outbox's state: a value staged before a message is added is in its transaction. */
  readonly state: StateStore;
  /** Publishes the retained `attendance` on board. */
  readonly publish: (body: BodyOf<'attendance'>) => void;
}

const STATE_KEY = 'attendance';

const TallySchema = z.object({ visits: z.int().min(0), opinions: z.int().min(0) });
/** What a snapshot read back from disk must look like (it is the keeper's own JSON). */
const SnapshotSchema = z.object({
  date: z.iso.date(),
  today: TallySchema,
  stops: z.array(TallySchema.extend({ stopId: StopId })),
  counted: z.array(z.string()),
});

export class AttendanceKeeper {
  readonly #options: AttendanceKeeperOptions;
  readonly #kept: KeptState<AttendanceSnapshot>;
  readonly #attendance: Attendance;
  readonly #counts = new Counts('attendance');
  readonly #published: PublishOnChange<BodyOf<'attendance'>>;

  constructor(options: AttendanceKeeperOptions) {
    this.#options = options;
    this.#kept = new KeptState(options.state, STATE_KEY, SnapshotSchema);
    this.#published = new PublishOnChange(options.publish);
    const today = () => emptyAttendance(serviceDate(options.now(), options.timeZone()));
    this.#attendance = new Attendance(
      this.#kept.load(today, (error) => {
        // Not expected; central still has every visit and opinion.
        this.#counts.add('state_unreadable');
        options.logger.error(
          { err: error.message },
          'saved attendance unreadable: today’s counts start at 0',
        );
      }),
    );
    this.#newDay();
  }

  /**
   * Counts a visit or an opinion; call it before handing the message to the outbox, so that the
   * new counts are committed with it. True when they changed (publish them once committed).
   */
  take(kind: 'visit', message: VisitMessage): boolean;
  take(kind: 'opinion', message: OpinionMessage): boolean;
  take(kind: 'visit' | 'opinion', message: VisitMessage | OpinionMessage): boolean {
    this.#newDay();
    const outcome = this.#attendance.count({
      kind,
      id: message.id,
      stopId: message.stopId,
      date: serviceDate(this.#options.timeOf(message.ts), this.#options.timeZone()),
    });
    this.#counts.add(outcome);
    if (outcome !== 'counted') return false;
    this.#stage();
    return true;
  }

  /** Starts a new day when due, and publishes the counts if they changed. */
  tick(): void {
    this.#newDay();
    this.publish();
  }

  /** Publishes the counts if they changed since last published, or always when `force`. */
  publish(force = false): void {
    this.#published.publish(this.#attendance.view(), force);
  }

  metrics(): Record<string, number> {
    return this.#counts.metrics();
  }

  /** The service day's time zone changed: today's counts go on under today's date there. */
  zoneChanged(): void {
    if (this.#attendance.redate(serviceDate(this.#options.now(), this.#options.timeZone())))
      this.#stage();
  }

  #newDay(): void {
    const today = serviceDate(this.#options.now(), this.#options.timeZone());
    if (this.#attendance.startDay(today)) this.#stage();
  }

  #stage(): void {
    this.#kept.stage(this.#attendance.snapshot());
  }
}
