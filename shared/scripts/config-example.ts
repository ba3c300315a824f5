// config/bus.example.yaml, generated from the config schema: every key, its description and default.
import { z } from 'zod';
import { stringify } from 'yaml';
import { ConfigSchema } from '../src/config/schema.js';
import { CentralConfigSchema } from '../src/config/central-schema.js';
import { envName, unwrap } from '../src/config/introspect.js';
import { EXAMPLE_BUS_ID } from '../src/protocol/examples.js';

/** Commented examples shown under keys whose default is an empty list. */
const LIST_EXAMPLES: Record<string, unknown[]> = {
  'broker.users': [
    { username: 'bridge', role: 'bridge', passwordHash: 'scrypt$16384$8$5$<salt>$<hash>' },
    { username: 'kiosk-1', role: 'kiosk', passwordHash: 'scrypt$16384$8$5$<salt>$<hash>' },
  ],
  'kiosk.localPartners': [
    {
      code: 'local-france-renov',
      operator: 'France Rénov’ (ADIL 87)',
      label: {
        fr: 'Rénover mon logement',
        en: 'Renovating my home',
        ar: 'ترميم مسكني',
      },
      icon: 'house',
      theme: 'housing_mobility_mail',
    },
  ],
};

function describe(schema: z.ZodType): string | undefined {
  return schema.meta()?.description;
}

function scalar(value: unknown): string {
  return stringify(value, {
    flowCollectionPadding: false,
    collectionStyle: 'flow',
    singleQuote: true,
  }).trim();
}

function render(
  schema: z.ZodType,
  value: Record<string, unknown>,
  path: string[],
  lines: string[],
  withEnv = true,
): void {
  const bare = unwrap(schema) as z.ZodObject;
  const indent = '  '.repeat(path.length);
  for (const [key, child] of Object.entries(bare.shape) as [string, z.ZodType][]) {
    const keyPath = [...path, key];
    const childBare = unwrap(child);
    const description = describe(child);
    if (path.length === 0) lines.push('');
    if (childBare instanceof z.ZodObject) {
      if (description) lines.push(`${indent}# ${description}`);
      lines.push(`${indent}${key}:`);
      render(child, value[key] as Record<string, unknown>, keyPath, lines, withEnv);
      continue;
    }
    const required = !(child instanceof z.ZodDefault);
    const env = withEnv ? `Env: ${envName(keyPath)}.` : undefined;
    const comment = [description, required ? 'Required.' : undefined, env]
      .filter(Boolean)
      .join(' ');
    lines.push(`${indent}# ${comment}`);
    lines.push(`${indent}${key}: ${scalar(value[key])}`);
    const example = LIST_EXAMPLES[keyPath.join('.')];
    if (example) {
      lines.push(`${indent}# For example:`);
      for (const line of stringify(example).trimEnd().split('\n'))
        lines.push(`${indent}#   ${line}`);
    }
  }
}

/** The text of config/bus.example.yaml. */
export function configExample(): string {
  const defaults = ConfigSchema.parse({ busId: EXAMPLE_BUS_ID });
  const lines = [
    '# fsbus bus config: one file per bus. Generated from shared/src/config/schema.ts by',
    '# `npm run docs`; do not edit by hand. Every key is shown with its default.',
    '# Relative paths are taken from this file’s folder (outbox.path from dataDir).',
    '# Any key can be overridden by its environment variable (values are YAML).',
  ];
  render(ConfigSchema, defaults, [], lines);
  return `${lines.join('\n')}\n`;
}

/** The text of config/central.example.yaml. */
export function centralConfigExample(): string {
  const example = { mqtt: { tls: { certFile: 'central.pem', keyFile: 'central.key' } } };
  const defaults = CentralConfigSchema.parse(example);
  const lines = [
    '# fsbus central config (fsbus-central). Generated from shared/src/config/central-schema.ts',
    '# by `npm run docs`; do not edit by hand. Every key is shown with its default, but for the',
    '# certificate files, which have none. Relative paths are taken from this file’s folder',
    '# (credentialsFile and recorder.path from dataDir). No environment overrides: the FSBUS_*',
    '# variables are the bus’s.',
  ];
  render(CentralConfigSchema, defaults, [], lines, false);
  return `${lines.join('\n')}\n`;
}
