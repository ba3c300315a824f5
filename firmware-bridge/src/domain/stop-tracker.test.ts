import { EXAMPLES, validatePayload, type PlanMessage } from '@fsbus/shared';
import { describe, expect, it } from 'vitest';
import { destination, distanceM, type LatLon } from './geo.js';
import {
  StopTracker,
  type StopState,
  type StopTransition,
  type StopView,
  type TrackerPosition,
  type TrackerSnapshot,
} from './stop-tracker.js';

/** A local time in Paris on the plan's day (UTC+1 in November). */
const local = (hms: string, date = '2026-11-23') => Date.parse(`${date}T${hms}+01:00`);
const utc = (hms: string) => new Date(local(hms)).toISOString();

// Four stops on a line eastwards, 3 km apart; the depot 5 km north of the first.
const A = { lat: 45.9597, lon: 1.3998 };
const B = destination(A, 90, 3000);
const C = destination(A, 90, 6000);
const D = destination(A, 90, 9000);
const DEPOT = destination(A, 0, 5000);

interface StopSpec {
  readonly id: string;
  readonly at: LatLon;
  readonly times: readonly [string, string];
  readonly radiusM?: number;
}

const DAY: readonly StopSpec[] = [
  { id: 'a', at: A, times: ['09:30', '10:30'] },
  { id: 'b', at: B, times: ['11:00', '12:00'] },
  { id: 'c', at: C, times: ['13:00', '14:00'] },
  { id: 'd', at: D, times: ['15:00', '16:00'] },
];

/** A valid plan message (checked against the schema, so the fixture cannot drift from it). */
function planOf(stops: readonly StopSpec[], planId = 'plan-v1', date = '2026-11-23'): PlanMessage {
  return validatePayload('plan', {
    ...EXAMPLES.plan,
    planId,
    date,
    depot: { name: 'Dépôt', ...DEPOT, radiusM: 150 },
    stops: stops.map((s) => ({
      stopId: s.id,
      name: `Stop ${s.id}`,
      commune: 'Ambazac',
      lat: s.at.lat,
      lon: s.at.lon,
      ...(s.radiusM === undefined ? {} : { radiusM: s.radiusM }),
      arrival: `${date}T${s.times[0]}:00+01:00`,
      departure: `${date}T${s.times[1]}:00+01:00`,
    })),
  });
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so noisy tracks are repeatable. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Noise {
  readonly seed: number;
  readonly jitterM: number;
  readonly maxSpeed: number;
  /** Every this many fixes, one fix 250 m away at 8 m/s. */
  readonly outlierEvery?: number;
}

/** A 1 Hz synthetic track: the bus drives and stays, each call continuing where the last ended. */
class Track {
  readonly fixes: TrackerPosition[] = [];
  constructor(
    public t: number,
    public pos: LatLon,
    private readonly nullSpeed = false,
  ) {}

  drive(bearing: number, speed: number, seconds: number): this {
    const start = this.pos;
    for (let k = 1; k <= seconds; k++) this.#push(destination(start, bearing, speed * k), speed);
    return this;
  }

  stay(seconds: number, noise?: Noise): this {
    const rnd = random(noise?.seed ?? 1);
    const here = this.pos;
    for (let k = 1; k <= seconds; k++) {
      if (noise?.outlierEvery && k % noise.outlierEvery === 0) {
        this.#push(destination(here, rnd() * 360, 250), 8);
      } else if (noise) {
        const seen = destination(here, rnd() * 360, rnd() * noise.jitterM);
        this.#push(seen, rnd() * noise.maxSpeed);
      } else this.#push(here, 0);
    }
    this.pos = here;
    return this;
  }

  until(hms: string, noise?: Noise): this {
    return this.stay((local(hms) - this.t) / 1000, noise);
  }

  #push(at: LatLon, speed: number): void {
    this.t += 1000;
    this.pos = at;
    this.fixes.push({ at: this.t, lat: at.lat, lon: at.lon, speed: this.nullSpeed ? null : speed });
  }
}

const { v, busId, id, seq, ts, source } = EXAMPLES.stop;

/** Throws (with the schema's problems) unless the view makes a valid `stop` message. */
function expectValid(view: StopView): void {
  validatePayload('stop', { v, busId, id, seq, ts, source, ...view });
}

/** Feeds a track, checking every view along it against the schema; returns the transitions. */
function run(tracker: StopTracker, track: Track, states?: Set<StopState>): StopTransition[] {
  const transitions: StopTransition[] = [];
  for (const fix of track.fixes) {
    const transition = tracker.update(fix);
    if (transition) transitions.push(transition);
    const view = tracker.view(fix.at);
    expectValid(view);
    states?.add(view.state);
  }
  return transitions;
}

