import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { STREAMS, type Stream } from '../topics.js';
import { STREAM_SPECS } from './streams.js';
import { ProtocolError, validatePayload } from './codec.js';
import { EXAMPLES } from './examples.js';
import { exampleVariants } from './variants.js';
import { kioskSeries } from './visitors.js';
import { streamJsonSchema } from '../../scripts/json-schemas.js';

type Json = Record<string, unknown>;

const clone = (stream: Stream): Json => structuredClone(EXAMPLES[stream]);
const zodAccepts = (stream: Stream, value: unknown) =>
  STREAM_SPECS[stream].schema.safeParse(value).success;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validators = new Map(STREAMS.map((s) => [s, ajv.compile(streamJsonSchema(s))]));
const jsonSchemaAccepts = (stream: Stream, value: unknown) =>
  validators.get(stream)?.(value) === true;

/** Both the zod schema and the generated JSON Schema must give the same verdict. */
function expectVerdict(stream: Stream, value: unknown, accepted: boolean): void {
  expect(zodAccepts(stream, value), `zod, ${stream}`).toBe(accepted);
  expect(jsonSchemaAccepts(stream, value), `JSON Schema, ${stream}`).toBe(accepted);
}

function required(stream: Stream): string[] {
  return (streamJsonSchema(stream).required ?? []) as string[];
}

describe.each(STREAMS)('stream %s', (stream) => {
  it('accepts its documented example', () => {
    expectVerdict(stream, EXAMPLES[stream], true);
  });

  it.each(required(stream))('rejects the example without its required field %s', (key) => {
    const { [key]: _removed, ...value } = clone(stream);
    expectVerdict(stream, value, false);
  });

  it.each(Object.keys(EXAMPLES[stream]))('rejects a wrong type in field %s', (key) => {
    const value = clone(stream);
    // An object where a scalar is expected, a string where an object or a list is.
    value[key] = typeof value[key] === 'object' && value[key] !== null ? 'wrong' : { wrong: true };
    expectVerdict(stream, value, false);
  });

  it('rejects an extra free-text field', () => {
    expectVerdict(stream, { ...clone(stream), comment: 'Mme Martin, 12 rue des Lilas' }, false);
  });

  it('rejects an envelope with a bad id, a local time, a negative seq or another version', () => {
    expectVerdict(stream, { ...clone(stream), id: 'visit-42' }, false);
    expectVerdict(stream, { ...clone(stream), ts: '2026-11-23T09:30:00+01:00' }, false);
    expectVerdict(stream, { ...clone(stream), seq: -1 }, false);
    expectVerdict(stream, { ...clone(stream), seq: 1.5 }, false);
    expectVerdict(stream, { ...clone(stream), v: 2 }, false);
    expectVerdict(stream, { ...clone(stream), busId: 'bus/1' }, false);
  });
});

describe('out-of-range values', () => {
  it.each([
    ['gnss', { lat: 91 }],
    ['gnss', { lat: -90.5 }],
    ['gnss', { lon: 180.1 }],
    ['gnss', { speed: -1 }],
    ['gnss', { track: 360 }],
    ['gnss', { mode: '1d' }],
    ['door', { in: -1 }],
    ['door', { out: -3 }],
    ['door', { in: 1.5 }],
    ['door', { door: 0 }],
    ['occupancy', { onBoard: -1 }],
    ['occupancy', { today: { in: 3, out: -1 } }],
    ['opinion', { rating: 5 }],
    ['opinion', { rating: 0 }],
    ['opinion', { rating: 2.5 }],
    ['visit', { turn: 0 }],
    ['visit', { language: 'de' }],
    ['queue', { waiting: -2 }],
    ['stop', { state: 'parked' }],
    ['cmd/occupancy', { onBoard: -1 }],
  ] as const)('%s rejects %j', (stream, patch) => {
    expectVerdict(stream, { ...clone(stream), ...patch }, false);
  });
});

