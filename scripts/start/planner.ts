// npm start's planner. With no plan from central, the simulated bus makes its own: the day's
// Monts du Forez tour, which it publishes on board. The planner reads it there and publishes
// the same day from central, as the staff planner would, under its own id. The bus then takes
// central's plan and acknowledges it. Central records both, so the console shows the day
// planned against actual, the plan and its acknowledgement. It copies the bus's own tours
// only (their ids start with sim-forez-), so central's plan that the bus republishes on board
// is not sent back.
import mqtt, { type MqttClient } from 'mqtt';
import { centralPlan, PlanMessage, topicFor, withoutEnvelope, type BodyOf } from '@fsbus/shared';
import { TOUR_PLAN_PREFIX } from '../../firmware-bridge/src/sources/simulator/tour-plan.js';

/** The id of central's copy of the bus's own tour `planId`. */
export function centralTourId(planId: string): string {
  return `tour-forez-${planId.slice(TOUR_PLAN_PREFIX.length)}`;
}

export interface TourPlannerOptions {
  readonly busId: string;
  /** The on-board broker, read anonymously (a simulated bus allows it). */
  readonly busMqttUrl: string;
  /** Central's MQTT, and the planner account that publishes there. */
  readonly centralMqttUrl: string;
  readonly username: string;
  readonly password: string;
  /** A plan central could not be sent, or a link error (npm start prints it). */
  readonly onProblem: (problem: string) => void;
}

export class TourPlanner {
  readonly #options: TourPlannerOptions;
  #bus: MqttClient | null = null;
  #central: MqttClient | null = null;
  /** The bus's tours already sent to central, by plan id. */
  readonly #sent = new Set<string>();

  constructor(options: TourPlannerOptions) {
    this.#options = options;
  }

  start(): void {
    const { busId, username, password, onProblem } = this.#options;
    // Central may be away for a while: a publish made meanwhile goes once it is back.
    this.#central = mqtt.connect(this.#options.centralMqttUrl, {
      username,
      password,
      clientId: `${username}-npm-start-planner`,
      reconnectPeriod: 1000,
    });
    // Said once per kind of trouble: central restarting is refused at every retry.
    let said = '';
    this.#central.on('error', (error) => {
      if (error.message === said) return;
      said = error.message;
      onProblem(`planner: central: ${error.message}`);
    });
    const topic = topicFor('plan', busId);
    this.#bus = mqtt.connect(this.#options.busMqttUrl, {
      clientId: 'npm-start-planner',
      reconnectPeriod: 1000,
    });
    this.#bus.on('connect', () => {
      this.#bus?.subscribe(topic, { qos: 1 });
    });
    this.#bus.on('message', (_topic, payload) => {
      if (payload.byteLength === 0) return;
      let json: unknown;
      try {
        json = JSON.parse(payload.toString());
      } catch {
        return; // the bridge publishes plans through the schema; this was not one
      }
      const parsed = PlanMessage.safeParse(json);
      if (!parsed.success || !parsed.data.planId.startsWith(TOUR_PLAN_PREFIX)) return;
      this.#send(parsed.data);
    });
  }

  #send(tour: PlanMessage): void {
    if (this.#sent.has(tour.planId) || this.#central === null) return;
    this.#sent.add(tour.planId);
    const plan: BodyOf<'plan'> = { ...withoutEnvelope(tour), planId: centralTourId(tour.planId) };
    const message = centralPlan(this.#options.busId, plan);
    this.#central
      .publishAsync(topicFor('plan', this.#options.busId), JSON.stringify(message), {
        qos: 1,
        retain: true,
      })
      .catch((error: unknown) => {
        this.#sent.delete(tour.planId);
        this.#options.onProblem(`planner: plan ${plan.planId}: ${(error as Error).message}`);
      });
  }

  async stop(): Promise<void> {
    await Promise.all([this.#bus?.endAsync(true), this.#central?.endAsync(true)]);
  }
}
