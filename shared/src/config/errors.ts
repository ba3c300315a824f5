// Config problems, one line each: where (file or env variable), which key, what was expected, what was found.
import type { z } from 'zod';

export interface ConfigProblem {
  /** The config file, `env FSBUS_…`, or `defaults`. */
  readonly source: string;
  /** Dotted key path, e.g. `broker.users.0.role`; `(top)` for the whole file. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

/** A config that cannot be used; carries every problem found, not just the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config_invalid';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.source}: ${problem.path}: expected ${problem.expected}, found ${problem.found}`;
}

/** How a found value is shown: short, and typed. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return typeof value;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping of keys',
  array: 'a list',
  null: 'null',
};

function bound(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, word: string): string {
  const limit = String(issue.code === 'too_big' ? issue.maximum : issue.minimum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'array' || issue.origin === 'set') return `${word} ${limit} item(s)`;
  if (issue.origin === 'string') return `${word} ${limit} character(s)`;
  if (issue.code === 'too_big') return `a value ${inclusive ? '<=' : '<'} ${limit}`;
  return `a value ${inclusive ? '>=' : '>'} ${limit}`;
}

/** What an issue expected, in words. Unknown keys are handled by the caller. */
export function describeExpected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
      return bound(issue, 'at most');
    case 'too_small':
      return bound(issue, 'at least');
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
    case 'custom':
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'unrecognized_keys':
      return issue.message;
  }
}
