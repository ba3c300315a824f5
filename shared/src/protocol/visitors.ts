// What the kiosk and the driver say about visitors: check-ins, opinions, the queue, and commands.
// Privacy by design: no field here can hold a name, free text or a visitor's device id.
import { z } from 'zod';
import { StopId } from '../ids.js';
import { Language } from '../catalogue/languages.js';
import { LOCAL_PARTNERS_MAX, NATIONAL_PARTNERS, PartnerCode } from '../catalogue/partners.js';
import { OPINION_REASONS, ReasonCode } from '../catalogue/reasons.js';
import { anonymousEnvelopeShape, message } from './envelope.js';
import { Count, ServiceDate } from './primitives.js';

const TurnNumber = z
  .int()
  .min(1)
  .max(9999)
  .meta({ description: 'Turn number of the day, from 1.' });

/**
 * The letter of the kiosk that issued a turn, as ticket dispensers print it (`A 12`): kiosk-1
 * issues A, kiosk-2 B... Each kiosk counts its own, so two never hand out the same turn, even
 * while the bridge is down. Messages from before series were all A.
 */
export const TurnSeries = z
  .string()
  .regex(/^[A-Z]$/, { error: 'one capital letter A-Z' })
  .meta({ description: 'Letter of the kiosk that issued the turn (kiosk-1: A, kiosk-2: B...).' });
export type TurnSeries = z.infer<typeof TurnSeries>;

/** The series of a turn when a message has none (from before series): A. */
export const DEFAULT_SERIES: TurnSeries = 'A';

/** The series letter of a kiosk instance (`kiosk-1` -> A), null for a name without a number. */
export function kioskSeries(source: string): TurnSeries | null {
  const n = /^kiosk-(\d+)$/.exec(source)?.[1];
  if (n === undefined) return null;
  const index = Number(n) - 1;
  return index >= 0 && index < 26 ? String.fromCharCode(65 + index) : null;
}

const Turn = z.strictObject({ series: TurnSeries, number: TurnNumber });

function uniqueList<T extends z.ZodType>(item: T, max: number, min: number) {
  return z
    .array(item)
    .min(min)
    .max(max)
    .refine((list) => new Set(list).size === list.length, { error: 'each code at most once' })
    .meta({ uniqueItems: true });
}

/** `visit`: one check-in at the kiosk. */
export const VisitMessage = message({
  stopId: StopId.nullable().meta({
    description: 'Planned stop of the check-in, null if off plan.',
  }),
  partners: uniqueList(PartnerCode, NATIONAL_PARTNERS.length + LOCAL_PARTNERS_MAX, 1).meta({
    description: 'What the visitor came for, one or more.',
  }),
  firstVisit: z
    .boolean()
    .optional()
    .meta({ description: 'Answer to "first visit?", absent when skipped.' }),
  language: Language,
  turn: TurnNumber,
  series: TurnSeries.optional().meta({
    description: 'Series of `turn`, the kiosk’s letter; absent in messages from before series: A.',
  }),
});
export type VisitMessage = z.infer<typeof VisitMessage>;

/** `opinion`: one anonymous satisfaction answer; nothing links it to a visit. */
export const OpinionMessage = message({
  ...anonymousEnvelopeShape,
  stopId: StopId.nullable(),
  rating: z
    .int()
    .min(1)
    .max(4)
    .meta({ description: '1 = very unhappy ... 4 = very happy (no neutral middle).' }),
  reasons: uniqueList(ReasonCode, OPINION_REASONS.length, 0)
    .optional()
    .meta({ description: 'Predefined reasons ticked, if any.' }),
  partner: PartnerCode.optional().meta({
    description: 'What the opinion is about, if the visitor said.',
  }),
});
export type OpinionMessage = z.infer<typeof OpinionMessage>;

/** At most this many stops are listed in `attendance` (a day plan has a handful). */
export const ATTENDANCE_STOPS_MAX = 100;

const Tally = z.strictObject({
  visits: Count.meta({ description: 'Visits (check-ins) taken by the kiosks.' }),
  opinions: Count.meta({ description: 'Opinions given at the kiosks.' }),
});

