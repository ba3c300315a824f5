// Where the bus stands against its day plan (arrived, departed, en route, off plan), with actual
// times, delay and ETA: pure, driven by positions and explicit times, snapshotted for restarts.
import type { BodyOf, PlanMessage, StopMessage } from '@fsbus/shared';
import { distanceM, type LatLon } from './geo.js';

/** Tuning of the tracker; every field has a default in DEFAULT_STOP_TRACKER_OPTIONS. */
export interface StopTrackerOptions {
  /** Arrival radius of a stop whose plan entry has none, metres. */
  readonly radiusM: number;
  /** Slower than this counts as stopped (arrival and off-plan dwell), m/s. */
  readonly arriveSpeedMps: number;
  /** Stopped at a stop this long (single outliers tolerated, see StopTracker) arrives, seconds. */
  readonly arriveAfterS: number;
  /** Beyond radius x this factor is away from the stop; within it, kerb-side jitter. */
  readonly departRadiusFactor: number;
  /** Faster than this for departAfterS is a departure, m/s. */
  readonly departSpeedMps: number;
  readonly departAfterS: number;
  /**
   * Fixes in a row needed to believe a change (beyond radius x factor to depart, failing a dwell
   * to end it), so that a single outlier does neither.
   */
  readonly confirmFixes: number;
  /**
   * ...and for at least this long, seconds, to leave a stop: at 10 Hz two fixes are 0.2 s of
   * noise, and a departure is final.
   */
  readonly confirmS: number;
  /** A stop this long away from every planned stop (and the depot) is off plan, seconds. */
  readonly offPlanAfterS: number;
  /** How far a bus dwelling off plan may drift from where it stopped, metres. */
  readonly offPlanRadiusM: number;
  /** How long `departed` is shown before `en_route`, seconds. */
  readonly departedHoldS: number;
  /** Road distance / straight distance, for the ETA (rural roads wind: about 1.3). */
  readonly detourFactor: number;
  /** The ETA speed is the mean speed while moving over this window, seconds. */
  readonly etaWindowS: number;
  /** Lowest speed the ETA assumes, so a long red light does not push it to infinity, m/s. */
  readonly etaMinSpeedMps: number;
  /** A position older than this gives no ETA nor distance, seconds. */
  readonly positionMaxAgeS: number;
  /** A missing speed is derived over up to this much position history, seconds. */
  readonly derivedSpeedWindowS: number;
}

export const DEFAULT_STOP_TRACKER_OPTIONS: StopTrackerOptions = Object.freeze({
  radiusM: 80,
  arriveSpeedMps: 2,
  arriveAfterS: 20,
  departRadiusFactor: 1.5,
  departSpeedMps: 5,
  departAfterS: 10,
  confirmFixes: 2,
  confirmS: 2,
  offPlanAfterS: 180,
  // Twice a parked receiver's typical +/- 15 m wander, well under a lay-by's length.
  offPlanRadiusM: 50,
  departedHoldS: 60,
  detourFactor: 1.3,
  etaWindowS: 120,
  etaMinSpeedMps: 5,
  positionMaxAgeS: 60,
  derivedSpeedWindowS: 10,
});

export type StopState = StopMessage['state'];
/** A `stop` message without its envelope: what MessageFactory.create('stop', ...) takes. */
export type StopView = BodyOf<'stop'>;

/** One position from the trusted clock's point of view; speed null when the receiver gave none. */
export interface TrackerPosition {
  readonly at: number;
  readonly lat: number;
  readonly lon: number;
  readonly speed: number | null;
}

/** A change of state (or of the stop it is about) that the caller publishes. */
export interface StopTransition {
  readonly at: number;
  readonly from: StopState;
  readonly to: StopState;
  /** arrived/departed: the current stop; en_route: the next stop (null after the last). */
  readonly stopId: string | null;
}