const brief = (ts: readonly StopTransition[]) => ts.map((t) => `${t.from}>${t.to}:${t.stopId}`);

/** A tracker with the day plan, and a track starting 1500 m west of A at 09:20. */
function start(plan = planOf(DAY)): { tracker: StopTracker; track: Track } {
  const tracker = new StopTracker();
  tracker.setPlan(plan, local('09:20:00'));
  return { tracker, track: new Track(local('09:20:00'), destination(A, 270, 1500)) };
}

/** Drives to 50 m before A (inside its radius) at 10 m/s, then parks: arrival at 09:22:26. */
const toA = (track: Track) => track.drive(90, 10, 145);

describe('StopTracker: arrival and departure', () => {
  it('arrives and departs with the actual times and delays of the track', () => {
    const { tracker, track } = start();
    toA(track).until('10:35:00').drive(90, 10, 80);
    const transitions = run(tracker, track);
    expect(transitions).toEqual([
      { at: local('09:22:46'), from: 'en_route', to: 'arrived', stopId: 'a' },
      { at: local('10:35:11'), from: 'arrived', to: 'departed', stopId: 'a' },
      { at: local('10:36:11'), from: 'departed', to: 'en_route', stopId: 'b' },
    ]);
    const atStop = tracker.view(local('10:35:10'));
    const departed = tracker.view(local('10:36:10'));
    expect(departed.current).toEqual({
      stopId: 'a',
      name: 'Stop a',
      scheduledArrival: '2026-11-23T09:30:00+01:00',
      scheduledDeparture: '2026-11-23T10:30:00+01:00',
      actualArrival: utc('09:22:26'),
      actualDeparture: utc('10:35:01'),
    });
    expect(departed.state).toBe('departed');
    expect(departed.delayS).toBe(301);
    // The view is a function of the state and `at`: asked about the past, it answers for now.
    expect(atStop.state).toBe('departed');
    const snapshot = tracker.snapshot();
    expect(snapshot.visits).toEqual([
      { stopId: 'a', arrivedAt: local('09:22:26'), departedAt: local('10:35:01') },
    ]);
  });

  it('reports the arrival delay while at the stop, negative when early', () => {
    const { tracker, track } = start();
    run(tracker, toA(track).stay(60));
    const view = tracker.view(track.t);
    expect(view.state).toBe('arrived');
    expect(view.delayS).toBe(-454);
    expect(view.current?.actualDeparture).toBeNull();
    expect(view.next).toMatchObject({ stopId: 'b', eta: null, distanceM: 3050 });
  });

  it('does not flap under GPS noise at the kerb: jitter, slow speeds and single outliers', () => {
    const { tracker, track } = start();
    const noise = { seed: 7, jitterM: 15, maxSpeed: 1.5, outlierEvery: 97 };
    toA(track).until('12:00:00', noise).drive(90, 10, 30);
    const transitions = run(tracker, track);
    expect(brief(transitions)).toEqual(['en_route>arrived:a', 'arrived>departed:a']);
    expect(transitions[1]?.at).toBe(local('12:00:11'));
    expect(tracker.snapshot().visits[0]?.departedAt).toBe(local('12:00:01'));
  });

  it('arrives once when parked at the edge of the radius, jittering in and out of it', () => {
    const { tracker, track } = start();
    track.drive(90, 10, 142).until('10:00:00', { seed: 3, jitterM: 15, maxSpeed: 1.5 });
    expect(distanceM(track.pos, A)).toBeCloseTo(80, 0);
    const inside = track.fixes.filter((f) => f.speed !== 10 && distanceM(f, A) <= 80).length;
    expect(inside).toBeGreaterThan(100);
    expect(inside).toBeLessThan(track.fixes.length - 200);
    expect(brief(run(tracker, track))).toEqual(['en_route>arrived:a']);
  });

  it('does not arrive on a drive-by at 10 m/s through the radius', () => {
    const { tracker, track } = start();
    track.drive(90, 10, 300);
    expect(run(tracker, track)).toEqual([]);
    expect(tracker.view(track.t)).toMatchObject({ state: 'en_route', next: { stopId: 'a' } });
  });

  it('does not arrive on a crawl past the stop at 2.5 m/s in traffic', () => {
    const { tracker, track } = start();
    track.drive(90, 10, 100).drive(90, 2.5, 400);
    expect(distanceM(track.pos, A)).toBeGreaterThan(400);
    expect(run(tracker, track)).toEqual([]);
  });

  it('derives a missing speed from the positions, and still arrives and departs', () => {
    const { tracker } = start();
    const track = new Track(local('09:20:00'), destination(A, 270, 1500), true);
    toA(track).until('10:35:00').drive(90, 10, 80);
    const transitions = run(tracker, track);
    expect(brief(transitions)).toEqual([
      'en_route>arrived:a',
      'arrived>departed:a',
      'departed>en_route:b',
    ]);
    const [visit] = tracker.snapshot().visits;
    // The derived speed lags (a 10 s base): the stop is seen within 10 s of the real one.
    expect((visit?.arrivedAt ?? 0) - local('09:22:26')).toBeLessThanOrEqual(10_000);
    expect((visit?.departedAt ?? 0) - local('10:35:01')).toBeLessThanOrEqual(10_000);
  });

  it('ignores a position older than the previous one', () => {
    const { tracker, track } = start();
    run(tracker, toA(track).stay(30));
    expect(tracker.update({ at: track.t - 5000, lat: B.lat, lon: B.lon, speed: 30 })).toBeNull();
    expect(tracker.view(track.t).state).toBe('arrived');
  });
});

