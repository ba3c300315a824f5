import { describe, expect, it } from 'vitest';
import { classifyLinkError } from './uplink.js';

describe('classifyLinkError', () => {
  const withCode = (code: string | number) => Object.assign(new Error('x'), { code });

  it('takes a refused login or client id for a configuration problem, not an outage', () => {
    for (const code of [2, 4, 5, 133, 134, 135])
      expect(classifyLinkError(withCode(code))).toBe('auth');
  });

  it('tells TLS trouble, an unknown host, a refused connection and the rest apart', () => {
    expect(classifyLinkError(withCode('SELF_SIGNED_CERT_IN_CHAIN'))).toBe('tls');
    expect(classifyLinkError(withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe('tls');
    expect(classifyLinkError(withCode('ERR_TLS_CERT_ALTNAME_INVALID'))).toBe('tls');
    expect(classifyLinkError(withCode('CERT_HAS_EXPIRED'))).toBe('tls');
    expect(classifyLinkError(withCode('ENOTFOUND'))).toBe('dns');
    expect(classifyLinkError(withCode('EAI_AGAIN'))).toBe('dns');
    expect(classifyLinkError(withCode('ECONNREFUSED'))).toBe('refused');
    expect(classifyLinkError(withCode('ECONNRESET'))).toBe('network');
    expect(classifyLinkError(new Error('connack timeout'))).toBe('network');
  });
});
