// The bus's queue of turns: what the kiosks issued (visits), what the adviser called (cmd/queue),
// and the wait a new turn can expect, from the recent service times at this stop. Pure: times
// come with inputs, and the whole state is plain JSON, kept on disk by its keeper.
import {
  DEFAULT_SERIES,
  QUEUE_LIST_MAX,
  median,
  type BodyOf,
  type QueueCommandMessage,
  type TurnSeries,
} from '@fsbus/shared';

export type QueueView = BodyOf<'queue'>;
export type WaitReason = NonNullable<QueueView['waitReason']>;

export interface Turn {
  readonly series: TurnSeries;
  readonly number: number;
}

interface WaitingTurn extends Turn {
  /** When the visit was taken, ms. */
  readonly at: number;
}

/** Plain-JSON state: everything a restart needs to go on with the day. */
export interface QueueSnapshot {
  readonly date: string;
  readonly issued: number;
  readonly lastIssued: Readonly<Record<TurnSeries, number>>;
  /** In call order: the order the visits came in, a recalled turn moved to the front. */
  readonly waiting: readonly WaitingTurn[];
  readonly serving: Turn | null;
  /** Turns called today, last first (for recall and skip), at most CALLED_KEPT. */
  readonly called: readonly Turn[];
  /** The last call_next that called someone, ms; null before the first of the day. */
  readonly lastCallAt: number | null;
  /** Ids of the last messages applied, so that a message delivered again changes nothing. */
  readonly applied: readonly string[];
  /** Service times (s) per stop (`''`: off plan), the latest last; kept across days. */
  readonly samples: Readonly<Record<string, readonly number[]>>;
}

/** What applying a message did, for the keeper's counters and logs. */
export type Outcome =
  | 'issued'
  | 'duplicate_turn'
  | 'late'
  | 'repeat'
  | 'called'
  | 'nobody_waiting'
  | 'recalled'
  | 'skipped'
  | 'unknown_turn'
  | 'reset';

/** Service times kept per stop, and how many of the latest make the estimate. */
export const SAMPLES_KEPT = 15;
export const SAMPLES_USED = 9;
/** Fewer samples than this at a stop: the bus's latest at any stop are used. */
export const SAMPLES_AT_STOP_MIN = 3;
/** A call this soon after the last is a no-show passed over, not a service time, s. */
export const SAMPLE_MIN_S = 10;
/** A longer gap between calls is a break, not a service time, s. */
export const SAMPLE_MAX_S = 90 * 60;
const CALLED_KEPT = 50;
const APPLIED_KEPT = 500;
const STOPS_KEPT = 200;

/** A wait this long is explained to visitors (many_waiting), s; so is this many people. */
export const LONG_WAIT_S = 30 * 60;
export const MANY_WAITING = 10;
/** No call for this many service times (and at least BREAK_MIN_S) with people waiting: a break. */
export const BREAK_FACTOR = 2.5;
export const BREAK_MIN_S = 15 * 60;
/** The last few services this much longer than the stop's usual: long_requests. */
export const LONG_REQUESTS_FACTOR = 1.5;
const RECENT = 3;

export function emptyQueue(date: string, samples: QueueSnapshot['samples'] = {}): QueueSnapshot {
  return {
    date,
    issued: 0,
    lastIssued: {},
    waiting: [],
    serving: null,
    called: [],
    lastCallAt: null,
    applied: [],
    samples,
  };
}

const same = (a: Turn, b: Turn) => a.series === b.series && a.number === b.number;

export class Queue {
  #state: QueueSnapshot;

  constructor(snapshot: QueueSnapshot) {
    this.#state = snapshot;
  }

  snapshot(): QueueSnapshot {
    return this.#state;
  }

  get date(): string {
    return this.#state.date;
  }