describe('StopTracker: off plan', () => {
  const layBy = destination(A, 180, 500);

  it('goes off plan after a 4 min stop in a lay-by 500 m from any stop, outliers and all, until it moves off', () => {
    const { tracker } = start();
    const track = new Track(local('09:20:00'), destination(layBy, 0, 300)).drive(180, 10, 30);
    const stopped = track.t;
    track.stay(240, { seed: 5, jitterM: 10, maxSpeed: 1.5, outlierEvery: 50 }).drive(180, 10, 20);
    const transitions = run(tracker, track);
    expect(transitions).toEqual([
      { at: stopped + 181_000, from: 'en_route', to: 'off_plan', stopId: null },
      { at: stopped + 250_000, from: 'off_plan', to: 'en_route', stopId: 'a' },
    ]);
    const first = track.fixes.find((f) => f.at === stopped + 1000);
    expect(tracker.snapshot().offPlan).toBeNull();
    // Replayed up to the middle of the dwell, the view says where and since when.
    const again = start().tracker;
    for (const fix of track.fixes.filter((f) => f.at <= stopped + 200_000)) again.update(fix);
    expect(again.view(stopped + 200_000)).toMatchObject({
      state: 'off_plan',
      offPlan: { lat: first?.lat, lon: first?.lon, since: new Date(stopped + 1000).toISOString() },
      next: { stopId: 'a', eta: null },
    });
  });

  it('does not go off plan for a 2 min stop, nor at the depot', () => {
    const { tracker } = start();
    const track = new Track(local('07:00:00'), DEPOT).stay(3600).drive(180, 10, 300);
    track.stay(120).drive(180, 10, 60);
    expect(run(tracker, track)).toEqual([]);
  });

  it('does not count a long stop inside the radius of a stop already left as off plan', () => {
    const { tracker, track } = start();
    toA(track).until('10:35:00').drive(90, 10, 60).drive(270, 10, 60).stay(600);
    expect(brief(run(tracker, track))).toEqual([
      'en_route>arrived:a',
      'arrived>departed:a',
      'departed>en_route:b',
    ]);
    expect(tracker.snapshot().visits).toHaveLength(1);
  });
});