describe('visit and opinion', () => {
  it('reject unknown partner codes, and take local ones in the local-… form', () => {
    expectVerdict('visit', { ...clone('visit'), partners: ['pole_emploi'] }, false);
    expectVerdict('visit', { ...clone('visit'), partners: ['CAF'] }, false);
    expectVerdict('opinion', { ...clone('opinion'), partner: 'ants' }, false);
    expectVerdict('visit', { ...clone('visit'), partners: ['caf', 'local-france-renov'] }, true);
  });

  it('refuse a local partner code the bus does not declare, so no text hides in a code', () => {
    const declared = new Set(['local-france-renov']);
    const visit = { ...clone('visit'), partners: ['caf', 'local-jean-dupont-0612345678'] };
    const opinion = { ...clone('opinion'), partner: 'local-marie-martin' };
    expect(() => validatePayload('visit', visit, { localPartners: declared })).toThrow(
      /partners.1: a local partner declared/,
    );
    expect(() => validatePayload('opinion', opinion, { localPartners: declared })).toThrow(
      /partner: a local partner declared/,
    );
    expect(() => validatePayload('visit', { ...visit, partners: ['local-france-renov'] })).toThrow(
      ProtocolError,
    );
    expect(
      validatePayload(
        'visit',
        { ...visit, partners: ['local-france-renov'] },
        { localPartners: declared },
      ).partners,
    ).toEqual(['local-france-renov']);
  });

  it('stamp opinions so they cannot be paired with a visit: random v4 id, time on the hour', () => {
    expectVerdict('opinion', { ...clone('opinion'), ts: '2026-11-23T10:05:00.000Z' }, false);
    expectVerdict('opinion', { ...clone('opinion'), id: EXAMPLES.visit.id }, false);
    expectVerdict('opinion', { ...clone('opinion'), ts: '2026-11-23T10:00:00Z' }, true);
  });

  it('reject an empty or repeated partner list', () => {
    expectVerdict('visit', { ...clone('visit'), partners: [] }, false);
    expectVerdict('visit', { ...clone('visit'), partners: ['caf', 'caf'] }, false);
  });

  it('reject unknown or repeated opinion reasons, and accept none', () => {
    expectVerdict('opinion', { ...clone('opinion'), reasons: ['rude_staff'] }, false);
    expectVerdict('opinion', { ...clone('opinion'), reasons: ['long_wait', 'long_wait'] }, false);
    const { reasons: _reasons, ...withoutReasons } = clone('opinion');
    expectVerdict('opinion', withoutReasons, true);
  });

  it('reject free text in nested or extra fields', () => {
    expectVerdict('visit', { ...clone('visit'), name: 'Jean Dupont' }, false);
    expectVerdict('visit', { ...clone('visit'), partners: ['caf', 'Jean Dupont'] }, false);
    expectVerdict('opinion', { ...clone('opinion'), turn: 7 }, false);
    expectVerdict(
      'occupancy',
      { ...clone('occupancy'), today: { in: 1, out: 0, note: 'hello' } },
      false,
    );
  });
});