/**
 * `attendance` (retained, on board only): visits and opinions of the service day, in all and per
 * planned stop, kept by the bridge from the kiosks' messages for the driver display. Counts
 * only: no rating, so the adviser cannot read how the person who just pressed a face felt.
 */
export const AttendanceMessage = message({
  date: ServiceDate.meta({ description: 'The service day these counts belong to.' }),
  today: Tally.meta({ description: 'The whole service day, at planned stops or not.' }),
  stops: z
    .array(Tally.extend({ stopId: StopId }))
    .max(ATTENDANCE_STOPS_MAX)
    .meta({
      description:
        'Per planned stop of the day, in the order of its first visit or opinion; those away from a planned stop count in `today` only.',
    }),
});
export type AttendanceMessage = z.infer<typeof AttendanceMessage>;

/** At most this many waiting turns are listed in `queue`. */
export const QUEUE_LIST_MAX = 500;

export const WAIT_REASONS = [
  'many_waiting',
  'long_requests',
  'fewer_advisers',
  'adviser_break',
] as const;

/** `queue` (retained): turns issued, now serving, waiting and the expected wait. */
export const QueueMessage = message({
  date: ServiceDate.meta({ description: 'The service day these turns belong to.' }),
  issued: Count.meta({
    description:
      'Turns issued today by all kiosks, 0 before the first (with one kiosk, its last number).',
  }),
  serving: TurnNumber.nullable().meta({ description: 'Turn number being served now.' }),
  servingSeries: TurnSeries.nullable().optional().meta({ description: 'Series of `serving`.' }),
  waiting: Count.meta({ description: 'Visitors with a turn number not yet called.' }),
  waitingTurns: z
    .array(Turn)
    .max(QUEUE_LIST_MAX)
    .optional()
    .meta({
      description: `The turns not yet called, in the order they will be (the first ${String(QUEUE_LIST_MAX)}).`,
    }),
  lastIssued: z.record(TurnSeries, TurnNumber).optional().meta({
    description:
      'Last number issued today per series: a kiosk that lost its own count goes on after it.',
  }),
  serviceS: z.int().min(0).max(86_400).nullable().optional().meta({
    description:
      'Median time between the last calls at this stop, seconds; null before there are any.',
  }),
  estimatedWaitS: z
    .int()
    .min(0)
    .max(86_400)
    .nullable()
    .meta({ description: 'Expected wait for a new turn, seconds; null when unknown.' }),
  waitReason: z.enum(WAIT_REASONS).nullable().meta({
    description: 'Why the wait is longer than usual, shown to visitors; null when it is not.',
  }),
}).refine(
  (queue) =>
    queue.serving === null ||
    queue.serving <=
      (queue.lastIssued !== undefined && queue.servingSeries != null
        ? (queue.lastIssued[queue.servingSeries] ?? 0)
        : queue.issued),
  { error: 'a turn already issued', path: ['serving'] },
);
export type QueueMessage = z.infer<typeof QueueMessage>;

/** `cmd/queue`: a queue action from the driver / adviser display. */
export const QueueCommandMessage = message({
  action: z.enum(['call_next', 'recall', 'skip', 'reset']).meta({
    description:
      'call_next: serve the next turn; recall: call `turn` again; skip: mark `turn` as absent; reset: start the day over.',
  }),
  turn: TurnNumber.optional().meta({ description: 'Turn concerned, for recall and skip.' }),
  series: TurnSeries.optional().meta({
    description: 'Series of `turn`; absent: A (messages from before series).',
  }),
})
  .refine(
    (cmd) => (cmd.action === 'recall' || cmd.action === 'skip') === (cmd.turn !== undefined),
    {
      error: 'turn is required for recall and skip, and only for them',
      path: ['turn'],
    },
  )
  .refine((cmd) => cmd.series === undefined || cmd.turn !== undefined, {
    error: 'series only with a turn',
    path: ['series'],
  });
export type QueueCommandMessage = z.infer<typeof QueueCommandMessage>;

/** `cmd/occupancy`: the driver sets the on-board count to what they see (usually 0). */
export const OccupancyCommandMessage = message({
  action: z.literal('reset'),
  onBoard: Count.max(200).meta({ description: 'People actually on board.' }),
});
export type OccupancyCommandMessage = z.infer<typeof OccupancyCommandMessage>;
