// The generated part of docs/protocol.md: the topic table, then each stream's fields and example.
import { STREAMS, topicFor, type Stream } from '../src/topics.js';
import { STREAM_SPECS, type Delivery } from '../src/protocol/streams.js';
import { envelopeShape } from '../src/protocol/envelope.js';
import { EXAMPLES, EXAMPLE_BUS_ID } from '../src/protocol/examples.js';
import { NATIONAL_PARTNERS } from '../src/catalogue/partners.js';
import { OPINION_REASONS } from '../src/catalogue/reasons.js';
import { schemaFileName, streamJsonSchema, type JsonSchema } from './json-schemas.js';

export const BEGIN = '<!-- BEGIN GENERATED: npm run docs -->';
export const END = '<!-- END GENERATED -->';

const ENVELOPE_KEYS: ReadonlySet<string> = new Set(Object.keys(envelopeShape));

/** The "to central" column: the delivery class, or never for a stream that stays on board. */
function toCentral(delivery: Delivery): string {
  return delivery === 'on-board' ? 'never (on board only)' : delivery;
}

function topicOf(stream: Stream): string {
  return stream === 'status' ? 'fsbus/v1/{busId}/status/{service}' : `fsbus/v1/{busId}/${stream}`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function number(value: unknown): string {
  return typeof value === 'number' ? String(value) : '';
}

/** A short type for a JSON Schema node: `integer 0..255`, `"2d" \| "3d"`, `string (date-time)`. */
function typeOf(node: JsonSchema): string {
  if (Array.isArray(node.anyOf)) return (node.anyOf as JsonSchema[]).map(typeOf).join(' or ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (Array.isArray(node.enum))
    return (node.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ');
  const type = String(node.type);
  if (type === 'array') return `list of ${typeOf(node.items as JsonSchema)}`;
  if (type === 'object') {
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      return `map of ${typeOf(node.additionalProperties as JsonSchema)}`;
    }
    return 'object';
  }
  const upper =
    typeof node.exclusiveMaximum === 'number'
      ? `<${number(node.exclusiveMaximum)}`
      : number(node.maximum);
  const lower = number(node.minimum);
  const range = lower !== '' || upper !== '' ? ` ${lower}..${upper}` : '';
  const format = typeof node.format === 'string' ? ` (${node.format})` : '';
  return `${type}${format}${node.maximum === Number.MAX_SAFE_INTEGER ? ' >= 0' : range}`;
}

function fieldRows(schema: JsonSchema, prefix: string, required: boolean, rows: string[]): void {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const requiredKeys = new Set((schema.required ?? []) as string[]);
  for (const [key, node] of Object.entries(properties)) {
    if (prefix === '' && ENVELOPE_KEYS.has(key)) continue;
    const name = `${prefix}${key}`;
    const isRequired = required && requiredKeys.has(key);
    const description = typeof node.description === 'string' ? node.description : '';
    rows.push(
      `| \`${name}\` | ${cell(typeOf(node))} | ${isRequired ? 'yes' : 'no'} | ${cell(description)} |`,
    );
    const object = Array.isArray(node.anyOf)
      ? (node.anyOf as JsonSchema[]).find((n) => n.type === 'object' && n.properties)
      : node.type === 'object' && node.properties
        ? node
        : undefined;
    if (object) fieldRows(object, `${name}.`, true, rows);
    const items = node.type === 'array' ? (node.items as JsonSchema) : undefined;
    if (items?.type === 'object') fieldRows(items, `${name}[].`, true, rows);
  }
}

function streamSection(stream: Stream): string {
  const spec = STREAM_SPECS[stream];
  const rows: string[] = [];
  fieldRows(streamJsonSchema(stream), '', true, rows);
  const example = EXAMPLES[stream];
  const concrete =
    stream === 'status'
      ? topicFor(stream, EXAMPLE_BUS_ID, 'bridge')
      : topicFor(stream, EXAMPLE_BUS_ID);
  return [
    `### \`${stream}\`: ${spec.title}`,
    '',
    spec.description,
    '',
    `- Topic: \`${topicOf(stream)}\`, QoS ${spec.qos}${spec.retain ? ', retained' : ''}; to central: ${toCentral(spec.delivery)}.`,
    `- Published by: ${spec.publishers.join(', ')}. Read by: ${spec.subscribers.join(', ')}.`,
    `- Schema: [\`schemas/${schemaFileName(stream)}\`](schemas/${schemaFileName(stream)}).`,
    '',
    '| field | type | required | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `Example on \`${concrete}\`:`,
    '',
    '```json',
    JSON.stringify(example, null, 2),
    '```',
  ].join('\n');
}

function catalogueSection(): string {
  return [
    '## Partner codes',
    '',
    'National partners, in kiosk order (labels in French; English and Arabic in `shared/src/catalogue/partners.ts`). A bus may add local partners coded `local-…` in its config (`kiosk.localPartners`).',
    '',
    '| code | operator | label (fr) | theme | pictogram |',
    '| --- | --- | --- | --- | --- |',
    ...NATIONAL_PARTNERS.map(
      (p) =>
        `| \`${p.code}\` | ${cell(p.operator)} | ${cell(p.label.fr)} | ${p.theme ?? '-'} | ${p.icon} |`,
    ),
    '',
    '## Opinion reason codes',
    '',
    '| code | offered after | label (fr) |',
    '| --- | --- | --- |',
    ...OPINION_REASONS.map(
      (r) =>
        `| \`${r.code}\` | ${r.tone === 'positive' ? 'rating 3-4' : 'rating 1-2'} | ${cell(r.label.fr)} |`,
    ),
  ].join('\n');
}

/** The generated block, markers included. */
export function protocolStreamsBlock(): string {
  const table = [
    '| topic | QoS | retained | to central | published by | read by |',
    '| --- | --- | --- | --- | --- | --- |',
    ...STREAMS.map((stream) => {
      const spec = STREAM_SPECS[stream];
      return `| \`${topicOf(stream)}\` | ${spec.qos} | ${spec.retain ? 'yes' : 'no'} | ${toCentral(spec.delivery)} | ${spec.publishers.join(', ')} | ${spec.subscribers.join(', ')} |`;
    }),
  ].join('\n');
  return [
    BEGIN,
    '',
    '## Topics',
    '',
    table,
    '',
    '## Streams',
    '',
    STREAMS.map(streamSection).join('\n\n'),
    '',
    catalogueSection(),
    '',
    END,
  ].join('\n');
}

/** Replaces the generated block of docs/protocol.md, keeping the hand-written text around it. */
export function withProtocolBlock(document: string): string {
  const start = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  if (start < 0 || end < start)
    throw new Error(`docs/protocol.md lacks the ${BEGIN} ... ${END} markers`);
  return document.slice(0, start) + protocolStreamsBlock() + document.slice(end + END.length);
}
