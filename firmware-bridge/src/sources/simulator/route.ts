// Where a simulated bus is at a given time when it follows its day plan: parked at the depot,
// driving each leg with a smooth speed profile, dwelling at each stop until its departure (and
// through a break, until it is time to drive to the next).
import type { PlanMessage } from '@fsbus/shared';
import { bearingDeg, destination, distanceM, type LatLon } from '../../domain/geo.js';

export interface RoutePoint extends LatLon {
  /** m/s */
  readonly speed: number;
  /** Degrees; null while parked (receivers report noise or nothing). */
  readonly track: number | null;
}

type Segment =
  | { readonly kind: 'park'; readonly from: number; readonly to: number; readonly at: LatLon }
  | {
      readonly kind: 'drive';
      readonly from: number;
      readonly to: number;
      readonly a: LatLon;
      readonly b: LatLon;
    };

/** Average speed of a leg when the plan leaves more time than needed, m/s (country roads). */
const CRUISE_MPS = 11;
/** A leg is never driven faster on average than this: the bus is late instead, m/s. */
const FASTEST_MPS = 16;
/** Where a bus without depot starts: this far before its first stop, m. */
const APPROACH_M = 2000;

/** The day's timeline for a plan: a list of park and drive segments, in time order. */
export function timeline(plan: Pick<PlanMessage, 'stops' | 'depot'>): Segment[] {
  const first = plan.stops[0];
  if (!first) return [];
  const home: LatLon = plan.depot ?? destination(first, 270, APPROACH_M);
  const segments: Segment[] = [];
  let place: LatLon = home;
  let clock = Date.parse(first.arrival) - (distanceM(home, first) / CRUISE_MPS) * 1000;
  segments.push({ kind: 'park', from: -Infinity, to: clock, at: home });
  for (const stop of plan.stops) {
    const distance = distanceM(place, stop);
    // With more time than the drive needs (a lunch break), the bus stays where it is, then
    // drives at cruising speed to arrive on time.
    const start = Date.parse(stop.arrival) - (distance / CRUISE_MPS) * 1000;
    if (start > clock) {
      segments.push({ kind: 'park', from: clock, to: start, at: place });
      clock = start;
    }
    const planned = Date.parse(stop.arrival) - clock;
    const duration = Math.max(planned, (distance / FASTEST_MPS) * 1000, 1000);
    segments.push({ kind: 'drive', from: clock, to: clock + duration, a: place, b: stop });
    clock += duration;
    // A late bus still dwells a while.
    const leave = Math.max(Date.parse(stop.departure), clock + 60_000);
    segments.push({ kind: 'park', from: clock, to: leave, at: stop });
    clock = leave;
    place = stop;
  }
  const back = (distanceM(place, home) / CRUISE_MPS) * 1000;
  segments.push({ kind: 'drive', from: clock, to: clock + back, a: place, b: home });
  segments.push({ kind: 'park', from: clock + back, to: Infinity, at: home });
  return segments;
}

/** The point of the timeline at `at` (ms). Legs follow τ²(3 − 2τ): still at both ends. */
export function positionAt(segments: readonly Segment[], at: number): RoutePoint | null {
  const segment = segments.find((s) => at >= s.from && at < s.to) ?? segments.at(-1);
  if (!segment) return null;
  if (segment.kind === 'park') return { ...segment.at, speed: 0, track: null };
  const duration = segment.to - segment.from;
  const tau = Math.min(1, Math.max(0, (at - segment.from) / duration));
  const length = distanceM(segment.a, segment.b);
  const fraction = tau * tau * (3 - 2 * tau);
  const track = bearingDeg(segment.a, segment.b);
  return {
    ...destination(segment.a, track, length * fraction),
    speed: (length * 6 * tau * (1 - tau)) / (duration / 1000),
    track,
  };
}
