// Checks a publish before the broker forwards or retains it: size, then, on fsbus topics, the schema.
import {
  decodeMessage,
  ProtocolError,
  STREAM_SPECS,
  tryParseTopic,
  type ProtocolErrorCode,
  type DecodedMessage,
  type LocalPartnerRule,
  type SchemaCheck,
} from '@fsbus/shared';

export type PayloadVerdict =
  | { readonly ok: true; readonly decoded?: DecodedMessage }
  | { readonly ok: false; readonly code: ProtocolErrorCode; readonly detail: string };

const OK: PayloadVerdict = { ok: true };

/**
 * Verdict on one payload. Messages under `fsbus/` must pass their stream's schema (an empty
 * retained payload, which clears a retained state topic, is allowed); other topics the ACL lets
 * through are only size-checked.
 */
export function checkPayload(
  topic: string,
  payload: Buffer,
  retain: boolean,
  limits: {
    readonly maxBytes: number;
    readonly localPartners: LocalPartnerRule;
    readonly schemaCheck: SchemaCheck;
  },
): PayloadVerdict {
  const { maxBytes, localPartners, schemaCheck } = limits;
  if (payload.byteLength > maxBytes) {
    return {
      ok: false,
      code: 'too_large',
      detail: `payload of ${payload.byteLength} bytes exceeds ${maxBytes}`,
    };
  }
  if (!topic.startsWith('fsbus/')) return OK;
  if (payload.byteLength === 0 && retain) {
    const parts = tryParseTopic(topic);
    if (parts && STREAM_SPECS[parts.stream].retain) return OK;
  }
  try {
    return {
      ok: true,
      decoded: decodeMessage(topic, payload, { maxBytes, localPartners, schemaCheck }),
    };
  } catch (error) {
    if (error instanceof ProtocolError)
      return { ok: false, code: error.code, detail: error.message };
    throw error;
  }
}