  /** A new service day: nobody waiting, numbering from 1; the stops' service times are kept. */
  startDay(date: string): boolean {
    if (date <= this.#state.date) return false;
    this.#state = emptyQueue(date, this.#state.samples);
    return true;
  }

  /**
   * The same day under another date (a plan named another time zone): the people waiting and
   * the numbering go on. True when the date changed.
   */
  redate(date: string): boolean {
    if (date === this.#state.date) return false;
    this.#state = { ...this.#state, date };
    return true;
  }

  /** A check-in from a kiosk, on the service day `date` (the visit's own). */
  visit(visit: { id: string; turn: number; series?: TurnSeries; date: string; at: number }) {
    if (this.#state.applied.includes(visit.id)) return 'repeat';
    if (visit.date < this.#state.date) return 'late';
    this.startDay(visit.date);
    const turn = { series: visit.series ?? DEFAULT_SERIES, number: visit.turn };
    const s = this.#state;
    const duplicate = s.waiting.some((w) => same(w, turn)) || s.called.some((c) => same(c, turn));
    this.#state = {
      ...s,
      issued: s.issued + 1,
      lastIssued: {
        ...s.lastIssued,
        [turn.series]: Math.max(s.lastIssued[turn.series] ?? 0, turn.number),
      },
      waiting: [...s.waiting, { ...turn, at: visit.at }],
      applied: remember(s.applied, visit.id),
    };
    return duplicate ? 'duplicate_turn' : 'issued';
  }

  /** An adviser's action, at the stop `stopId` (its service times are this stop's). */
  command(
    cmd: Pick<QueueCommandMessage, 'id' | 'action' | 'turn' | 'series'>,
    at: number,
    stopId: string | null,
  ): Outcome {
    const s = this.#state;
    if (s.applied.includes(cmd.id)) return 'repeat';
    const applied = remember(s.applied, cmd.id);
    const target: Turn | null =
      cmd.turn === undefined ? null : { series: cmd.series ?? DEFAULT_SERIES, number: cmd.turn };
    switch (cmd.action) {
      case 'call_next': {
        const [next, ...rest] = s.waiting;
        if (next === undefined) {
          this.#state = { ...s, applied };
          return 'nobody_waiting';
        }
        // The adviser was busy from the last call, or from this visitor's arrival if later.
        const serviceS =
          s.lastCallAt === null ? null : (at - Math.max(s.lastCallAt, next.at)) / 1000;
        const turn = { series: next.series, number: next.number };
        this.#state = {
          ...s,
          waiting: rest,
          serving: turn,
          called: [turn, ...s.called].slice(0, CALLED_KEPT),
          lastCallAt: at,
          applied,
          samples:
            serviceS !== null && serviceS >= SAMPLE_MIN_S && serviceS <= SAMPLE_MAX_S
              ? withSample(s.samples, stopId ?? '', Math.round(serviceS))
              : s.samples,
        };
        return 'called';
      }
      case 'recall': {
        if (target === null) return 'unknown_turn';
        const waiting = s.waiting.some((w) => same(w, target));
        if (!waiting && !s.called.some((c) => same(c, target))) {
          this.#state = { ...s, applied };
          return 'unknown_turn';
        }
        // Called again (or out of order): served now, and no longer waiting.
        this.#state = {
          ...s,
          waiting: s.waiting.filter((w) => !same(w, target)),
          serving: target,
          called: [target, ...s.called.filter((c) => !same(c, target))].slice(0, CALLED_KEPT),
          applied,
        };
        return 'recalled';
      }
      case 'skip': {
        if (target === null) return 'unknown_turn';
        const known =
          s.waiting.some((w) => same(w, target)) || s.called.some((c) => same(c, target));
        if (!known) {
          this.#state = { ...s, applied };
          return 'unknown_turn';
        }
        // Absent: out of the queue; kept among the called, so that a recall brings them back.
        this.#state = {
          ...s,
          waiting: s.waiting.filter((w) => !same(w, target)),
          serving: s.serving !== null && same(s.serving, target) ? null : s.serving,
          called: [target, ...s.called.filter((c) => !same(c, target))].slice(0, CALLED_KEPT),
          applied,
        };
        return 'skipped';
      }
      case 'reset':
        // The queue is emptied, but numbering goes on: no number is ever issued twice a day.
        this.#state = {
          ...s,
          waiting: [],
          serving: null,
          called: [],
          lastCallAt: null,
          applied,
        };
        return 'reset';
    }
  }

  /** The retained `queue` body at `now`, with the estimate for the stop `stopId`. */
  view(now: number, stopId: string | null): QueueView {
    const s = this.#state;
    const estimate = this.estimate(now, stopId);
    return {
      date: s.date,
      issued: s.issued,
      serving: s.serving?.number ?? null,
      servingSeries: s.serving?.series ?? null,
      waiting: s.waiting.length,
      waitingTurns: s.waiting
        .slice(0, QUEUE_LIST_MAX)
        .map(({ series, number }) => ({ series, number })),
      lastIssued: s.lastIssued,
      serviceS: estimate.serviceS,
      estimatedWaitS: estimate.waitS,
      waitReason: estimate.reason,
    };
  }

  /**
   * The median of the last service times at this stop (the bus's latest anywhere while the stop
   * has fewer than SAMPLES_AT_STOP_MIN), the wait of a new turn (everyone before it, plus what
   * is left of the current service), rounded up to a minute, and why it is long, if it is.
   */
  estimate(
    now: number,
    stopId: string | null,
  ): { serviceS: number | null; waitS: number | null; reason: WaitReason | null } {
    const s = this.#state;
    const here = s.samples[stopId ?? ''] ?? [];
    const samples =
      here.length >= SAMPLES_AT_STOP_MIN
        ? here
        : Object.values(s.samples).flat().slice(-SAMPLES_USED);
    const serviceS = samples.length === 0 ? null : Math.round(median(samples.slice(-SAMPLES_USED)));
    const sinceCallS = s.lastCallAt === null ? null : Math.max(0, (now - s.lastCallAt) / 1000);
    let waitS: number | null = null;
    if (s.waiting.length === 0 && s.serving === null) waitS = 0;
    else if (serviceS !== null) {
      const left =
        s.serving === null || sinceCallS === null ? 0 : Math.max(0, serviceS - sinceCallS);
      waitS = Math.min(86_400, Math.ceil((s.waiting.length * serviceS + left) / 60) * 60);
    }
    return { serviceS, waitS, reason: this.#reason(now, serviceS, waitS, here) };
  }

  #reason(
    now: number,
    serviceS: number | null,
    waitS: number | null,
    here: readonly number[],
  ): WaitReason | null {
    const s = this.#state;
    if (s.waiting.length === 0) return null;
    // Nobody called for a long while, though people wait: the adviser is away.
    const since = s.lastCallAt ?? Math.min(...s.waiting.map((w) => w.at));
    const breakS = Math.max(BREAK_MIN_S, BREAK_FACTOR * (serviceS ?? 0));
    if ((now - since) / 1000 >= breakS) return 'adviser_break';
    // The last services took much longer than this stop's usual.
    if (
      here.length >= 2 * RECENT &&
      median(here.slice(-RECENT)) >= LONG_REQUESTS_FACTOR * median(here)
    )
      return 'long_requests';
    if (s.waiting.length >= MANY_WAITING || (waitS !== null && waitS >= LONG_WAIT_S))
      return 'many_waiting';
    return null;
  }
}

function remember(applied: readonly string[], id: string): string[] {
  return [...applied.slice(-(APPLIED_KEPT - 1)), id];
}

function withSample(
  samples: QueueSnapshot['samples'],
  stop: string,
  serviceS: number,
): QueueSnapshot['samples'] {
  const { [stop]: previous = [], ...others } = samples;
  // The stop goes last: the stops kept are the ones served most recently.
  const kept = Object.entries(others).slice(-(STOPS_KEPT - 1));
  return { ...Object.fromEntries(kept), [stop]: [...previous, serviceS].slice(-SAMPLES_KEPT) };
}
