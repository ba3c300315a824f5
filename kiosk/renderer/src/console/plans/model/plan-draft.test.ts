import { describe, expect, it } from 'vitest';
import { EXAMPLES, exampleBody } from '@fsbus/shared';
import {
  checkDraft,
  draftFromFile,
  draftFromPlan,
  emptyDraft,
  localTime,
  nextPlanId,
  PlanFileProblem,
} from './plan-draft.js';

const BUS = 'bfs-87-012';

describe('a day plan in the console', () => {
  it('names the next version of a plan', () => {
    expect(nextPlanId('bfs-87-012-2026-11-23-v2')).toBe('bfs-87-012-2026-11-23-v3');
    expect(nextPlanId('tour-ete')).toBe('tour-ete-v2');
  });

  it('writes local times with the zone’s offset of that day, summer and winter', () => {
    expect(localTime('2026-11-23', '09:30', 'Europe/Paris')).toBe('2026-11-23T09:30:00+01:00');
    expect(localTime('2026-07-14', '09:30', 'Europe/Paris')).toBe('2026-07-14T09:30:00+02:00');
    expect(localTime('2026-11-23', '09:30', 'America/Cayenne')).toBe('2026-11-23T09:30:00-03:00');
  });

  it('gives back the example plan from its draft, as central stamps it', () => {
    const draft = draftFromPlan(EXAMPLES.plan);
    expect(draft.planId).toBe('bfs-87-012-2026-11-23-v3');
    const checked = checkDraft({ ...draft, planId: EXAMPLES.plan.planId }, BUS, new Date(5000));
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    expect(checked.message).toMatchObject({ source: 'central', seq: 5000, busId: BUS });
    expect(checked.message.stops).toEqual(EXAMPLES.plan.stops);
    expect(checked.message.depot).toEqual(EXAMPLES.plan.depot);
  });

  it('says what is wrong on the field it is about', () => {
    const draft = emptyDraft(BUS, '2026-11-23');
    const [first] = draft.stops;
    if (!first) throw new Error('a stop');
    const checked = checkDraft(
      {
        ...draft,
        stops: [
          {
            ...first,
            stopId: 'mairie',
            name: 'Mairie',
            commune: 'Boën',
            lat: '45.74',
            lon: '200',
            arrival: '10:00',
            departure: '09:00',
          },
        ],
      },
      BUS,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    // As the console's messages, with the values they name.
    expect(checked.problems).toEqual({
      'stops.0.departure': { key: 'plans.problem.departureAfterArrival', values: {} },
      'stops.0.lon': { key: 'plans.problem.atMost', values: { maximum: 180 } },
    });
  });

  it('reads a plan file, whole message or fields, and refuses what is not a plan', () => {
    const fields = exampleBody('plan');
    expect(draftFromFile(JSON.stringify(EXAMPLES.plan), BUS).planId).toBe(EXAMPLES.plan.planId);
    expect(draftFromFile(JSON.stringify(fields), BUS).stops).toHaveLength(fields.stops.length);
    const problemOf = (text: string) => {
      try {
        draftFromFile(text, BUS);
      } catch (problem) {
        if (problem instanceof PlanFileProblem) return { text: problem.text, field: problem.field };
        throw problem;
      }
      throw new Error('taken');
    };
    expect(problemOf('{')).toEqual({ text: { key: 'plans.fileNotJson' }, field: null });
    expect(problemOf('[1]')).toEqual({ text: { key: 'plans.fileNotPlan' }, field: null });
    // A file's times are written in full, and its values may be of any JSON type.
    const [stop] = fields.stops;
    if (!stop) throw new Error('a stop');
    expect(
      problemOf(JSON.stringify({ ...fields, stops: [{ ...stop, arrival: '09:30' }] })),
    ).toEqual({ text: { key: 'plans.problem.fileTime' }, field: 'stops.0.arrival' });
    expect(problemOf(JSON.stringify({ ...fields, stops: [{ ...stop, lat: '45,9' }] }))).toEqual({
      text: { key: 'plans.problem.fileNumber' },
      field: 'stops.0.lat',
    });
    expect(problemOf('{"planId": "x"}')).toEqual({
      text: { key: 'plans.problem.fileText' },
      field: 'date',
    });
  });
});
