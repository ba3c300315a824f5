// Visits and opinions of the service day, in all and per planned stop, from the kiosks' messages:
// what the driver display shows. Each message counts once (a message the broker delivers again
// changes nothing). Pure: the whole state is plain JSON, kept on disk by its keeper.
import { ATTENDANCE_STOPS_MAX, type BodyOf } from '@fsbus/shared';

export type AttendanceView = BodyOf<'attendance'>;

interface Tally {
  readonly visits: number;
  readonly opinions: number;
}

/** Plain-JSON state: everything a restart needs to go on with the day. */
export interface AttendanceSnapshot {
  readonly date: string;
  readonly today: Tally;
  /** Per stop, in the order of its first visit or opinion of the day. */
  readonly stops: readonly (Tally & { readonly stopId: string })[];
  /** Ids of the last messages counted, across days. */
  readonly counted: readonly string[];
}

/** What counting a message did, for the keeper's counters. */
export type AttendanceOutcome = 'counted' | 'repeat' | 'other_day';

/** The kiosks' messages counted: a visit or an opinion, its id, stop and service day. */
export interface Counted {
  readonly kind: 'visit' | 'opinion';
  readonly id: string;
  readonly stopId: string | null;
  readonly date: string;
}

/**
 * Ids kept to recognise a message delivered again: a bus's day has a few dozen, and a message
 * comes again within minutes. Each is staged with every message (about 40 bytes apiece).
 */
const COUNTED_KEPT = 200;

export function emptyAttendance(date: string): AttendanceSnapshot {
  return { date, today: { visits: 0, opinions: 0 }, stops: [], counted: [] };
}

export class Attendance {
  #state: AttendanceSnapshot;

  constructor(snapshot: AttendanceSnapshot) {
    this.#state = snapshot;
  }

  /** Starts `date` if it is not the current day; true when it did (the counts start at 0). */
  startDay(date: string): boolean {
    if (date === this.#state.date) return false;
    this.#state = { ...emptyAttendance(date), counted: this.#state.counted };
    return true;
  }

  /** The same day under another date (a plan named another time zone): the counts go on. */
  redate(date: string): boolean {
    if (date === this.#state.date) return false;
    this.#state = { ...this.#state, date };
    return true;
  }

  /**
   * Counts a visit or an opinion of the current day, or of a later one (which starts it). One of
   * an earlier day (it waited in the broker across midnight) is not today's; central counts it
   * in its own day.
   */
  count(message: Counted): AttendanceOutcome {
    if (this.#state.counted.includes(message.id)) return 'repeat';
    // A kiosk whose clock is a little ahead takes the first visits of the next day.
    if (message.date > this.#state.date) this.startDay(message.date);
    const state = this.#state;
    if (message.date !== state.date) return 'other_day';
    const add = (tally: Tally): Tally =>
      message.kind === 'visit'
        ? { ...tally, visits: tally.visits + 1 }
        : { ...tally, opinions: tally.opinions + 1 };
    let stops = state.stops;
    if (message.stopId !== null) {
      const index = stops.findIndex((s) => s.stopId === message.stopId);
      if (index >= 0) stops = stops.map((s, i) => (i === index ? { ...s, ...add(s) } : s));
      else if (stops.length < ATTENDANCE_STOPS_MAX)
        stops = [...stops, { stopId: message.stopId, ...add({ visits: 0, opinions: 0 }) }];
    }
    this.#state = {
      date: state.date,
      today: add(state.today),
      stops,
      counted: [...state.counted, message.id].slice(-COUNTED_KEPT),
    };
    return 'counted';
  }

  view(): AttendanceView {
    const { date, today, stops } = this.#state;
    return { date, today, stops: stops.map((s) => ({ ...s })) };
  }

  snapshot(): AttendanceSnapshot {
    return this.#state;
  }
}
