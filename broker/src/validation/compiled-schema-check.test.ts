import { describe, expect, it } from 'vitest';
import { EXAMPLES, STREAM_SPECS, STREAMS, exampleVariants, zodSchemaCheck } from '@fsbus/shared';
import { compiledSchemaCheck, hasRefinements } from './compiled-schema-check.js';

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

describe('compiledSchemaCheck', () => {
  it.each(STREAMS)(
    'gives the same verdict as the zod schema on every variant of the %s example',
    (stream) => {
      for (const payload of exampleVariants(stream, VALUES)) {
        const zod = zodSchemaCheck(stream, payload).length === 0;
        const compiled = check(stream, payload).length === 0;
        expect(compiled, JSON.stringify(payload)).toBe(zod);
      }
    },
  );

  it('names the path and the reason of a problem', () => {
    expect(check('door', { ...EXAMPLES.door, in: -1 })).toEqual([
      { path: 'in', message: 'must be >= 0' },
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
