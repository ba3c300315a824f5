// A day plan as the console edits it (pure): text fields as typed, made into a plan message
// by the shared schema, whose problems come back keyed by the field they are about, as the
// console's messages. A plan starts empty, from the bus's plan of the day, or from a file (a
// plan or a whole message).
import {
  ENVELOPE_FIELDS,
  PlanMessage,
  ProtocolError,
  centralPlan,
  type BodyOf,
} from '@fsbus/shared';
import { problemText, type ProblemText } from './plan-problems.js';

export interface DraftStop {
  /** The stop's place in the editor (React's key), not part of the plan. */
  readonly key: string;
  readonly stopId: string;
  readonly name: string;
  readonly commune: string;
  readonly lat: string;
  readonly lon: string;
  /** Empty: the bridge's default radius. */
  readonly radiusM: string;
  /** HH:MM, local time on the plan's date. */
  readonly arrival: string;
  readonly departure: string;
}

export interface PlanDraft {
  readonly planId: string;
  readonly date: string;
  readonly timeZone: string;
  /** Empty name: no depot. */
  readonly depot: {
    readonly name: string;
    readonly lat: string;
    readonly lon: string;
    readonly radiusM: string;
  };
  readonly stops: readonly DraftStop[];
}

/** Problems by field path (`planId`, `stops.0.arrival`...), as the console words them. */
export type Problems = Readonly<Record<string, ProblemText>>;

/** A new, empty stop. */
export const emptyStop = (): DraftStop => ({
  key: crypto.randomUUID(),
  stopId: '',
  name: '',
  commune: '',
  lat: '',
  lon: '',
  radiusM: '',
  arrival: '',
  departure: '',
});

const ENVELOPE = new Set(ENVELOPE_FIELDS);

/** A new plan's id: the bus, the day and a version. */
export function newPlanId(busId: string, date: string): string {
  return `${busId}-${date}-v1`;
}

/** An empty plan for a bus and a day, in Europe/Paris. */
export function emptyDraft(busId: string, date: string): PlanDraft {
  return {
    planId: newPlanId(busId, date),
    date,
    timeZone: 'Europe/Paris',
    depot: { name: '', lat: '', lon: '', radiusM: '' },
    stops: [emptyStop()],
  };
}

/** HH:MM of a local time with offset (as plans write them: the wall clock is in the text). */
function wallClock(local: string): string {
  return /T(\d{2}:\d{2})/.exec(local)?.[1] ?? '';
}

/** The id of a plan's next version: `…-v3` after `…-v2`, `…-v2` after an id without one. */
export function nextPlanId(planId: string): string {
  const match = /^(.*)-v(\d+)$/.exec(planId);
  return match ? `${match[1] ?? ''}-v${String(Number(match[2]) + 1)}` : `${planId}-v2`;
}

/** A published plan as a draft; its id moves to the next version. */
export function draftFromPlan(plan: BodyOf<'plan'>): PlanDraft {
  return {
    planId: nextPlanId(plan.planId),
    date: plan.date,
    timeZone: plan.timeZone,
    depot:
      plan.depot === null
        ? { name: '', lat: '', lon: '', radiusM: '' }
        : {
            name: plan.depot.name,
            lat: String(plan.depot.lat),
            lon: String(plan.depot.lon),
            radiusM: String(plan.depot.radiusM),
          },
    stops: plan.stops.map((stop) => ({
      key: crypto.randomUUID(),
      stopId: stop.stopId,
      name: stop.name,
      commune: stop.commune,
      lat: String(stop.lat),
      lon: String(stop.lon),
      radiusM: stop.radiusM === undefined ? '' : String(stop.radiusM),
      arrival: wallClock(stop.arrival),
      departure: wallClock(stop.departure),
    })),
  };
}

/** Why a plan file was not taken: a message of the console, and the field it is about. */
export class PlanFileProblem extends Error {
  override readonly name = 'PlanFileProblem';
  constructor(
    readonly text: ProblemText,
    /** The field's path in the file (`stops.0.arrival`), if the problem is on one. */
    readonly field: string | null = null,
  ) {
    super(field === null ? text.key : `${field}: ${text.key}`);
  }
}

/** A plan's own fields checked by the plan schema alone (the envelope is the console's). */
function parsePlan(busId: string, fields: object) {
  return PlanMessage.safeParse({
    v: 1,
    busId,
    id: '00000000-0000-7000-8000-000000000000',
    seq: 0,
    ts: '2026-01-01T00:00:00.000Z',
    source: 'central',
    ...fields,
  });
}

