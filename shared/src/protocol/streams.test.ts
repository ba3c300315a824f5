import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { STREAMS, type Stream } from '../topics.js';
import { STREAM_SPECS } from './streams.js';
import { EXAMPLES } from './examples.js';
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
    value[key] = { wrong: true };
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
  it('reject unknown partner codes, and accept local partner codes', () => {
    expectVerdict('visit', { ...clone('visit'), partners: ['pole_emploi'] }, false);
    expectVerdict('visit', { ...clone('visit'), partners: ['CAF'] }, false);
    expectVerdict('opinion', { ...clone('opinion'), partner: 'ants' }, false);
    expectVerdict('visit', { ...clone('visit'), partners: ['caf', 'local-france-renov'] }, true);
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

  it('a plan names a real time zone', () => {
    expect(zodAccepts('plan', { ...clone('plan'), timeZone: 'Europe/Paris' })).toBe(true);
    expect(zodAccepts('plan', { ...clone('plan'), timeZone: 'Indian/Reunion' })).toBe(true);
    expect(zodAccepts('plan', { ...clone('plan'), timeZone: 'Mars/Olympus' })).toBe(false);
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
