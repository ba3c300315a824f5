// People on board and the day's totals, from door events: never below 0, set to a known value
// at the depot, by the driver, and at the start of a service day. Pure: times come with inputs.
import { serviceDate, type BodyOf } from '@fsbus/shared';
import type { DoorEvent } from './door-counts.js';

export type OccupancyView = BodyOf<'occupancy'>;
export type ResetReason = NonNullable<OccupancyView['lastReset']>['reason'];

/** Plain-JSON state, so a restart in the middle of the day keeps its counts. */
export interface OccupancySnapshot {
  readonly onBoard: number;
  readonly date: string;
  readonly today: { readonly in: number; readonly out: number };
  readonly stop: { readonly stopId: string; readonly in: number; readonly out: number } | null;
  readonly lastReset: { readonly at: number; readonly reason: ResetReason } | null;
}

export class Occupancy {
  /** The service day's time zone (the plan's). */
  readonly #timeZone: () => string;
  /** The zone the day was last judged in: a plan naming another one moves its date only. */
  #zone: string;
  #state: OccupancySnapshot;
  #inDepot = false;

  /** A fresh count starts at 0 (reason `start`), unless a snapshot of the same day is given. */
  constructor(options: { timeZone: () => string; at: number }, snapshot?: OccupancySnapshot) {
    this.#timeZone = options.timeZone;
    this.#zone = options.timeZone();
    const today = serviceDate(options.at, this.#zone);
    this.#state =
      snapshot?.date === today
        ? snapshot
        : {
            onBoard: 0,
            date: today,
            today: { in: 0, out: 0 },
            stop: null,
            lastReset: { at: options.at, reason: snapshot ? 'new_day' : 'start' },
          };
  }

  /**
   * Adds a door event; `stopId` is the planned stop the bus is at (null between stops).
   * Returns true when the service day changed first (the caller publishes that too).
   */
  add(event: DoorEvent, stopId: string | null): boolean {
    const newDay = this.#rollDay(event.at);
    const s = this.#state;
    const stop =
      stopId === null
        ? null
        : s.stop?.stopId === stopId
          ? { stopId, in: s.stop.in + event.in, out: s.stop.out + event.out }
          : { stopId, in: event.in, out: event.out };
    this.#state = {
      ...s,
      onBoard: Math.max(0, s.onBoard + event.in - event.out),
      today: { in: s.today.in + event.in, out: s.today.out + event.out },
      stop,
    };
    return newDay;
  }

  /** The bus is now at `stopId` (or between stops): the stop totals follow it. */
  atStop(stopId: string | null): void {
    if ((this.#state.stop?.stopId ?? null) === stopId) return;
    this.#state = { ...this.#state, stop: stopId === null ? null : { stopId, in: 0, out: 0 } };
  }

  /**
   * Where the bus is: in its depot or not. Entering the depot sets the people on board to 0
   * (nobody sleeps on the bus, whatever the counter missed); staying there changes nothing.
   * Returns true when it reset the count.
   */
  inDepot(inside: boolean, at: number): boolean {
    const entering = inside && !this.#inDepot;
    this.#inDepot = inside;
    if (entering) this.reset(0, 'depot', at);
    return entering;
  }

  /** Sets the people on board to a known value (the depot: 0; the driver: what they see). */
  reset(onBoard: number, reason: ResetReason, at: number): void {
    this.#rollDay(at);
    this.#state = { ...this.#state, onBoard, lastReset: { at, reason } };
  }

  /**
   * Starts a new service day when `at` is in one: the day's totals and onBoard go to 0. In a
   * new time zone, the day goes on under its date there.
   */
  #rollDay(at: number): boolean {
    const zone = this.#timeZone();
    const date = serviceDate(at, zone);
    const newZone = zone !== this.#zone;
    this.#zone = zone;
    if (date === this.#state.date) return false;
    if (newZone) {
      this.#state = { ...this.#state, date };
      return false;
    }
    this.#state = {
      onBoard: 0,
      date,
      today: { in: 0, out: 0 },
      stop: null,
      lastReset: { at, reason: 'new_day' },
    };
    return true;
  }

  /** The body of the retained `occupancy` message at `at`. */
  view(at: number): OccupancyView {
    this.#rollDay(at);
    const { onBoard, date, today, stop, lastReset } = this.#state;
    return {
      onBoard,
      date,
      today: { ...today },
      stop: stop === null ? null : { ...stop },
      lastReset:
        lastReset === null
          ? null
          : {
              at: new Date(Math.floor(lastReset.at / 1000) * 1000).toISOString(),
              reason: lastReset.reason,
            },
    };
  }

  snapshot(): OccupancySnapshot {
    return structuredClone(this.#state);
  }
}