/** A visit to a planned stop; times in ms since 1970, whole seconds. */
export interface StopVisit {
  readonly stopId: string;
  readonly arrivedAt: number;
  readonly departedAt: number | null;
}

/** Plain-JSON progress of a day, enough to resume after a restart. */
export interface TrackerSnapshot {
  /** Service date the progress belongs to; a plan for another date starts afresh. */
  readonly date: string | null;
  readonly planId: string | null;
  readonly visits: readonly StopVisit[];
  /** The latest departure and when it was detected (the `departed` hold runs from then). */
  readonly lastDeparture: { readonly stopId: string; readonly detectedAt: number } | null;
  readonly offPlan: { readonly lat: number; readonly lon: number; readonly since: number } | null;
}

interface Stop {
  readonly stopId: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly radiusM: number;
  readonly arrival: string;
  readonly departure: string;
  readonly arrivalMs: number;
  readonly departureMs: number;
}

interface Plan {
  readonly planId: string;
  readonly date: string;
  readonly stops: readonly Stop[];
  readonly depot: { readonly lat: number; readonly lon: number; readonly radiusM: number } | null;
  readonly localDate: Intl.DateTimeFormat;
}

interface Sample {
  readonly at: number;
  readonly lat: number;
  readonly lon: number;
  readonly speed: number | null;
}

/** A run of fixes that may end a visit (at a stop or off plan); see #leaving. */
interface LeaveRun {
  outsideSince: number | null;
  farFixes: number;
  farSince: number | null;
  fastSince: number | null;
}

const NO_LEAVE = (): LeaveRun => ({
  outsideSince: null,
  farFixes: 0,
  farSince: null,
  fastSince: null,
});
const iso = (ms: number) => new Date(ms).toISOString();
const toSecond = (ms: number) => Math.round(ms / 1000) * 1000;
// `+ 0` turns -0 into 0: a delay of "minus nothing" would print as 0 but compare unequal.
const wholeSeconds = (ms: number) => Math.round(ms / 1000) + 0;

/**
 * Decides the stop state from positions (one update per fix, in time order).
 * - Arrival at a stop not yet visited: a run from the first fix inside its radius and slower
 *   than arriveSpeedMps, ended by confirmFixes fixes in a row that are not slow or beyond
 *   radius x departRadiusFactor (kerb jitter and single outliers do not end it); once it lasts
 *   arriveAfterS on a fix inside and slow, the bus arrived at the run's first fix.
 * - Departure: confirmFixes fixes in a row over confirmS beyond radius x factor, or faster than departSpeedMps
 *   for departAfterS; it happened at the start of that run (first fix outside the radius, or
 *   first fast fix). Moving on to a nearby stop and arriving there departs the first one too.
 * - A departed stop is final: coming back to it is neither an arrival nor off plan (reopening
 *   would let a red light just past the stop flap arrived/departed). Skipped stops stay
 *   unvisited and can still be arrived at later; `next` is the first unvisited stop after the
 *   latest arrival.
 * - Off plan: the same kind of run, slow, within offPlanRadiusM of its first fix and outside
 *   every stop's radius and the depot's, for offPlanAfterS; it ends like a departure.
 * - After the last stop: `departed` for the hold, then `en_route` with next and delay null.
 * - A missing speed is derived from the oldest position within derivedSpeedWindowS.
 */
export class StopTracker {
  readonly #o: StopTrackerOptions;
  #plan: Plan | null = null;
  #date: string | null;
  #planId: string | null;
  readonly #visits = new Map<string, { arrivedAt: number; departedAt: number | null }>();
  #lastDeparture: TrackerSnapshot['lastDeparture'];
  #offPlan: TrackerSnapshot['offPlan'];
  // Runs in progress: not snapshotted, a restart only restarts them.
  // A dwell run tolerates up to confirmFixes - 1 failing fixes in a row (`misses`).
  #dwell: { stopId: string; since: number; misses: number } | null = null;
  #offPlanDwell: { lat: number; lon: number; since: number; misses: number } | null = null;
  #leave: LeaveRun = NO_LEAVE();
  #history: Sample[] = [];
  #reported: { state: StopState; stopId: string | null } = { state: 'no_plan', stopId: null };

