// Loads the bus config: YAML file, then FSBUS_* environment overrides, then the schema; reports every problem.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { CentralConfigSchema, type CentralConfig } from './central-schema.js';
import { ConfigSchema, type Config } from './schema.js';
import { ConfigError, describeExpected, describeValue, type ConfigProblem } from './errors.js';
import { envName, keysAt, leaves, takesText } from './introspect.js';

/** Names the config file when no --config is given. */
export const CONFIG_FILE_ENV = 'FSBUS_CONFIG';

export interface LoadConfigOptions {
  /** YAML config file; without one, the config comes from defaults and environment alone. */
  readonly file?: string | undefined;
  /** Environment to read FSBUS_* overrides from (default: none). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder relative paths are resolved against when there is no file (default: process.cwd()). */
  readonly cwd?: string;
}

type Raw = Record<string, unknown>;

const ENV_KEYS = new Map(leaves(ConfigSchema).map((leaf) => [envName(leaf.path), leaf]));

function isMapping(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFile(file: string): Raw {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError([
      { source: file, path: '(file)', expected: 'a readable YAML file', found: code },
    ]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const at = error.linePos?.[0];
        return {
          source: at ? `${file}:${at.line}:${at.col}` : file,
          path: '(yaml)',
          expected: 'valid YAML',
          found: (error.message.split('\n')[0] ?? error.code).replace(
            / at line \d+, column \d+:?$/,
            '',
          ),
        };
      }),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return {};
  if (!isMapping(data)) {
    throw new ConfigError([
      { source: file, path: '(top)', expected: 'a mapping of keys', found: describeValue(data) },
    ]);
  }
  return data;
}

function setAt(target: Raw, keys: readonly string[], value: unknown): void {
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    const next = node[key];
    if (!isMapping(next)) node[key] = {};
    node = node[key] as Raw;
  });
  node[keys[keys.length - 1] ?? ''] = value;
}

function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
  let node = data;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Applies FSBUS_* variables onto the raw config; returns which key path each one set. */
function applyEnv(
  raw: Raw,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
): Map<string, string> {
  const applied = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('FSBUS_') || name === CONFIG_FILE_ENV || value === undefined) continue;
    const leaf = ENV_KEYS.get(name);
    if (!leaf) {
      problems.push({
        source: `env ${name}`,
        path: '(env)',
        expected: 'FSBUS_CONFIG or a variable naming a config key, e.g. FSBUS_BROKER__TCP_PORT',
        found: 'an unknown variable',
      });
      continue;
    }
    let parsed: unknown = value;
    if (!takesText(leaf.schema) || value === 'null') {
      try {
        parsed = parseYaml(value);
      } catch {
        problems.push({
          source: `env ${name}`,
          path: leaf.path.join('.'),
          expected: 'a YAML value',
          found: describeValue(value),
        });
        continue;
      }
    }
    setAt(raw, leaf.path, parsed);
    applied.set(leaf.path.join('.'), name);
  }
  return applied;
}

function problemsOf(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  raw: Raw,
  fileSource: string,
  applied: Map<string, string>,
): ConfigProblem[] {
  const sourceOf = (keys: readonly PropertyKey[]): string => {
    for (let n = keys.length; n > 0; n--) {
      const env = applied.get(keys.slice(0, n).join('.'));
      if (env) return `env ${env}`;
    }
    return fileSource;
  };
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path);
      return issue.keys.map((key) => ({
        source: sourceOf(issue.path),
        path: [...issue.path, key].join('.'),
        expected: `a known key (${known.join(', ')})`,
        found: 'an unknown key',
      }));
    }
    return [
      {
        source: sourceOf(issue.path),
        path: issue.path.length === 0 ? '(top)' : issue.path.join('.'),
        expected: describeExpected(issue),
        found: describeValue('input' in issue ? issue.input : valueAt(raw, issue.path)),
      },
    ];
  });
}

