// The bridge as keeper of the bus's queue: the kiosks' visits and the adviser's cmd/queue
// applied to the queue, its state kept in the outbox in the transaction of the message that
// changed it, and the retained `queue` published once that message is committed. Wired by
// main.ts, which gives it the stop, the time zone, the state and a way to publish.
import { z } from 'zod';
import {
  serviceDate,
  TurnSeries,
  type BodyOf,
  type QueueCommandMessage,
  type VisitMessage,
} from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';
import { emptyQueue, Queue, type Outcome, type QueueSnapshot } from './domain/queue.js';
import { Counts, KeptState, PublishOnChange, type StateStore } from './store/kept-state.js';

export interface QueueKeeperOptions {
  readonly logger: Logger;
  readonly now: () => number;
  /** When a kiosk's message happened on the bridge's clock, from its `ts` (see VisitorSide). */
  readonly timeOf: (ts: string) => number;
  /** The planned stop the bus stands at now, or null (its service times are that stop's). */
  readonly stopId: () => string | null;
  /** Time zone of the service day (the plan's): a new day starts at its midnight. */
  readonly timeZone: () => string;
  /** The outbox's state: a value staged before a message is added is in its transaction. */
  readonly state: StateStore;
  /** Publishes the retained `queue` (on board, and to central). */
  readonly publish: (body: BodyOf<'queue'>) => void;
}

/** The state's key in the outbox. */
const STATE_KEY = 'queue';

const TurnState = z.object({ series: TurnSeries, number: z.int().min(1) });
/** What a snapshot read back from disk must look like (it is the keeper's own JSON). */
const SnapshotSchema = z.object({
  date: z.iso.date(),
  issued: z.int().min(0),
  lastIssued: z.record(TurnSeries, z.int().min(1)),
  waiting: z.array(TurnState.extend({ at: z.number() })),
  serving: TurnState.nullable(),
  called: z.array(TurnState),
  lastCallAt: z.number().nullable(),
  applied: z.array(z.string()),
  samples: z.record(z.string(), z.array(z.number().min(0))),
});

export class QueueKeeper {
  readonly #options: QueueKeeperOptions;
  readonly #kept: KeptState<QueueSnapshot>;
  readonly #queue: Queue;
  readonly #counts = new Counts('queue');
  /** An unchanged queue is not published again. */
  readonly #published: PublishOnChange<BodyOf<'queue'>>;

  constructor(options: QueueKeeperOptions) {
    this.#options = options;
    this.#kept = new KeptState(options.state, STATE_KEY, SnapshotSchema);
    this.#published = new PublishOnChange(options.publish);
    const today = () => emptyQueue(serviceDate(options.now(), options.timeZone()));
    this.#queue = new Queue(
      this.#kept.load(today, (error) => {
        // Not expected; the kiosks' own counts still keep their numbers unique.
        this.#counts.add('state_unreadable');
        options.logger.error(
          { err: error.message },
          'saved queue unreadable: the queue starts empty',
        );
      }),
    );
    this.#newDay();
  }

  /**
   * Applies a visit; call it before handing the visit to the outbox, so that the queue's new
   * state is committed with it. True when the queue changed (publish it once committed).
   */
  visit(visit: VisitMessage): boolean {
    const at = this.#options.timeOf(visit.ts);
    return this.#apply(
      this.#queue.visit({
        id: visit.id,
        turn: visit.turn,
        ...(visit.series === undefined ? {} : { series: visit.series }),
        date: serviceDate(at, this.#options.timeZone()),
        at,
      }),
      { turn: visit.turn, series: visit.series ?? null, source: visit.source },
    );
  }

  /** Applies an adviser's command; as `visit`. */
  command(cmd: QueueCommandMessage): boolean {
    this.#newDay();
    const outcome = this.#queue.command(cmd, this.#options.now(), this.#options.stopId());
    return this.#apply(outcome, { action: cmd.action, turn: cmd.turn ?? null });
  }

  /** Starts a new day when due, and publishes the queue if it changed (its estimate too). */
  tick(): void {
    this.#newDay();
    this.publish();
  }

  /** Publishes the queue if it changed since it was last published, or always when `force`. */
  publish(force = false): void {
    this.#published.publish(this.#queue.view(this.#options.now(), this.#options.stopId()), force);
  }

  metrics(): Record<string, number> {
    return this.#counts.metrics();
  }

  #apply(outcome: Outcome, detail: Record<string, unknown>): boolean {
    this.#counts.add(outcome);
    const log = this.#options.logger;
    if (outcome === 'repeat') return false;
    if (outcome === 'duplicate_turn')
      log.warn(detail, 'a turn number issued twice today: both visitors stay in the queue');
    else if (outcome === 'late') log.info(detail, 'a visit of an earlier day: not in the queue');
    else if (outcome === 'unknown_turn') log.warn(detail, 'queue command for an unknown turn');
    else log.info({ ...detail, outcome }, 'queue');
    this.#stage();
    return outcome !== 'late';
  }

  /** The service day's time zone changed: today's queue goes on under today's date there. */
  zoneChanged(): void {
    const today = serviceDate(this.#options.now(), this.#options.timeZone());
    if (!this.#queue.redate(today)) return;
    this.#options.logger.info({ date: today }, 'queue: the day’s date in the plan’s time zone');
    this.#stage();
  }

  #newDay(): void {
    const today = serviceDate(this.#options.now(), this.#options.timeZone());
    if (!this.#queue.startDay(today)) return;
    this.#options.logger.info({ date: today }, 'queue: a new service day');
    this.#counts.add('days');
    this.#stage();
  }

  #stage(): void {
    this.#kept.stage(this.#queue.snapshot());
  }
}
