// JSON Schemas of every stream and of the config, generated from the zod schemas for docs/schemas/.
import { z } from 'zod';
import { STREAMS, type Stream } from '../src/topics.js';
import { STREAM_SPECS } from '../src/protocol/streams.js';
import { ConfigSchema } from '../src/config/schema.js';
import { CentralConfigSchema } from '../src/config/central-schema.js';
import { AlertsMessage } from '../src/protocol/alerts.js';

export type JsonSchema = Record<string, unknown>;

/** File name of a stream's schema: `cmd/queue` -> `cmd-queue.schema.json`. */
export function schemaFileName(
  stream: Stream | 'config' | 'central-config' | 'central-alerts',
): string {
  return `${stream.replace('/', '-')}.schema.json`;
}

export function streamJsonSchema(stream: Stream): JsonSchema {
  const spec = STREAM_SPECS[stream];
  return {
    ...z.toJSONSchema(spec.schema, { io: 'input', target: 'draft-2020-12' }),
    $id: `urn:fsbus:v1:${stream.replace('/', ':')}`,
    title: `fsbus ${stream}: ${spec.title}`,
    description: spec.description,
  };
}

export function configJsonSchema(): JsonSchema {
  return {
    ...z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'urn:fsbus:v1:config',
    title: 'fsbus bus config',
    description: 'One file per bus (YAML). See config/bus.example.yaml.',
  };
}

/** Every generated schema file, keyed by its path under docs/schemas/. */
export function jsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const stream of STREAMS) {
    files.set(schemaFileName(stream), `${JSON.stringify(streamJsonSchema(stream), null, 2)}\n`);
  }
  files.set(schemaFileName('config'), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  const extra = {
    'central-config': {
      ...z.toJSONSchema(CentralConfigSchema, { io: 'input', target: 'draft-2020-12' }),
      $id: 'urn:fsbus:v1:central-config',
      title: 'fsbus central config',
      description: 'The config of fsbus-central (YAML). See config/central.example.yaml.',
    },
    'central-alerts': {
      ...z.toJSONSchema(AlertsMessage, { io: 'input', target: 'draft-2020-12' }),
      $id: 'urn:fsbus:v1:central-alerts',
      title: 'fsbus central alerts',
      description: 'Retained on fsbus-central/v1/alerts and in the API: every alert now.',
    },
  } as const;
  for (const [name, schema] of Object.entries(extra)) {
    files.set(schemaFileName(name as keyof typeof extra), `${JSON.stringify(schema, null, 2)}\n`);
  }
  return files;
}