describe('StopTracker: the day', () => {
  it('resumes from a snapshot taken at a stop: departure detected, original arrival kept', () => {
    const { tracker, track } = start();
    run(tracker, toA(track).until('10:00:00'));
    const saved = JSON.parse(JSON.stringify(tracker.snapshot())) as unknown;
    const restarted = new StopTracker({}, saved as TrackerSnapshot);
    expect(restarted.view(local('10:05:00')).state).toBe('no_plan');
    const resumed = restarted.setPlan(planOf(DAY), local('10:05:00'));
    expect(resumed).toEqual({ at: local('10:05:00'), from: 'no_plan', to: 'arrived', stopId: 'a' });
    const rest = new Track(local('10:05:00'), track.pos).until('10:40:00').drive(90, 10, 30);
    expect(brief(run(restarted, rest))).toEqual(['arrived>departed:a']);
    expect(restarted.view(rest.t).current).toMatchObject({
      actualArrival: utc('09:22:26'),
      actualDeparture: utc('10:40:01'),
    });
  });

  it('keeps progress through a plan update that adds, removes and reschedules stops', () => {
    const { tracker, track } = start();
    toA(track).until('10:35:00').drive(90, 10, 300).until('11:30:00');
    run(tracker, track);
    expect(tracker.view(track.t)).toMatchObject({ state: 'arrived', current: { stopId: 'b' } });
    const E = destination(A, 90, 4500);
    const updated = planOf(
      [
        { id: 'a', at: A, times: ['09:30', '10:30'] },
        { id: 'b', at: B, times: ['11:15', '12:30'] },
        { id: 'e', at: E, times: ['13:00', '13:30'] },
        { id: 'd', at: D, times: ['15:00', '16:00'] },
      ],
      'plan-v2',
    );
    expect(tracker.setPlan(updated, track.t)).toBeNull();
    const view = tracker.view(track.t);
    expect(view).toMatchObject({
      state: 'arrived',
      planId: 'plan-v2',
      current: {
        stopId: 'b',
        scheduledArrival: '2026-11-23T11:15:00+01:00',
        actualArrival: utc('10:40:01'),
      },
      next: { stopId: 'e', distanceM: 1550 },
      delayS: -35 * 60 + 1,
    });
    expect(tracker.snapshot().visits.map((v) => v.stopId)).toEqual(['a', 'b']);
  });

  it('ends the visit of a stop removed while the bus is at it', () => {
    const { tracker, track } = start();
    run(tracker, toA(track).until('10:00:00'));
    const withoutA = planOf(DAY.slice(1), 'plan-v2');
    expect(tracker.setPlan(withoutA, track.t)).toEqual({
      at: track.t,
      from: 'arrived',
      to: 'en_route',
      stopId: 'b',
    });
    expect(tracker.snapshot().visits).toEqual([]);
    // Staying on is now a stop away from the plan.
    expect(brief(run(tracker, track.stay(200)))).toEqual(['en_route>off_plan:null']);
  });

  it('has no plan when the plan is for another day; a plan for tomorrow applies tomorrow', () => {
    const tracker = new StopTracker();
    expect(tracker.view(local('09:00:00'))).toEqual({
      state: 'no_plan',
      planId: null,
      current: null,
      next: null,
      delayS: null,
      offPlan: null,
    });
    const tomorrow = planOf(
      DAY.map((s) => ({ ...s })),
      'plan-tomorrow',
      '2026-11-24',
    );
    expect(tracker.setPlan(tomorrow, local('18:00:00'))).toBeNull();
    const track = toA(new Track(local('09:20:00'), destination(A, 270, 1500))).stay(60);
    expect(run(tracker, track)).toEqual([]);
    expect(tracker.view(track.t).state).toBe('no_plan');
    const nextDay = local('09:20:00', '2026-11-24');
    expect(tracker.tick(nextDay)).toEqual({
      at: nextDay,
      from: 'no_plan',
      to: 'en_route',
      stopId: 'a',
    });
    expect(tracker.view(nextDay)).toMatchObject({ state: 'en_route', planId: 'plan-tomorrow' });
  });

  it('leaves a skipped stop without times, and may still arrive there later', () => {
    const { tracker, track } = start();
    // A, then through B at speed, then C; then back to B.
    toA(track).until('10:35:00').drive(90, 10, 605).until('13:10:00');
    run(tracker, track);
    let view = tracker.view(track.t);
    expect(view).toMatchObject({
      state: 'arrived',
      current: { stopId: 'c' },
      next: { stopId: 'd' },
    });
    expect(tracker.snapshot().visits.map((v) => v.stopId)).toEqual(['a', 'c']);
    track.until('14:00:00').drive(270, 10, 300).stay(60);
    expect(brief(run(tracker, track))).toEqual([
      'arrived>departed:c',
      'departed>en_route:d',
      'en_route>arrived:b',
    ]);
    view = tracker.view(track.t);
    expect(view).toMatchObject({ current: { stopId: 'b' }, next: { stopId: 'd' } });
  });

  it('moves on to a stop 100 m away at walking pace: departs the first, arrives at the second', () => {
    const near = destination(A, 90, 100);
    const plan = planOf([
      { id: 'a', at: A, times: ['09:30', '10:30'] },
      { id: 'n', at: near, times: ['10:45', '11:30'] },
    ]);
    const { tracker, track } = start(plan);
    toA(track).until('10:30:00').drive(90, 1.5, 100).stay(60);
    const transitions = run(tracker, track);
    expect(brief(transitions)).toEqual(['en_route>arrived:a', 'arrived>arrived:n']);
    const [a, n] = tracker.snapshot().visits;
    // Left A when it crossed A's radius (80 m east: 130 m at 1.5 m/s from 50 m west).
    expect(a?.departedAt).toBe(local('10:31:27'));
    expect(n?.arrivedAt).toBeLessThan(transitions[1]?.at ?? 0);
  });

  it('shows departed for the hold, then en route; after the last stop, en route to nothing', () => {
    const plan = planOf([{ id: 'a', at: A, times: ['09:30', '10:30'] }]);
    const { tracker, track } = start(plan);
    run(tracker, toA(track).until('10:35:00').drive(90, 10, 20));
    const left = local('10:35:11');
    expect(tracker.tick(left + 59_000)).toBeNull();
    expect(tracker.view(left + 59_000)).toMatchObject({ state: 'departed', delayS: 301 });
    expect(tracker.tick(left + 60_000)).toEqual({
      at: left + 60_000,
      from: 'departed',
      to: 'en_route',
      stopId: null,
    });
    expect(tracker.view(left + 60_000)).toMatchObject({
      state: 'en_route',
      current: null,
      next: null,
      delayS: null,
    });
  });
});

