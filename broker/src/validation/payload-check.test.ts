import { describe, expect, it } from 'vitest';
import { EXAMPLES, topicFor } from '@fsbus/shared';
import { checkPayload } from './payload-check.js';
import { compiledSchemaCheck } from './compiled-schema-check.js';

const limits = {
  maxBytes: 4096,
  localPartners: new Set(['local-france-renov']),
  schemaCheck: compiledSchemaCheck(),
};
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('checkPayload', () => {
  it('accepts a valid fsbus message', () => {
    const verdict = checkPayload(
      topicFor('visit', EXAMPLES.visit.busId),
      bytes(EXAMPLES.visit),
      false,
      limits,
    );
    // With the message as decoded, so that central records it without parsing it again.
    expect(verdict).toEqual({
      ok: true,
      decoded: { stream: 'visit', busId: EXAMPLES.visit.busId, message: EXAMPLES.visit },
    });
  });

  it('accepts an empty retained payload on a retained stream (it clears the state), and nowhere else', () => {
    const empty = Buffer.alloc(0);
    expect(checkPayload(topicFor('stop', 'b1'), empty, true, limits)).toEqual({ ok: true });
    expect(checkPayload(topicFor('visit', 'b1'), empty, true, limits)).toMatchObject({
      ok: false,
      code: 'bad_json',
    });
    expect(checkPayload(topicFor('stop', 'b1'), empty, false, limits)).toMatchObject({
      ok: false,
      code: 'bad_json',
    });
  });

  it('only size-checks topics outside fsbus/ (the ACL decides whether they are allowed)', () => {
    expect(checkPayload('local/notes', Buffer.from('anything'), false, limits)).toEqual({
      ok: true,
    });
    expect(checkPayload('local/notes', Buffer.alloc(5000), false, limits)).toMatchObject({
      ok: false,
      code: 'too_large',
    });
  });

  it('refuses undeclared local partners', () => {
    const visit = { ...EXAMPLES.visit, partners: ['local-other'] };
    expect(checkPayload(topicFor('visit', visit.busId), bytes(visit), false, limits)).toMatchObject(
      { ok: false, code: 'schema' },
    );
  });
});
