// The bridge as keeper of the day plan: which plan it follows (a plan file's rules; otherwise
// the last one central or the on-board broker offered), and what central's plan gets back (a
// republication on board for the screens, and one plan/ack per plan). Wired by main.ts, which
// gives it what follows a new plan.
import {
  decodeMessage,
  ProtocolError,
  withoutEnvelope,
  type BodyOf,
  type PlanMessage,
} from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';

export interface PlanKeeperOptions {
  readonly logger: Logger;
  /** The plan of stops.planFile, which rules when set. */
  readonly filePlan: PlanMessage | null;
  readonly count: (name: string) => void;
  /** The plan followed changed: the stop tracker, the stop state and the service day follow. */
  readonly onPlan: (plan: PlanMessage | null) => void;
  /** Republishes central's plan on board, retained, for the screens. */
  readonly publishOnBoard: (body: BodyOf<'plan'>) => void;
  /** Sends a plan/ack (on board and to central). */
  readonly acknowledge: (body: BodyOf<'plan/ack'>) => void;
}

export type Offer = 'held' | 'ignored' | 'taken';

export class PlanKeeper {
  readonly #options: PlanKeeperOptions;
  #plan: PlanMessage | null = null;
  /** A refused plan is logged, and acknowledged, once. */
  #warnedPlanId: string | null = null;
  #ignoredPlanId: string | null = null;

  constructor(options: PlanKeeperOptions) {
    this.#options = options;
  }

  /** The plan followed, or null. */
  get current(): PlanMessage | null {
    return this.#plan;
  }

  /** Follows `next` (the plan file's, the one saved on disk, or one offered). */
  set(next: PlanMessage | null, why: string): void {
    this.#plan = next;
    this.#options.logger.info(
      { planId: next?.planId ?? null, date: next?.date ?? null, why },
      'day plan set',
    );
    this.#options.onPlan(next);
  }

  /**
   * A plan offered by central or on the on-board broker: `held` (the one followed already, or
   * our own republished), `ignored` (a plan file rules; logged once per plan) or `taken`.
   */
  offer(next: PlanMessage, from: 'central' | 'broker'): Offer {
    if (next.planId === this.#plan?.planId && next.date === this.#plan.date) return 'held';
    if (this.#options.filePlan !== null) {
      if (this.#warnedPlanId !== next.planId) {
        this.#warnedPlanId = next.planId;
        this.#options.logger.warn(
          { planId: next.planId, from },
          'plan ignored: stops.planFile is set',
        );
      }
      return 'ignored';
    }
    this.set(next, `from ${from}`);
    return 'taken';
  }

  /** A plan central sent on this bus's lane: offered, republished on board, acknowledged once. */
  takeFromCentral(topic: string, payload: Buffer): void {
    if (payload.byteLength === 0) return; // a cleared retained plan
    const { count, logger } = this.#options;
    let next: PlanMessage;
    try {
      const decoded = decodeMessage(topic, payload);
      if (decoded.stream !== 'plan') return;
      next = decoded.message as PlanMessage;
    } catch (error) {
      const code = error instanceof ProtocolError ? error.code : 'handler_error';
      count(`central_plan_rejected_${code}`);
      logger.warn({ topic, code, err: (error as Error).message }, 'plan from central refused');
      return;
    }
    // A plan held already was acknowledged when it came (the ack is an event, never dropped).
    const ack = { planId: next.planId, date: next.date };
    switch (this.offer(next, 'central')) {
      case 'held':
        return;
      case 'ignored':
        if (this.#ignoredPlanId === next.planId) return;
        this.#ignoredPlanId = next.planId;
        this.#options.acknowledge({ ...ack, outcome: 'ignored', reason: 'plan_file' });
        return;
      case 'taken':
        count('central_plans');
        this.#options.publishOnBoard(withoutEnvelope(next));
        this.#options.acknowledge({ ...ack, outcome: 'accepted', reason: null });
    }
  }

  /** The plan followed, to publish it again as this bridge (each (re)connection). */
  republish(): void {
    if (this.#plan !== null) this.#options.publishOnBoard(withoutEnvelope(this.#plan));
  }
}
