// npm start's planner. With no plan from central, the simulated bus makes its own: the day's
// Monts du Forez tour, which it publishes on board. The planner reads it there and publishes
// the same day from central, as the staff planner would, under its own id. The bus then takes
// central's plan and acknowledges it. Central records both, so the console shows the day
// planned against actual, the plan and its acknowledgement.
//
// It watches the plan central holds for the bus (its retained plan), and publishes a tour only
// when central holds none or a plan of an earlier day. So a plan staff publish from the console
// for that day or a later one is left alone, and a day already sent is not sent again (a
// restart). It copies the bus's own tours only (their ids start with sim-forez-): central's
// plan, which the bus republishes on board, is not sent back.
import mqtt, { type MqttClient } from 'mqtt';
import { centralPlan, PlanMessage, topicFor, withoutEnvelope } from '@fsbus/shared';
import { TOUR_PLAN_PREFIX } from '../../firmware-bridge/src/sources/simulator/tour-plan.js';

const COPY_PREFIX = 'tour-forez-';

/** The id of central's copy of the bus's own tour `planId`. */
export function centralTourId(planId: string): string {
  return `${COPY_PREFIX}${planId.slice(TOUR_PLAN_PREFIX.length)}`;
}

/** How long central has to hold a plan it acknowledged before the planner says it did not. */
const HELD_WITHIN_MS = 5000;
/**
 * How long after its SUBACK central's retained plan may still come (aedes reads it from its
 * store once the SUBACK is sent); none by then: central holds none. plan publish waits as long.
 */
const RETAINED_WITHIN_MS = 2000;

export interface TourPlannerOptions {
  readonly busId: string;
  /** The on-board broker, read anonymously (a simulated bus allows it). */
  readonly busMqttUrl: string;
  /** Central's MQTT, and the planner account that publishes there. */
  readonly centralMqttUrl: string;
  readonly username: string;
  readonly password: string;
  /** A plan central did not take, or trouble with a link other than a server away. */
  readonly onProblem: (problem: string) => void;
  /** A tour central took: its id there and its day. */
  readonly onPublished?: (planId: string, date: string) => void;
  /** A tour not sent: central holds that plan, of that day or a later one. */
  readonly onLeftAside?: (tourId: string, heldId: string) => void;
}

