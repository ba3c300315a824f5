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

export const WAIT_REASONS = [
  'many_waiting',
  'long_requests',
  'fewer_advisers',
  'adviser_break',
] as const;

/** `queue` (retained): turn numbers issued, now serving, waiting and the expected wait. */
export const QueueMessage = message({
  date: ServiceDate,
  issued: Count.max(9999).meta({
    description: 'Last turn number issued today, 0 before the first.',
  }),
  serving: TurnNumber.nullable().meta({ description: 'Turn number being served now.' }),
  waiting: Count.meta({ description: 'Visitors with a turn number not yet called.' }),
  estimatedWaitS: z
    .int()
    .min(0)
    .max(86_400)
    .nullable()
    .meta({ description: 'Expected wait for a new turn, seconds.' }),
  waitReason: z.enum(WAIT_REASONS).nullable().meta({
    description: 'Why the wait is longer than usual, shown to visitors; null when it is not.',
  }),
}).refine((queue) => queue.serving === null || queue.serving <= queue.issued, {
  error: 'a turn already issued',
  path: ['serving'],
});
export type QueueMessage = z.infer<typeof QueueMessage>;

/** `cmd/queue`: a queue action from the driver / adviser display. */
export const QueueCommandMessage = message({
  action: z.enum(['call_next', 'recall', 'skip', 'reset']).meta({
    description:
      'call_next: serve the next turn; recall: call `turn` again; skip: mark `turn` as absent; reset: start the day over.',
  }),
  turn: TurnNumber.optional().meta({ description: 'Turn concerned, for recall and skip.' }),
}).refine(
  (cmd) => (cmd.action === 'recall' || cmd.action === 'skip') === (cmd.turn !== undefined),
  {
    error: 'turn is required for recall and skip, and only for them',
    path: ['turn'],
  },
);
export type QueueCommandMessage = z.infer<typeof QueueCommandMessage>;

/** `cmd/occupancy`: the driver sets the on-board count to what they see (usually 0). */
export const OccupancyCommandMessage = message({
  action: z.literal('reset'),
  onBoard: Count.max(200).meta({ description: 'People actually on board.' }),
});
export type OccupancyCommandMessage = z.infer<typeof OccupancyCommandMessage>;