  constructor(options: Partial<StopTrackerOptions> = {}, snapshot?: TrackerSnapshot) {
    this.#o = { ...DEFAULT_STOP_TRACKER_OPTIONS, ...options };
    for (const [key, value] of Object.entries(this.#o)) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`${key}: ${String(value)}`);
    }
    if (this.#o.departRadiusFactor < 1) throw new RangeError('departRadiusFactor: below 1');
    if (this.#o.confirmFixes < 1) throw new RangeError('confirmFixes: below 1');
    this.#date = snapshot?.date ?? null;
    this.#planId = snapshot?.planId ?? null;
    for (const v of snapshot?.visits ?? []) this.#visits.set(v.stopId, { ...v });
    this.#lastDeparture = snapshot?.lastDeparture ?? null;
    this.#offPlan = snapshot?.offPlan ?? null;
  }

  /**
   * Takes a new plan (or none). A plan for the date of the progress so far keeps the visits of
   * the stops it still has; a stop removed while the bus is at it ends that visit, unrecorded.
   */
  setPlan(plan: PlanMessage | null, at: number): StopTransition | null {
    if (plan === null) {
      this.#plan = null;
      return this.#transition(at);
    }
    const stops = plan.stops.map((s) => ({
      stopId: s.stopId,
      name: s.name,
      lat: s.lat,
      lon: s.lon,
      radiusM: s.radiusM ?? this.#o.radiusM,
      arrival: s.arrival,
      departure: s.departure,
      arrivalMs: Date.parse(s.arrival),
      departureMs: Date.parse(s.departure),
    }));
    const localDate = new Intl.DateTimeFormat('en-CA', {
      timeZone: plan.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    this.#plan = { planId: plan.planId, date: plan.date, stops, depot: plan.depot, localDate };
    this.#planId = plan.planId;
    if (this.#date !== plan.date) {
      this.#date = plan.date;
      this.#visits.clear();
      this.#lastDeparture = null;
      this.#offPlan = null;
      this.#resetRuns();
    } else {
      const kept = new Set(stops.map((s) => s.stopId));
      const open = this.#openVisit();
      for (const stopId of this.#visits.keys()) if (!kept.has(stopId)) this.#visits.delete(stopId);
      if (open && !kept.has(open)) this.#leave = NO_LEAVE();
      if (this.#lastDeparture && !kept.has(this.#lastDeparture.stopId)) this.#lastDeparture = null;
      if (this.#dwell && !kept.has(this.#dwell.stopId)) this.#dwell = null;
    }
    return this.#transition(at);
  }

  /** Feeds one position (in time order; an older one is ignored) and returns what it changed. */
  update(position: TrackerPosition): StopTransition | null {
    const last = this.#history.at(-1);
    if (last && position.at <= last.at) return null;
    const sample = { ...position, speed: position.speed ?? this.#derivedSpeed(position) };
    this.#history.push(sample);
    const keepFrom = sample.at - 1000 * Math.max(this.#o.etaWindowS, this.#o.derivedSpeedWindowS);
    while ((this.#history[0]?.at ?? Infinity) < keepFrom) this.#history.shift();
    const plan = this.#todayPlan(sample.at);
    if (plan) this.#step(plan, sample);
    else this.#resetRuns();
    return this.#transition(sample.at);
  }

  /** Reports a change due to time alone (end of the departed hold, a new day), if any. */
  tick(at: number): StopTransition | null {
    return this.#transition(at);
  }

  /** The `stop` message body at `at`; always valid against the StopMessage schema. */
  view(at: number): StopView {
    const plan = this.#todayPlan(at);
    if (!plan) {
      return {
        state: 'no_plan',
        planId: null,
        current: null,
        next: null,
        delayS: null,
        offPlan: null,
      };
    }
    const { state, stop } = this.#situation(plan, at);
    const next = this.#nextStop(plan);
    const position = this.#recentPosition(at);
    const moving = state === 'en_route' || state === 'departed';
    const eta = next && position && moving ? this.#eta(next, position, at) : null;
    const visit = stop ? this.#visits.get(stop.stopId) : undefined;
    const current =
      stop && visit
        ? {
            stopId: stop.stopId,
            name: stop.name,
            scheduledArrival: stop.arrival,
            scheduledDeparture: stop.departure,
            actualArrival: iso(visit.arrivedAt),
            actualDeparture: visit.departedAt === null ? null : iso(visit.departedAt),
          }
        : null;
    const delayS = this.#delayS(state, stop, next, eta, at);
    return {
      state,
      planId: plan.planId,
      current,
      next: next && {
        stopId: next.stopId,
        name: next.name,
        scheduledArrival: next.arrival,
        eta: eta === null ? null : iso(eta),
        distanceM: position ? Math.round(distanceM(position, next)) : null,
      },
      delayS,
      offPlan:
        state === 'off_plan' && this.#offPlan
          ? { lat: this.#offPlan.lat, lon: this.#offPlan.lon, since: iso(this.#offPlan.since) }
          : null,
    };
  }

  /** Arrived/departed: against the stop's schedule; otherwise against the next stop's arrival. */
  #delayS(
    state: StopState,
    stop: Stop | null,
    next: Stop | null,
    eta: number | null,
    at: number,
  ): number | null {
    const visit = stop ? this.#visits.get(stop.stopId) : undefined;
    switch (state) {
      case 'no_plan':
        return null;
      case 'arrived':
        return stop && visit ? wholeSeconds(visit.arrivedAt - stop.arrivalMs) : null;
      case 'departed':
        return stop && visit?.departedAt != null
          ? wholeSeconds(visit.departedAt - stop.departureMs)
          : null;
      case 'en_route':
      case 'off_plan':
        if (!next) return null;
        if (eta !== null) return wholeSeconds(eta - next.arrivalMs);
        // Without an ETA (no recent position, or dwelling off plan): how late it already is.
        return at > next.arrivalMs ? wholeSeconds(at - next.arrivalMs) : null;
    }
  }

  /** The progress of the day as plain JSON, for the plan store. */
  snapshot(): TrackerSnapshot {
    return {
      date: this.#date,
      planId: this.#planId,
      visits: [...this.#visits].map(([stopId, v]) => ({ stopId, ...v })),
      lastDeparture: this.#lastDeparture && { ...this.#lastDeparture },
      offPlan: this.#offPlan && { ...this.#offPlan },
    };
  }

  #step(plan: Plan, p: Sample): void {
    const slow = p.speed !== null && p.speed < this.#o.arriveSpeedMps;
    const openId = this.#openVisit();
    const open = plan.stops.find((s) => s.stopId === openId);
    if (open) {
      const departedAt = this.#leaving(open, open.radiusM, p);
      if (departedAt !== null) this.#depart(open.stopId, departedAt, p.at);
    } else if (this.#offPlan) {
      if (this.#leaving(this.#offPlan, this.#o.offPlanRadiusM, p) !== null) this.#offPlan = null;
    }
    // Arrival, also at another stop while a visit is open once the bus has left its radius.
    const stillOpen = open !== undefined && this.#openVisit() === open.stopId;
    const atOpen = stillOpen && distanceM(p, open) <= open.radiusM;
    const dwell = this.#dwell;
    const dwellStop = plan.stops.find((s) => s.stopId === dwell?.stopId);
    const d = dwellStop ? distanceM(p, dwellStop) : Infinity;
    if (dwell && dwellStop) {
      const holds = slow && !atOpen && d <= dwellStop.radiusM * this.#o.departRadiusFactor;
      dwell.misses = holds ? 0 : dwell.misses + 1;
      if (dwell.misses >= this.#o.confirmFixes) this.#dwell = null;
      else if (
        holds &&
        d <= dwellStop.radiusM &&
        p.at - dwell.since >= 1000 * this.#o.arriveAfterS
      ) {
        if (stillOpen) this.#depart(open.stopId, this.#leave.outsideSince ?? p.at, p.at);
        this.#arrive(dwellStop.stopId, dwell.since);
        return;
      }
    } else this.#dwell = null;
    if (!this.#dwell && slow && !atOpen) {
      const stop = this.#nearestUnvisited(plan, p);
      this.#dwell = stop && { stopId: stop.stopId, since: p.at, misses: 0 };
    }
    this.#trackOffPlan(plan, p, slow);
  }

  /** An off-plan dwell: slow, within offPlanRadiusM of where it stopped, away from all stops. */
  #trackOffPlan(plan: Plan, p: Sample, slow: boolean): void {
    if (this.#openVisit() !== null || this.#offPlan) {
      this.#offPlanDwell = null;
      return;
    }
    const away =
      plan.stops.every((s) => distanceM(p, s) > s.radiusM) &&
      (!plan.depot || distanceM(p, plan.depot) > plan.depot.radiusM);
    const dwell = this.#offPlanDwell;
    if (dwell) {
      const holds = slow && away && distanceM(p, dwell) <= this.#o.offPlanRadiusM;
      dwell.misses = holds ? 0 : dwell.misses + 1;
      if (dwell.misses >= this.#o.confirmFixes) this.#offPlanDwell = null;
      else if (holds && p.at - dwell.since >= 1000 * this.#o.offPlanAfterS) {
        this.#offPlan = { lat: dwell.lat, lon: dwell.lon, since: toSecond(dwell.since) };
        this.#offPlanDwell = null;
        this.#leave = NO_LEAVE();
        return;
      }
    }
    if (!this.#offPlanDwell && slow && away) {
      this.#offPlanDwell = { lat: p.lat, lon: p.lon, since: p.at, misses: 0 };
    }
  }

  /** Updates the leave run around `centre`; returns the departure time once confirmed. */
  #leaving(centre: LatLon, radiusM: number, p: Sample): number | null {
    const run = this.#leave;
    const d = distanceM(p, centre);
    run.outsideSince = d > radiusM ? (run.outsideSince ?? p.at) : null;
    const beyond = d > radiusM * this.#o.departRadiusFactor;
    run.farFixes = beyond ? run.farFixes + 1 : 0;
    run.farSince = beyond ? (run.farSince ?? p.at) : null;
    run.fastSince =
      p.speed !== null && p.speed > this.#o.departSpeedMps ? (run.fastSince ?? p.at) : null;
    const far =
      run.farFixes >= this.#o.confirmFixes &&
      run.farSince !== null &&
      p.at - run.farSince >= 1000 * this.#o.confirmS;
    const fast = run.fastSince !== null && p.at - run.fastSince >= 1000 * this.#o.departAfterS;
    if (!far && !fast) return null;
    this.#leave = NO_LEAVE();
    return Math.min(run.outsideSince ?? Infinity, run.fastSince ?? Infinity);
  }

  #arrive(stopId: string, since: number): void {
    this.#visits.set(stopId, { arrivedAt: toSecond(since), departedAt: null });
    this.#resetRuns();
    this.#offPlan = null;
  }

  #depart(stopId: string, departedAt: number, detectedAt: number): void {
    const visit = this.#visits.get(stopId);
    if (visit) visit.departedAt = Math.max(visit.arrivedAt, toSecond(departedAt));
    this.#lastDeparture = { stopId, detectedAt };
    this.#leave = NO_LEAVE();
  }

  #resetRuns(): void {
    this.#dwell = null;
    this.#offPlanDwell = null;
    this.#leave = NO_LEAVE();
  }

  #openVisit(): string | null {
    for (const [stopId, v] of this.#visits) if (v.departedAt === null) return stopId;
    return null;
  }

  #nearestUnvisited(plan: Plan, p: LatLon): Stop | null {
    let best: Stop | null = null;
    let bestD = Infinity;
    for (const s of plan.stops) {
      const d = distanceM(p, s);
      if (!this.#visits.has(s.stopId) && d <= s.radiusM && d < bestD) [best, bestD] = [s, d];
    }
    return best;
  }

  /** The first unvisited stop after the latest one arrived at (the first of the plan before). */
  #nextStop(plan: Plan): Stop | null {
    let latest = -1;
    let latestAt = -Infinity;
    plan.stops.forEach((s, i) => {
      const v = this.#visits.get(s.stopId);
      if (v && v.arrivedAt >= latestAt) [latest, latestAt] = [i, v.arrivedAt];
    });
    return plan.stops.find((s, i) => i > latest && !this.#visits.has(s.stopId)) ?? null;
  }

  #situation(plan: Plan, at: number): { state: StopState; stop: Stop | null } {
    const byId = (id: string | undefined) => plan.stops.find((s) => s.stopId === id) ?? null;
    const open = byId(this.#openVisit() ?? undefined);
    if (open) return { state: 'arrived', stop: open };
    if (this.#offPlan) return { state: 'off_plan', stop: null };
    const left = byId(this.#lastDeparture?.stopId);
    const detectedAt = this.#lastDeparture?.detectedAt ?? -Infinity;
    const leftAt = left ? this.#visits.get(left.stopId)?.departedAt : null;
    if (left && leftAt != null && at - detectedAt < 1000 * this.#o.departedHoldS) {
      return { state: 'departed', stop: left };
    }
    return { state: 'en_route', stop: null };
  }

  #transition(at: number): StopTransition | null {
    const plan = this.#todayPlan(at);
    let now: { state: StopState; stopId: string | null } = { state: 'no_plan', stopId: null };
    if (plan) {
      const { state, stop } = this.#situation(plan, at);
      const stopId = state === 'en_route' ? (this.#nextStop(plan)?.stopId ?? null) : stop?.stopId;
      now = { state, stopId: stopId ?? null };
    }
    const before = this.#reported;
    if (before.state === now.state && before.stopId === now.stopId) return null;
    this.#reported = now;
    return { at, from: before.state, to: now.state, stopId: now.stopId };
  }

  #todayPlan(at: number): Plan | null {
    const plan = this.#plan;
    if (!plan) return null;
    const parts = plan.localDate.formatToParts(new Date(at));
    const part = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}` === plan.date ? plan : null;
  }

  #recentPosition(at: number): Sample | null {
    const last = this.#history.at(-1);
    return last && at - last.at <= 1000 * this.#o.positionMaxAgeS ? last : null;
  }

  /** Distance x detour at the mean speed while moving over the window (floored); >= `at`. */
  #eta(next: Stop, from: Sample, at: number): number {
    const since = from.at - 1000 * this.#o.etaWindowS;
    const moving = this.#history
      .filter((s) => s.at > since && s.speed !== null && s.speed >= this.#o.arriveSpeedMps)
      .map((s) => s.speed ?? 0);
    const mean = moving.length ? moving.reduce((a, b) => a + b, 0) / moving.length : 0;
    const speed = Math.max(this.#o.etaMinSpeedMps, mean);
    const travelMs = (1000 * distanceM(from, next) * this.#o.detourFactor) / speed;
    return toSecond(Math.max(at, from.at + travelMs));
  }

  /** Speed from the oldest position within derivedSpeedWindowS: a longer base, less jitter. */
  #derivedSpeed(p: TrackerPosition): number | null {
    const base = this.#history.find((s) => s.at >= p.at - 1000 * this.#o.derivedSpeedWindowS);
    return base ? (1000 * distanceM(base, p)) / (p.at - base.at) : null;
  }
}
