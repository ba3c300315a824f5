// Turns MQTT (topic, bytes) into validated fsbus messages and back; every rejection has a code.
import type { z } from 'zod';
import { parseTopic, TopicError, type Stream } from '../topics.js';
import { STREAM_SPECS, type MessageOf } from './streams.js';

/** Default size limit of one message, as on the on-board broker. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

export type ProtocolErrorCode =
  | 'bad_topic'
  | 'bad_id'
  | 'too_large'
  | 'bad_json'
  | 'schema'
  | 'bus_mismatch'
  | 'service_mismatch';

/** One schema problem: where in the payload, and what is wrong. */
export interface PayloadProblem {
  readonly path: string;
  readonly message: string;
}

/** A message that cannot be accepted. `code` is stable, for counters. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    readonly topic: string,
    message: string,
    readonly problems: readonly PayloadProblem[] = [],
  ) {
    super(`${topic}: ${message}`);
  }
}

export interface DecodedMessage<S extends Stream = Stream> {
  readonly stream: S;
  readonly busId: string;
  readonly service?: string;
  readonly message: MessageOf<S>;
}

export interface DecodeOptions {
  /** Larger payloads are refused before parsing. Default 64 KiB. */
  readonly maxBytes?: number;
  /**
   * Local partner codes this bus declares (kiosk.localPartners). A `local-…` code outside this
   * set is refused, so a code cannot smuggle text in. `any`: every well-formed one (central,
   * which does not hold the buses' configs; their brokers and bridges check). Default: none.
   */
  readonly localPartners?: LocalPartnerRule;
  /**
   * How the parsed payload is checked against its stream's schema. Default: the zod schema. The
   * broker passes a check compiled from the same schemas (see broker/src/validation/) that
   * must give the same verdicts.
   */
  readonly schemaCheck?: SchemaCheck;
}

/** Checks a parsed payload against a stream's schema: the problems found, none when valid. */
export type SchemaCheck = (stream: Stream, data: unknown) => readonly PayloadProblem[];

/** The reference SchemaCheck: the stream's zod schema. */
export const zodSchemaCheck: SchemaCheck = (stream, data) => {
  const result = STREAM_SPECS[stream].schema.safeParse(data);
  return result.success ? [] : problemsOf(result.error);
};

/** The local partner codes accepted: a bus's declared set, or `any` well-formed one. */
export type LocalPartnerRule = ReadonlySet<string> | 'any';

const NO_LOCAL_PARTNERS: ReadonlySet<string> = new Set();

/** Local partner codes of a visit or an opinion that the bus does not declare. */
function undeclaredPartners(
  stream: Stream,
  message: unknown,
  declared: LocalPartnerRule,
): PayloadProblem[] {
  if (declared === 'any') return [];
  const undeclared = (code: string) => code.startsWith('local-') && !declared.has(code);
  const problem = (path: string): PayloadProblem => ({
    path,
    message: 'a local partner declared in kiosk.localPartners',
  });
  if (stream === 'visit') {
    return (message as MessageOf<'visit'>).partners.flatMap((code, index) =>
      undeclared(code) ? [problem(`partners.${index}`)] : [],
    );
  }
  if (stream === 'opinion') {
    const { partner } = message as MessageOf<'opinion'>;
    return partner !== undefined && undeclared(partner) ? [problem('partner')] : [];
  }
  return [];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function problemsOf(error: z.ZodError): PayloadProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(message)' : issue.path.join('.'),
    message: issue.message,
  }));
}

function schemaError(topic: string, problems: PayloadProblem[]): ProtocolError {
  const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return new ProtocolError('schema', topic, `schema violation: ${summary}`, problems);
}

/**
 * Validates a payload object against a stream's schema and the bus's declared local partners;
 * throws ProtocolError('schema'). The payload schemas have no defaults or transforms, so the
 * valid message is the payload itself.
 */
export function validatePayload<S extends Stream>(
  stream: S,
  payload: unknown,
  options: {
    readonly topic?: string;
    readonly localPartners?: LocalPartnerRule;
    readonly schemaCheck?: SchemaCheck;
  } = {},
): MessageOf<S> {
  return checked(
    stream,
    payload,
    options.topic ?? stream,
    options.localPartners ?? NO_LOCAL_PARTNERS,
    options.schemaCheck ?? zodSchemaCheck,
  );
}

/** validatePayload without an options object: decodeMessage runs once per message. */
function checked<S extends Stream>(
  stream: S,
  payload: unknown,
  topic: string,
  localPartners: LocalPartnerRule,
  schemaCheck: SchemaCheck,
): MessageOf<S> {
  const problems = schemaCheck(stream, payload);
  if (problems.length > 0) throw schemaError(topic, [...problems]);
  if (stream === 'visit' || stream === 'opinion') {
    const undeclared = undeclaredPartners(stream, payload, localPartners);
    if (undeclared.length > 0) throw schemaError(topic, undeclared);
  }
  return payload as MessageOf<S>;
}

/**
 * Decodes one MQTT message: topic in the fsbus tree, size, UTF-8 JSON, schema, and the
 * envelope agreeing with the topic (bus id, and service for status).
 */
export function decodeMessage(
  topic: string,
  payload: Uint8Array | string,
  options: DecodeOptions = {},
): DecodedMessage {
  let parts;
  try {
    parts = parseTopic(topic);
  } catch (error) {
    if (error instanceof TopicError) throw new ProtocolError(error.code, topic, error.message);
    throw error;
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const size =
    typeof payload === 'string' ? new TextEncoder().encode(payload).byteLength : payload.byteLength;
  if (size > maxBytes)
    throw new ProtocolError('too_large', topic, `payload of ${size} bytes exceeds ${maxBytes}`);
  let data: unknown;
  try {
    data = JSON.parse(typeof payload === 'string' ? payload : utf8.decode(payload));
  } catch (error) {
    throw new ProtocolError(
      'bad_json',
      topic,
      `payload is not UTF-8 JSON (${(error as Error).message})`,
    );
  }
  const message = checked(
    parts.stream,
    data,
    topic,
    options.localPartners ?? NO_LOCAL_PARTNERS,
    options.schemaCheck ?? zodSchemaCheck,
  );
  if (message.busId !== parts.busId) {
    throw new ProtocolError(
      'bus_mismatch',
      topic,
      `busId ${message.busId} differs from the topic's ${parts.busId}`,
    );
  }
  if (parts.stream === 'status' && (message as MessageOf<'status'>).service !== parts.service) {
    throw new ProtocolError(
      'service_mismatch',
      topic,
      `service differs from the topic's ${parts.service ?? ''}`,
    );
  }
  return { ...parts, message };
}

/** Serialises a message for MQTT. */
export function encodeMessage(message: MessageOf<Stream>): string {
  return JSON.stringify(message);
}