/** A plan file's text (the plan's fields, or a whole plan message) as a draft. */
export function draftFromFile(text: string, busId: string): PlanDraft {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new PlanFileProblem({ key: 'plans.fileNotJson' });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PlanFileProblem({ key: 'plans.fileNotPlan' });
  }
  const fields = Object.fromEntries(Object.entries(data).filter(([key]) => !ENVELOPE.has(key)));
  const body = parsePlan(busId, fields);
  if (!body.success) {
    const first = body.error.issues[0];
    if (first === undefined) throw new PlanFileProblem({ key: 'plans.problem.invalid' });
    throw new PlanFileProblem(problemText(first, 'file'), first.path.join('.') || null);
  }
  const draft = draftFromPlan(body.data);
  // A file keeps its own id: it is what the planner meant to publish.
  return { ...draft, planId: body.data.planId };
}

/** The UTC offset of a zone at an instant, as +HH:MM. */
function offsetAt(instant: number, timeZone: string): string {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(instant))
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = name.replace('GMT', '');
  return offset === '' ? '+00:00' : offset;
}

const minutesOf = (offset: string) => {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
};

/** `date` at wall clock `hhmm` in `timeZone`, as plans write it (2026-11-23T09:30:00+01:00). */
export function localTime(date: string, hhmm: string, timeZone: string): string {
  const wall = Date.parse(`${date}T${hhmm}:00Z`);
  if (!/^\d{2}:\d{2}$/.test(hhmm) || Number.isNaN(wall)) return `${date}T${hhmm}`;
  let zone: string;
  try {
    // Two passes: the offset of the guessed instant, then of the instant it gives.
    const first = offsetAt(wall, timeZone);
    zone = offsetAt(wall - minutesOf(first) * 60_000, timeZone);
  } catch {
    zone = '+00:00'; // an unknown zone: the schema says so on timeZone
  }
  return `${date}T${hhmm}:00${zone}`;
}

const toNumber = (text: string) =>
  text.trim() === '' ? Number.NaN : Number(text.replace(',', '.'));

/** The plan's own fields from a draft (numbers read, times with their offset). */
export function planBody(draft: PlanDraft): BodyOf<'plan'> {
  const depot = draft.depot.name.trim();
  return {
    planId: draft.planId.trim(),
    date: draft.date,
    timeZone: draft.timeZone.trim(),
    depot:
      depot === ''
        ? null
        : {
            name: depot,
            lat: toNumber(draft.depot.lat),
            lon: toNumber(draft.depot.lon),
            radiusM: toNumber(draft.depot.radiusM),
          },
    stops: draft.stops.map((stop) => ({
      stopId: stop.stopId.trim(),
      name: stop.name.trim(),
      commune: stop.commune.trim(),
      lat: toNumber(stop.lat),
      lon: toNumber(stop.lon),
      ...(stop.radiusM.trim() === '' ? {} : { radiusM: toNumber(stop.radiusM) }),
      arrival: localTime(draft.date, stop.arrival, draft.timeZone.trim()),
      departure: localTime(draft.date, stop.departure, draft.timeZone.trim()),
    })),
  };
}

export type Checked =
  | { readonly ok: true; readonly message: PlanMessage }
  | { readonly ok: false; readonly problems: Problems };

/**
 * The plan message central would publish for `busId` (source central, seq its time in ms, as
 * `fsbus-central plan publish` stamps it), or its problems by field.
 */
export function checkDraft(draft: PlanDraft, busId: string, now = new Date()): Checked {
  const body = planBody(draft);
  try {
    return { ok: true, message: centralPlan(busId, body, now) };
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    // The schema's issues themselves, for their codes and rules, not its English.
    const issues = parsePlan(busId, body).error?.issues ?? [];
    const problems: Record<string, ProblemText> = {};
    for (const issue of issues) {
      const path = issue.path.join('.');
      if (ENVELOPE.has(path)) continue;
      problems[path] ??= problemText(issue);
    }
    // Refused, but not by the plan's fields (its size, say): said on the plan as a whole.
    if (Object.keys(problems).length === 0) problems.plan = { key: 'plans.problem.invalid' };
    return { ok: false, problems };
  }
}