describe('message ids', () => {
  it.each([
    ['upper case', '019AB2C4-5E10-7A3B-9C41-2F6D8E0A1B01'],
    ['nil', '00000000-0000-0000-0000-000000000000'],
    ['max', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ['version 1', '019ab2c4-5e10-1a3b-9c41-2f6d8e0a1b01'],
  ])('refuse a %s UUID, so string comparison deduplicates', (_name, id) => {
    expectVerdict('visit', { ...clone('visit'), id }, false);
  });
});

describe('names set by staff', () => {
  it('refuse control characters and line breaks', () => {
    const plan = clone('plan') as { stops: Json[] };
    const [first, second] = plan.stops as [Json, Json];
    expectVerdict('plan', { ...plan, stops: [{ ...first, name: 'Mairie\nJean' }, second] }, false);
    expectVerdict('plan', { ...plan, stops: [{ ...first, name: 'Mairie\u0007' }, second] }, false);
  });
});

describe('rules beyond types (zod only: JSON Schema cannot say them)', () => {
  it('a plan stop departs after it arrives, and stops come in time order', () => {
    const plan = clone('plan') as { stops: Json[] };
    const [first, second] = plan.stops as [Json, Json];
    expect(
      zodAccepts('plan', { ...plan, stops: [{ ...first, departure: first.arrival }, second] }),
    ).toBe(false);
    expect(zodAccepts('plan', { ...plan, stops: [second, first] })).toBe(false);
    expect(
      zodAccepts('plan', { ...plan, stops: [first, { ...second, stopId: first.stopId }] }),
    ).toBe(false);
  });

  it("a plan's times fall on its date, with the offset of its time zone", () => {
    const plan = clone('plan') as { stops: Json[] };
    const [first, second] = plan.stops as [Json, Json];
    const moved = {
      ...first,
      arrival: '2026-11-24T09:30:00+01:00',
      departure: '2026-11-24T12:00:00+01:00',
    };
    expect(
      zodAccepts('plan', {
        ...plan,
        stops: [
          moved,
          {
            ...second,
            arrival: '2026-11-24T13:45:00+01:00',
            departure: '2026-11-24T16:30:00+01:00',
          },
        ],
      }),
    ).toBe(false);
    const summerOffset = { ...first, arrival: '2026-11-23T10:30:00+02:00' };
    expect(zodAccepts('plan', { ...plan, stops: [summerOffset, second] })).toBe(false);
  });

  it('a stop state agrees with itself', () => {
    const stop = clone('stop');
    expect(zodAccepts('stop', { ...stop, current: null })).toBe(false);
    expect(zodAccepts('stop', { ...stop, state: 'off_plan' })).toBe(false);
    expect(
      zodAccepts('stop', {
        ...stop,
        offPlan: { lat: 45.9, lon: 1.4, since: '2026-11-23T09:00:00Z' },
      }),
    ).toBe(false);
    expect(zodAccepts('stop', { ...stop, state: 'no_plan' })).toBe(false);
    expect(zodAccepts('stop', { ...stop, state: 'departed' })).toBe(false);
    expect(
      zodAccepts('stop', {
        ...stop,
        state: 'no_plan',
        planId: null,
        current: null,
        next: null,
        delayS: null,
      }),
    ).toBe(true);
  });

  it('a queue serves only turns already issued, in their series', () => {
    expect(zodAccepts('queue', { ...clone('queue'), serving: 8 })).toBe(false);
    expect(zodAccepts('queue', { ...clone('queue'), serving: 7 })).toBe(true);
    const twoKiosks = { ...clone('queue'), issued: 9, lastIssued: { A: 7, B: 2 } };
    expect(zodAccepts('queue', { ...twoKiosks, serving: 2, servingSeries: 'B' })).toBe(true);
    expect(zodAccepts('queue', { ...twoKiosks, serving: 3, servingSeries: 'B' })).toBe(false);
  });

  it('reads the queue messages from before series (one kiosk, series A)', () => {
    const {
      servingSeries: _s,
      waitingTurns: _w,
      lastIssued: _l,
      serviceS: _ss,
      ...oldQueue
    } = clone('queue') as Record<string, unknown>;
    expect(zodAccepts('queue', oldQueue)).toBe(true);
    const { series: _series, ...oldVisit } = clone('visit') as Record<string, unknown>;
    expect(zodAccepts('visit', oldVisit)).toBe(true);
    const recall = { ...clone('cmd/queue'), action: 'recall', turn: 3 };
    expect(zodAccepts('cmd/queue', recall)).toBe(true);
    expect(zodAccepts('cmd/queue', { ...recall, series: 'B' })).toBe(true);
    expect(zodAccepts('cmd/queue', { ...clone('cmd/queue'), series: 'B' })).toBe(false);
    expect(zodAccepts('visit', { ...clone('visit'), series: 'a' })).toBe(false);
    expect(zodAccepts('visit', { ...clone('visit'), series: 'AB' })).toBe(false);
  });

  it('gives kiosk-N the N-th series letter', () => {
    expect(kioskSeries('kiosk-1')).toBe('A');
    expect(kioskSeries('kiosk-2')).toBe('B');
    expect(kioskSeries('kiosk-26')).toBe('Z');
    expect(kioskSeries('kiosk-27')).toBeNull();
    expect(kioskSeries('kiosk-0')).toBeNull();
    expect(kioskSeries('driver')).toBeNull();
  });

  it('a plan names a real time zone', () => {
    const timeZoneIssues = (timeZone: string) =>
      (
        STREAM_SPECS.plan.schema.safeParse({ ...clone('plan'), timeZone }).error?.issues ?? []
      ).filter((issue) => issue.path.join('.') === 'timeZone');
    expect(timeZoneIssues('Europe/Paris')).toEqual([]);
    expect(timeZoneIssues('Indian/Reunion')).toEqual([]);
    expect(timeZoneIssues('Mars/Olympus')).toHaveLength(1);
  });

  it('a queue recall or skip names its turn, call_next does not', () => {
    expect(zodAccepts('cmd/queue', { ...clone('cmd/queue'), action: 'recall', turn: 4 })).toBe(
      true,
    );
    expect(zodAccepts('cmd/queue', { ...clone('cmd/queue'), action: 'recall' })).toBe(false);
    expect(zodAccepts('cmd/queue', { ...clone('cmd/queue'), action: 'call_next', turn: 4 })).toBe(
      false,
    );
  });

  it('status health and metrics hold codes and numbers, not text', () => {
    expectVerdict('status', { ...clone('status'), health: { gnss: 'GPS is fine!' } }, false);
    expectVerdict('status', { ...clone('status'), metrics: { 'messages in': 3 } }, false);
    expectVerdict('status', { ...clone('status'), metrics: { messages_in: 'many' } }, false);
  });
});

describe('hostile values', () => {
  const values: unknown[] = [
    null,
    '',
    'Mars/Olympus',
    -1,
    1e308,
    Number.NaN,
    [],
    {},
    [null],
    'x'.repeat(5000),
    true,
    '\u0000',
  ];

  it.each(STREAMS)('never make the %s schema throw, whatever field they land in', (stream) => {
    for (const variant of exampleVariants(stream, values)) {
      expect(
        () => STREAM_SPECS[stream].schema.safeParse(variant),
        JSON.stringify(variant),
      ).not.toThrow();
    }
  });
});