/** A plan payload, or null: empty (a cleared retained plan) or not a plan. */
function planOf(payload: Buffer): PlanMessage | null {
  if (payload.byteLength === 0) return null;
  try {
    const parsed = PlanMessage.safeParse(JSON.parse(payload.toString()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not JSON
  }
}

/** A link's error worth saying: not a server away or restarting, which it retries. */
function worthSaying(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return !['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(String(code));
}

export class TourPlanner {
  readonly #options: TourPlannerOptions;
  readonly #topic: string;
  #bus: MqttClient | null = null;
  #central: MqttClient | null = null;
  /** The plan central holds for the bus: undefined until known (again, after a reconnect). */
  #held: PlanMessage | null | undefined = undefined;
  #heldTimer: NodeJS.Timeout | undefined;
  /** The bus's latest own tour, until it is sent or set aside. */
  #pending: PlanMessage | null = null;
  /** Copies published, until central holds them (with the timer that says it does not). */
  readonly #awaiting = new Map<string, NodeJS.Timeout | undefined>();
  #stopping = false;

  constructor(options: TourPlannerOptions) {
    this.#options = options;
    this.#topic = topicFor('plan', options.busId);
  }

  start(): void {
    const { username, password } = this.#options;
    // Central may be away for a while: it is retried, and a publish made meanwhile goes once
    // it is back.
    const central = mqtt.connect(this.#options.centralMqttUrl, {
      username,
      password,
      clientId: `${username}-npm-start-planner`,
      reconnectPeriod: 1000,
    });
    this.#central = central;
    this.#sayErrors(central, 'central');
    central.on('connect', () => {
      central.subscribe(this.#topic, { qos: 1 }, (error, granted) => {
        // A link lost before the SUBACK subscribes again once it is back.
        if (error) return;
        if (granted?.some((grant) => grant.qos === 128)) {
          this.#say(`planner: central refused to let ${username} read ${this.#topic}`);
          return;
        }
        clearTimeout(this.#heldTimer);
        this.#heldTimer = setTimeout(() => {
          this.#held ??= null;
          this.#readTheBus();
          this.#decide();
        }, RETAINED_WITHIN_MS);
      });
    });
    // What central holds is known again only from its next answer.
    central.on('close', () => {
      clearTimeout(this.#heldTimer);
      this.#held = undefined;
      for (const [planId, timer] of this.#awaiting) {
        clearTimeout(timer);
        this.#awaiting.set(planId, undefined);
      }
    });
    central.on('message', (_topic, payload) => {
      const plan = planOf(payload);
      clearTimeout(this.#heldTimer);
      this.#held = plan;
      this.#readTheBus();
      if (plan !== null && this.#awaiting.has(plan.planId)) {
        clearTimeout(this.#awaiting.get(plan.planId));
        this.#awaiting.delete(plan.planId);
        this.#options.onPublished?.(plan.planId, plan.date);
      }
      this.#decide();
    });
  }

  /** The bus's own tours, read once central's plan is known. */
  #readTheBus(): void {
    if (this.#bus !== null) return;
    const bus = mqtt.connect(this.#options.busMqttUrl, {
      clientId: 'npm-start-planner',
      reconnectPeriod: 1000,
    });
    this.#bus = bus;
    this.#sayErrors(bus, 'on-board broker');
    bus.on('connect', () => {
      bus.subscribe(this.#topic, { qos: 1 }, (error, granted) => {
        if (error === null && granted?.some((grant) => grant.qos === 128)) {
          this.#say(`planner: the on-board broker refused to let it read ${this.#topic}`);
        }
      });
    });
    bus.on('message', (_topic, payload) => {
      const plan = planOf(payload);
      if (plan === null || !plan.planId.startsWith(TOUR_PLAN_PREFIX)) return;
      if (this.#pending === null || plan.date >= this.#pending.date) this.#pending = plan;
      this.#decide();
    });
  }

  /** Sends the pending tour if central holds no plan, or a plan of an earlier day. */
  #decide(): void {
    const tour = this.#pending;
    const held = this.#held;
    if (tour === null || held === undefined || this.#central === null) return;
    const copyId = centralTourId(tour.planId);
    if (this.#awaiting.has(copyId)) return;
    this.#pending = null;
    if (held !== null && held.date >= tour.date) {
      this.#options.onLeftAside?.(tour.planId, held.planId);
      return;
    }
    let message: PlanMessage;
    try {
      message = centralPlan(this.#options.busId, { ...withoutEnvelope(tour), planId: copyId });
    } catch (error) {
      this.#say(`planner: plan ${copyId}: ${(error as Error).message}`);
      return;
    }
    this.#awaiting.set(copyId, undefined);
    this.#central.publishAsync(this.#topic, JSON.stringify(message), { qos: 1, retain: true }).then(
      () => {
        // MQTT 3.1.1 acknowledges a refused publish too: the plan central then holds tells.
        if (!this.#awaiting.has(copyId)) return;
        const unheld = setTimeout(() => {
          this.#awaiting.delete(copyId);
          this.#say(`planner: central did not take plan ${copyId} (is the account a planner?)`);
        }, HELD_WITHIN_MS);
        this.#awaiting.set(copyId, unheld);
      },
      (error: unknown) => {
        this.#awaiting.delete(copyId);
        this.#say(`planner: plan ${copyId}: ${(error as Error).message}`);
      },
    );
  }

  /** A link's errors, said once until it connects again; a server away is not one. */
  #sayErrors(client: MqttClient, name: string): void {
    let said = '';
    client.on('connect', () => {
      said = '';
    });
    client.on('error', (error) => {
      if (!worthSaying(error) || error.message === said) return;
      said = error.message;
      this.#say(`planner: ${name}: ${error.message}`);
    });
  }

  #say(problem: string): void {
    if (!this.#stopping) this.#options.onProblem(problem);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#heldTimer);
    for (const timer of this.#awaiting.values()) clearTimeout(timer);
    this.#awaiting.clear();
    await Promise.all([this.#bus?.endAsync(true), this.#central?.endAsync(true)]);
  }
}
