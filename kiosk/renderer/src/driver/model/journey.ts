// The bus against its plan, as the driver reads it: the delay in words and colour, the time left
// at the stop, and the day's stops as a timeline with what was done at each. Pure: the
// retained stop, plan and attendance and the time in.
import type { AttendanceMessage, PlanMessage, StopMessage } from '@fsbus/shared';
import type { Level } from './health.js';

/** Within this many seconds of the schedule, the bus is on time. */
export const ON_TIME_S = 180;
/** Later than this, the delay is shown as a problem (minutes of the public waiting). */
export const VERY_LATE_S = 600;

export interface Delay {
  readonly kind: 'on_time' | 'late' | 'early';
  /** Whole minutes, rounded to the nearest (0 when on time). */
  readonly minutes: number;
  readonly level: Level;
}

/** The delay in words and colour; null when the bridge does not know it. */
export function delayOf(delayS: number | null): Delay | null {
  if (delayS === null) return null;
  if (Math.abs(delayS) < ON_TIME_S) return { kind: 'on_time', minutes: 0, level: 'ok' };
  const minutes = Math.round(Math.abs(delayS) / 60);
  if (delayS < 0) return { kind: 'early', minutes, level: 'warn' };
  return { kind: 'late', minutes, level: delayS > VERY_LATE_S ? 'bad' : 'warn' };
}

/** Whole minutes until `iso` (negative once past), rounded towards the past. */
export function minutesUntil(iso: string, now: number): number {
  return Math.floor((Date.parse(iso) - now) / 60_000);
}

export type StopStatus = 'done' | 'current' | 'next' | 'later';

export interface TimelineRow {
  readonly stopId: string;
  readonly name: string;
  readonly commune: string;
  readonly arrival: string;
  readonly departure: string;
  readonly status: StopStatus;
  readonly visits: number;
  readonly opinions: number;
}

/**
 * The day's stops in order: done (left), current (at it now), next (the one after, driven to
 * now or once this one is left), later.
 * The stop state says where the bus is; a plan other than the stop's shows every stop as later.
 */
export function timeline(
  plan: PlanMessage | null,
  stop: StopMessage | null,
  attendance: AttendanceMessage | null,
): TimelineRow[] {
  if (plan === null) return [];
  const ids = plan.stops.map((s) => s.stopId);
  const samePlan = stop !== null && stop.planId === plan.planId;
  const currentIndex = samePlan && stop.current ? ids.indexOf(stop.current.stopId) : -1;
  const nextIndex = samePlan && stop.next ? ids.indexOf(stop.next.stopId) : -1;
  const arrived = samePlan && stop.state === 'arrived';
  // Everything before the next stop was done; without a next one, everything up to the last left.
  const doneBefore =
    nextIndex >= 0 ? nextIndex : samePlan && stop.state === 'departed' ? currentIndex + 1 : 0;
  const counts = new Map(
    attendance?.date === plan.date ? attendance.stops.map((s) => [s.stopId, s]) : [],
  );
  return plan.stops.map((s, index) => {
    let status: StopStatus = 'later';
    if (arrived && index === currentIndex) status = 'current';
    else if (index === nextIndex) status = 'next';
    else if (index < doneBefore) status = 'done';
    const count = counts.get(s.stopId);
    return {
      stopId: s.stopId,
      name: s.name,
      commune: s.commune,
      arrival: s.arrival,
      departure: s.departure,
      status,
      visits: count?.visits ?? 0,
      opinions: count?.opinions ?? 0,
    };
  });
}

/** The commune of a stop of the plan (the stop state carries only its name). */
export function communeOf(plan: PlanMessage | null, stopId: string): string | null {
  return plan?.stops.find((s) => s.stopId === stopId)?.commune ?? null;
}
