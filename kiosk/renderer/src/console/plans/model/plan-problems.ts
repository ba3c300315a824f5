// The schema's problems with a plan, as the console words them (pure): each issue becomes a
// catalogue key and its values, by its code and, for the plan's own rules, by the rule it
// names (`params.rule`), so that a planner reads them in the console's language, never in the
// schema's English.
import type { z } from 'zod';
import type { MessageKey } from '../../i18n/i18n.js';

export interface ProblemText {
  readonly key: MessageKey;
  readonly values?: Readonly<Record<string, string | number>>;
}

/** The plan schema's own rules (shared/src/protocol/journey.ts) and their messages. */
const RULES: Readonly<Record<string, MessageKey>> = {
  departure_after_arrival: 'plans.problem.departureAfterArrival',
  time_zone: 'plans.problem.timeZone',
  duplicate_stop: 'plans.problem.duplicateStop',
  plan_date: 'plans.problem.planDate',
  utc_offset: 'plans.problem.utcOffset',
  time_order: 'plans.problem.timeOrder',
};

/** The fields whose text is an id (the schema's id pattern). */
const IDS = new Set(['planId', 'stopId']);

function ruleText(params: Readonly<Record<string, unknown>> | undefined): ProblemText {
  const { rule, ...named } = params ?? {};
  const key = typeof rule === 'string' ? RULES[rule] : undefined;
  if (key === undefined) return { key: 'plans.problem.invalid' };
  const values = Object.fromEntries(
    Object.entries(named).filter(
      (entry): entry is [string, string | number] =>
        typeof entry[1] === 'string' || typeof entry[1] === 'number',
    ),
  );
  return { key, values };
}

/**
 * One issue of the plan schema as a message of the console's catalogue: about the editor's
 * fields (times as HH:MM), or about a plan file's (times in full, any JSON type).
 */
export function problemText(
  issue: z.core.$ZodIssue,
  about: 'editor' | 'file' = 'editor',
): ProblemText {
  switch (issue.code) {
    case 'custom':
      return ruleText(issue.params);
    case 'invalid_type':
      if (about === 'file') {
        if (issue.expected === 'number') return { key: 'plans.problem.fileNumber' };
        if (issue.expected === 'string') return { key: 'plans.problem.fileText' };
        return { key: 'plans.problem.fileValue' };
      }
      // An empty or unreadable number field is read as NaN, which is not a number here.
      return {
        key: issue.expected === 'number' ? 'plans.problem.number' : 'plans.problem.required',
      };
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'array')
        return { key: 'plans.problem.stopsAtLeast', values: { minimum } };
      if (issue.origin === 'string') return { key: 'plans.problem.required' };
      return { key: 'plans.problem.atLeast', values: { minimum } };
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'array')
        return { key: 'plans.problem.stopsAtMost', values: { maximum } };
      if (issue.origin === 'string') return { key: 'plans.problem.tooLong', values: { maximum } };
      return { key: 'plans.problem.atMost', values: { maximum } };
    }
    case 'invalid_format': {
      if (issue.format === 'date') return { key: 'plans.problem.date' };
      if (issue.format === 'datetime') {
        return { key: about === 'file' ? 'plans.problem.fileTime' : 'plans.problem.time' };
      }
      const field = issue.path.at(-1);
      return { key: IDS.has(String(field)) ? 'plans.problem.id' : 'plans.problem.name' };
    }
    case 'unrecognized_keys':
      return { key: 'plans.problem.unknownFields', values: { fields: issue.keys.join(', ') } };
    case 'invalid_value':
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'not_multiple_of':
      return { key: 'plans.problem.invalid' };
  }
}