/** Resolves config paths against a folder; null stays null (a file not configured). */
function resolver(base: string) {
  const resolve = (p: string) => path.resolve(base, p);
  return { resolve, resolveOrNull: (p: string | null) => (p === null ? null : resolve(p)) };
}

function resolvePaths(config: Config, base: string): Config {
  const { resolve, resolveOrNull } = resolver(base);
  const dataDir = resolve(config.dataDir);
  return {
    ...config,
    dataDir,
    gnss: {
      ...config.gnss,
      serial: { ...config.gnss.serial, path: resolve(config.gnss.serial.path) },
      replay: { ...config.gnss.replay, file: resolveOrNull(config.gnss.replay.file) },
    },
    stops: { ...config.stops, planFile: resolveOrNull(config.stops.planFile) },
    bridge: { ...config.bridge, passwordFile: resolveOrNull(config.bridge.passwordFile) },
    counter: { ...config.counter, path: resolve(config.counter.path) },
    broker: {
      ...config.broker,
      tls: {
        ...config.broker.tls,
        certFile: resolveOrNull(config.broker.tls.certFile),
        keyFile: resolveOrNull(config.broker.tls.keyFile),
      },
    },
    central: {
      ...config.central,
      caFile: resolveOrNull(config.central.caFile),
      passwordFile: resolveOrNull(config.central.passwordFile),
    },
    outbox: { ...config.outbox, path: path.resolve(dataDir, config.outbox.path) },
    kiosk: { ...config.kiosk, passwordFile: resolveOrNull(config.kiosk.passwordFile) },
    driver: { ...config.driver, passwordFile: resolveOrNull(config.driver.passwordFile) },
  };
}

/**
 * Loads and validates the bus config. Relative paths are resolved against the config file's
 * folder (outbox.path against dataDir). Throws ConfigError listing every problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  return loadWith(ConfigSchema, options, true, resolvePaths);
}

/**
 * Loads and validates the central config (no environment overrides: the FSBUS_* variables are
 * the bus's). Relative paths are resolved against the config file's folder, the credentials
 * file and the recorder's database against dataDir. Throws ConfigError listing every problem.
 */
export function loadCentralConfig(options: Omit<LoadConfigOptions, 'env'> = {}): CentralConfig {
  return loadWith(CentralConfigSchema, options, false, (config, base) => {
    const { resolve, resolveOrNull } = resolver(base);
    const dataDir = resolve(config.dataDir);
    return {
      ...config,
      dataDir,
      credentialsFile: path.resolve(dataDir, config.credentialsFile),
      mqtt: {
        ...config.mqtt,
        tls: {
          certFile: resolveOrNull(config.mqtt.tls.certFile),
          keyFile: resolveOrNull(config.mqtt.tls.keyFile),
        },
      },
      recorder: {
        ...config.recorder,
        path: path.resolve(dataDir, config.recorder.path),
        postgres: {
          ...config.recorder.postgres,
          passwordFile: resolveOrNull(config.recorder.postgres.passwordFile),
        },
      },
      cluster: {
        ...config.cluster,
        redisPasswordFile: resolveOrNull(config.cluster.redisPasswordFile),
      },
    };
  });
}

function loadWith<Schema extends z.ZodType>(
  schema: Schema,
  options: LoadConfigOptions,
  useEnv: boolean,
  resolve: (config: z.output<Schema>, base: string) => z.output<Schema>,
): z.output<Schema> {
  const file =
    options.file === undefined
      ? undefined
      : path.resolve(options.cwd ?? process.cwd(), options.file);
  const raw = file === undefined ? {} : readFile(file);
  const problems: ConfigProblem[] = [];
  const applied = useEnv ? applyEnv(raw, options.env ?? {}, problems) : new Map<string, string>();
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success)
    problems.push(...problemsOf(schema, result.error.issues, raw, file ?? 'defaults', applied));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return resolve(
    result.data,
    file === undefined ? (options.cwd ?? process.cwd()) : path.dirname(file),
  );
}
