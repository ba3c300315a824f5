import { describe, expect, it } from 'vitest';
import { EXAMPLES, STREAM_SPECS, STREAMS, zodSchemaCheck, type Stream } from '@fsbus/shared';
import { compiledSchemaCheck, hasRefinements } from './compiled-schema-check.js';

type Json = Record<string, unknown>;

const check = compiledSchemaCheck();
const VALUES: unknown[] = [
  null,
  '',
  'x',
  -1,
  0,
  1.5,
  91,
  1e308,
  [],
  {},
  [null],
  ['caf', 'caf'],
  true,
  '\u0000',
  'fsbus-87-012',
  '2026-11-23T10:00:00.000Z',
  '2026-11-23T10:00:00+01:00',
];

/** Every payload one change away from the example: a field removed, set to a hostile value, or added. */
function variants(stream: Stream): unknown[] {
  const example = structuredClone(EXAMPLES[stream]) as Json;
  const out: unknown[] = [example, { ...example, extra: 'free text' }];
  const paths: string[][] = [];
  const walk = (node: Json, prefix: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      paths.push([...prefix, key]);
      if (value && typeof value === 'object') walk(value as Json, [...prefix, key]);
    }
  };
  walk(example, []);
  for (const path of paths) {
    const mutate = (value: unknown): unknown => {
      const copy = structuredClone(example);
      const parent = path.slice(0, -1).reduce<Json>((node, key) => node[key] as Json, copy);
      parent[path.at(-1) ?? ''] = value;
      return JSON.parse(JSON.stringify(copy)); // a field set to undefined disappears: a removal
    };
    out.push(mutate(undefined), ...VALUES.map(mutate));
  }
  return out;
}

describe('compiledSchemaCheck', () => {
  it.each(STREAMS)(
    'gives the same verdict as the zod schema on every variant of the %s example',
    (stream) => {
      for (const payload of variants(stream)) {
        const zod = zodSchemaCheck(stream, payload).length === 0;
        const compiled = check(stream, payload).length === 0;
        expect(compiled, JSON.stringify(payload)).toBe(zod);
      }
    },
  );

  it('names the path and the reason of a problem', () => {
    expect(check('visit', { ...EXAMPLES.visit, turn: -1 })).toEqual([
      { path: 'turn', message: 'must be >= 1' },
    ]);
  });

  it('finds the streams whose schema has rules beyond JSON Schema', () => {
    const refined = STREAMS.filter((stream) => hasRefinements(STREAM_SPECS[stream].schema));
    expect(refined).toEqual(
      expect.arrayContaining(['plan', 'stop', 'queue', 'cmd/queue', 'visit']),
    );
    expect(refined).not.toContain('gnss');
    expect(refined).not.toContain('door');
  });
});
