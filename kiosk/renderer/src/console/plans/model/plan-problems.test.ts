import { describe, expect, it } from 'vitest';
import { EXAMPLES, PlanMessage } from '@fsbus/shared';
import { problemText } from './plan-problems.js';

type Plan = typeof EXAMPLES.plan;
type Stop = Plan['stops'][number];

/** The console's word for each issue of a changed example plan, by field. */
function problemsOf(change: (plan: Plan, stop: Stop) => object) {
  const plan = structuredClone(EXAMPLES.plan);
  const [first] = plan.stops;
  if (!first) throw new Error('a stop');
  const issues = PlanMessage.safeParse(change(plan, first)).error?.issues ?? [];
  // The first issue of each field, as the editor shows it.
  return Object.fromEntries(
    issues.reverse().map((issue) => [issue.path.join('.'), problemText(issue)]),
  );
}

describe('the plan schema’s problems in the console’s words', () => {
  it('words the schema’s own checks by their code: missing, number, bounds, formats', () => {
    expect(
      problemsOf((plan, stop) => ({
        ...plan,
        planId: 'with space',
        date: '23/11/2026',
        stops: [{ ...stop, name: '', commune: 'x'.repeat(121), lat: Number.NaN, lon: -200 }],
      })),
    ).toMatchObject({
      planId: { key: 'plans.problem.id' },
      date: { key: 'plans.problem.date' },
      'stops.0.name': { key: 'plans.problem.required' },
      'stops.0.commune': { key: 'plans.problem.tooLong', values: { maximum: 120 } },
      'stops.0.lat': { key: 'plans.problem.number' },
      'stops.0.lon': { key: 'plans.problem.atLeast', values: { minimum: -180 } },
    });
    expect(
      problemsOf((plan, stop) => ({
        ...plan,
        stops: [{ ...stop, arrival: '9h30', name: 'a\nb' }],
      })),
    ).toMatchObject({
      'stops.0.arrival': { key: 'plans.problem.time' },
      'stops.0.name': { key: 'plans.problem.name' },
    });
    expect(problemsOf((plan) => ({ ...plan, colour: 'red', note: 'x' }))).toEqual({
      '': { key: 'plans.problem.unknownFields', values: { fields: 'colour, note' } },
    });
    expect(problemsOf((plan) => ({ ...plan, stops: [] }))).toEqual({
      stops: { key: 'plans.problem.stopsAtLeast', values: { minimum: 1 } },
    });
    expect(
      problemsOf((plan, stop) => ({
        ...plan,
        stops: Array.from({ length: 41 }, (_, i) => ({ ...stop, stopId: `s${String(i)}` })),
      })).stops,
    ).toEqual({ key: 'plans.problem.stopsAtMost', values: { maximum: 40 } });
  });

  it('words the plan’s own rules by the rule they name, with its values', () => {
    expect(problemsOf((plan) => ({ ...plan, timeZone: 'Europe/Limoges' }))).toEqual({
      timeZone: { key: 'plans.problem.timeZone', values: {} },
    });
    const [first, second] = EXAMPLES.plan.stops;
    if (!first || !second) throw new Error('two stops');
    expect(
      problemsOf((plan) => ({
        ...plan,
        stops: [
          { ...first, departure: first.arrival },
          { ...second, stopId: first.stopId, arrival: '2026-11-23T09:00:00+01:00' },
        ],
      })),
    ).toEqual({
      'stops.0.departure': { key: 'plans.problem.departureAfterArrival', values: {} },
      'stops.1.stopId': { key: 'plans.problem.duplicateStop', values: { stopId: first.stopId } },
      'stops.1.arrival': { key: 'plans.problem.timeOrder', values: {} },
    });
    expect(
      problemsOf((plan, stop) => ({
        ...plan,
        stops: [
          {
            ...stop,
            arrival: '2026-11-22T09:30:00+01:00',
            departure: '2026-11-23T12:00:00+02:00',
          },
        ],
      })),
    ).toMatchObject({
      'stops.0.arrival': { key: 'plans.problem.planDate', values: { date: '2026-11-23' } },
      'stops.0.departure': {
        key: 'plans.problem.utcOffset',
        values: { zone: 'Europe/Paris', offset: '+01:00' },
      },
    });
  });
});
