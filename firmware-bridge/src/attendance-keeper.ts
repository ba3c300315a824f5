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

export interface AttendanceKeeperOptions {
  readonly logger: Logger;
  readonly now: () => number;
  /** Time zone of the service day (the plan's). */
  readonly timeZone: () => string;
  /** The outbox's state: a value staged before a message is added is in its transaction. */
  readonly state: {
    read(key: string): string | undefined;
    stage(key: string, value: string): void;
  };
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
  readonly #attendance: Attendance;
  readonly #counts = new Map<string, number>();
  #published: string | null = null;

  constructor(options: AttendanceKeeperOptions) {
    this.#options = options;
    this.#attendance = new Attendance(this.#load());
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
      date: serviceDate(Date.parse(message.ts), this.#options.timeZone()),
    });
    this.#count(outcome);
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
    const body = this.#attendance.view();
    const json = JSON.stringify(body);
    if (!force && json === this.#published) return;
    this.#published = json;
    this.#options.publish(body);
  }

  metrics(): Record<string, number> {
    return Object.fromEntries([...this.#counts].map(([name, n]) => [`attendance_${name}`, n]));
  }

  #newDay(): void {
    const today = serviceDate(this.#options.now(), this.#options.timeZone());
    if (this.#attendance.startDay(today)) this.#stage();
  }

  #stage(): void {
    this.#options.state.stage(STATE_KEY, JSON.stringify(this.#attendance.snapshot()));
  }

  #count(name: string): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
  }

  #load(): AttendanceSnapshot {
    const today = serviceDate(this.#options.now(), this.#options.timeZone());
    const stored = this.#options.state.read(STATE_KEY);
    if (stored === undefined) return emptyAttendance(today);
    try {
      return SnapshotSchema.parse(JSON.parse(stored));
    } catch (error) {
      // Not expected (the keeper wrote it in a transaction); central still has every visit.
      this.#count('state_unreadable');
      this.#options.logger.error(
        { err: (error as Error).message },
        'saved attendance unreadable: today’s counts start at 0',
      );
      return emptyAttendance(today);
    }
  }
}
