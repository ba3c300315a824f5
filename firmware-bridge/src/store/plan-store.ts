// Keeps the last day plan and the stop tracker's snapshot in one JSON file, replaced atomically,
// so that a restart (or a power cut) mid-day resumes where the bus was.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ProtocolError, validatePayload, type PlanMessage } from '@fsbus/shared';
import type { TrackerSnapshot } from '../domain/stop-tracker.js';
import { replaceFile } from './state-file.js';

export const PLAN_STORE_FILE = 'plan-state.json';
const FORMAT_VERSION = 1;

/** What the store keeps: either part may be absent. */
export interface StoredPlan {
  readonly plan: PlanMessage | null;
  readonly snapshot: TrackerSnapshot | null;
}

export const EMPTY_STORED_PLAN: StoredPlan = Object.freeze({ plan: null, snapshot: null });

export type PlanStoreErrorCode =
  'unreadable' | 'bad_json' | 'bad_format' | 'invalid_plan' | 'invalid_snapshot' | 'write_failed';

/** A stored file that cannot be used, or a write that failed. `code` is stable, for counters. */
export class PlanStoreError extends Error {
  override readonly name = 'PlanStoreError';
  constructor(
    readonly code: PlanStoreErrorCode,
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** The result of a load: what can be used, and why the rest could not (null when all is well). */
export interface PlanStoreLoad {
  readonly stored: StoredPlan;
  readonly error: PlanStoreError | null;
}

/** One JSON file under `dir`; writes are queued so that they never interleave. */
export class PlanStore {
  readonly file: string;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(options: { readonly dir: string }) {
    this.file = path.join(options.dir, PLAN_STORE_FILE);
  }

  /**
   * Reads the file back. No file is no plan, without error. A file that cannot be read or
   * parsed, or whose plan breaks the PlanMessage schema, gives nothing and the error; a valid
   * plan with an invalid snapshot gives the plan alone (the day restarts from it) and the error.
   */
  async load(): Promise<PlanStoreLoad> {
    const fail = (code: PlanStoreErrorCode, message: string, cause?: unknown): PlanStoreLoad => ({
      stored: EMPTY_STORED_PLAN,
      error: new PlanStoreError(code, this.file, message, { cause }),
    });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { stored: EMPTY_STORED_PLAN, error: null };
      }
      return fail('unreadable', `cannot be read (${(error as Error).message})`, error);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return fail('bad_json', `not JSON (${(error as Error).message})`, error);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      return fail('bad_format', 'expected an object { version, plan, snapshot }');
    }
    const { version, plan, snapshot } = data as Record<string, unknown>;
    if (version !== FORMAT_VERSION) {
      return fail('bad_format', `version: expected ${FORMAT_VERSION}, found ${String(version)}`);
    }
    let validPlan: PlanMessage | null = null;
    if (plan !== null) {
      try {
        validPlan = validatePayload('plan', plan);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        const where = error.problems.map((p) => `plan.${p.path}: ${p.message}`).join('; ');
        return fail('invalid_plan', `invalid plan: ${where || error.message}`, error);
      }
    }
    const problems = snapshot === null ? [] : snapshotProblems(snapshot);
    if (problems.length > 0) {
      return {
        stored: { plan: validPlan, snapshot: null },
        error: new PlanStoreError(
          'invalid_snapshot',
          this.file,
          `invalid tracker snapshot, dropped: ${problems.join('; ')}`,
        ),
      };
    }
    return {
      stored: { plan: validPlan, snapshot: snapshot as TrackerSnapshot | null },
      error: null,
    };
  }

  /**
   * Replaces the file: write a temporary file, fsync it, rename it over the old one, fsync the
   * directory. A power cut at any point leaves the old file or the new one, never half of one.
   * Rejects with PlanStoreError('write_failed').
   */
  save(stored: StoredPlan): Promise<void> {
    const text = `${JSON.stringify({ version: FORMAT_VERSION, ...stored }, null, 2)}\n`;
    const write = this.#writes.then(() => this.#replace(text));
    this.#writes = write.catch(() => undefined);
    return write;
  }

  async #replace(text: string): Promise<void> {
    try {
      await replaceFile(this.file, text);
    } catch (error) {
      throw new PlanStoreError('write_failed', this.file, (error as Error).message, {
        cause: error,
      });
    }
  }
}

/** Problems with the shape of a TrackerSnapshot read back, as `snapshot.path: expected` lines. */
function snapshotProblems(value: unknown): string[] {
  const problems: string[] = [];
  const check = (holds: boolean, where: string, expected: string) => {
    if (!holds) problems.push(`snapshot${where}: ${expected}`);
    return holds;
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!check(isObject(value), '', 'an object')) return problems;
  const { date, planId, visits, lastDeparture, offPlan } = value as Record<string, unknown>;
  const isDate = typeof date === 'string' && /^\d{4}-\d\d-\d\d$/.test(date);
  check(date === null || isDate, '.date', 'null or YYYY-MM-DD');
  check(planId === null || typeof planId === 'string', '.planId', 'null or a string');
  if (check(Array.isArray(visits), '.visits', 'an array')) {
    const seen = new Set<unknown>();
    let open = 0;
    (visits as unknown[]).forEach((v, i) => {
      if (!check(isObject(v), `.visits.${i}`, 'an object') || !isObject(v)) return;
      const fresh = typeof v.stopId === 'string' && !seen.has(v.stopId);
      check(fresh, `.visits.${i}.stopId`, 'a stop id, once');
      seen.add(v.stopId);
      check(isTime(v.arrivedAt), `.visits.${i}.arrivedAt`, 'ms since 1970');
      const departed = v.departedAt;
      const ordered = isTime(departed) && isTime(v.arrivedAt) && departed >= v.arrivedAt;
      check(departed === null || ordered, `.visits.${i}.departedAt`, 'null or after arrivedAt');
      if (departed === null) open += 1;
    });
    check(open <= 1, '.visits', 'at most one visit without departure');
  }
  const departure =
    isObject(lastDeparture) &&
    typeof lastDeparture.stopId === 'string' &&
    isTime(lastDeparture.detectedAt);
  check(lastDeparture === null || departure, '.lastDeparture', 'null or { stopId, detectedAt }');
  const place =
    isObject(offPlan) &&
    typeof offPlan.lat === 'number' &&
    Math.abs(offPlan.lat) <= 90 &&
    typeof offPlan.lon === 'number' &&
    Math.abs(offPlan.lon) <= 180 &&
    isTime(offPlan.since);
  check(offPlan === null || place, '.offPlan', 'null or { lat, lon, since }');
  return problems;
}