describe('StopTracker: ETA and delay', () => {
  /** Leaves A at 10:30:00 (scheduled departure) eastwards at a constant 10 m/s. */
  function leaving(seconds: number) {
    const { tracker, track } = start();
    toA(track).until('10:30:00');
    track.pos = A;
    run(tracker, track.drive(90, 10, seconds));
    return { tracker, track };
  }

  it('estimates from the straight distance x 1.3 at the mean speed while moving', () => {
    const { tracker, track } = leaving(200);
    expect(track.t).toBe(local('10:33:20'));
    // 1000 m to B, x 1.3 detour, at 10 m/s: 130 s, so 10:35:30 against 11:00 scheduled.
    expect(tracker.view(track.t)).toMatchObject({
      state: 'en_route',
      next: { stopId: 'b', distanceM: 1000, eta: utc('10:35:30') },
      delayS: -1470,
    });
  });

  it('assumes the floor speed after a long stop in traffic', () => {
    const { tracker, track } = leaving(200);
    run(tracker, track.stay(150));
    // 1000 m x 1.3 at the 5 m/s floor: 260 s after the last position.
    expect(tracker.view(track.t).next?.eta).toBe(new Date(track.t + 260_000).toISOString());
  });

  it('has no ETA without a recent position; then the delay is how late it already is', () => {
    const { tracker, track } = leaving(200);
    const stale = track.t + 61_000;
    expect(tracker.view(stale)).toMatchObject({
      next: { stopId: 'b', eta: null, distanceM: null },
      delayS: null,
    });
    expect(tracker.view(local('11:05:00')).delayS).toBe(300);
  });
});

describe('StopTracker: messages and snapshots', () => {
  it('gives views valid against the StopMessage schema in every state, along a whole day', () => {
    const states = new Set<StopState>();
    const { tracker, track } = start();
    const noise = { seed: 11, jitterM: 15, maxSpeed: 1.5, outlierEvery: 53 };
    toA(track).until('10:35:00', noise).drive(90, 10, 150).drive(180, 10, 50).stay(200, noise);
    track.drive(0, 10, 50).drive(90, 10, 150).until('12:10:00', noise).drive(90, 12, 250);
    track.until('14:10:00', noise).drive(90, 12, 250).until('16:05:00').drive(0, 15, 600);
    expect(track.t).toBeLessThan(local('23:00:00'));
    run(tracker, track, states);
    const tomorrow = local('08:00:00', '2026-11-24');
    expectValid(tracker.view(tomorrow));
    states.add(tracker.view(tomorrow).state);
    expect([...states].sort()).toEqual(['arrived', 'departed', 'en_route', 'no_plan', 'off_plan']);
    expect(tracker.snapshot().visits.map((v) => v.stopId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses options that make no sense', () => {
    expect(() => new StopTracker({ departRadiusFactor: 0.5 })).toThrow(/departRadiusFactor/);
    expect(() => new StopTracker({ arriveAfterS: Number.NaN })).toThrow(/arriveAfterS/);
  });
});

describe('StopTracker at 10 Hz', () => {
  it('does not end a stop on a fraction of a second of GPS noise beyond the radius', () => {
    const { tracker, track } = start();
    toA(track).until('10:00:00');
    expect(brief(run(tracker, track))).toEqual(['en_route>arrived:a']);
    const parked = track.fixes.at(-1);
    if (!parked) throw new Error('no fix');
    // Three fixes 0.1 s apart 150 m beyond A (a multipath burst), then back at the kerb.
    const far = destination(A, 90, 150);
    for (const k of [1, 2, 3]) tracker.update({ at: parked.at + k * 100, ...far, speed: 0.5 });
    for (let k = 4; k < 40; k++)
      tracker.update({ at: parked.at + k * 100, lat: parked.lat, lon: parked.lon, speed: 0.2 });
    expect(tracker.view(parked.at + 4000).state).toBe('arrived');
  });
});
