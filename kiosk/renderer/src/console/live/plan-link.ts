// The plans screen's link to central (see central-client.ts): it hears each
// bus's plan acknowledgements live, and publishes a planner's plan retained with QoS 1, then
// checks that central holds it (MQTT 3.1.1 acknowledges a refused publish too).
import { TOPIC_ROOT, topicFor, type PlanMessage } from '@fsbus/shared';
import type { MqttClient } from '../../mqtt/mqtt-ws.js';
import { connectToCentral } from './central-client.js';

export interface PlanLinkOptions {
  readonly username: string;
  readonly token: string;
  /** A bus acknowledged a plan (or said it ignores it). */
  readonly onAck: (busId: string) => void;
  /** Central refused the login (the session ended): the caller checks the session. */
  readonly onRefused: () => void;
}

/** Why a publish did not take. */
export type PublishRefusal = 'offline' | 'refused';

/** How long central has to show the plan retained, ms. */
const CONFIRM_MS = 5000;

export class PlanLink {
  readonly #client: MqttClient;

  constructor(options: PlanLinkOptions) {
    this.#client = connectToCentral({
      username: options.username,
      token: options.token,
      purpose: 'plans',
      topics: [`${TOPIC_ROOT}/+/plan/ack`],
      onRefused: options.onRefused,
    });
    this.#client.on('message', (topic) => {
      const busId = topic.split('/')[2];
      if (topic.endsWith('/plan/ack') && busId !== undefined) options.onAck(busId);
    });
  }

  /** Publishes the plan; resolves null once central holds it, or why not. */
  async publish(message: PlanMessage): Promise<PublishRefusal | null> {
    if (!this.#client.connected) return 'offline';
    const topic = topicFor('plan', message.busId);
    try {
      await this.#client.publishAsync(topic, JSON.stringify(message), { qos: 1, retain: true });
    } catch {
      return 'offline';
    }
    // The retained plan comes right after the SUBACK: ours, or the one before (refused).
    const held = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        done(false);
      }, CONFIRM_MS);
      const listener = (received: string, payload: Uint8Array) => {
        if (received === topic) done(new TextDecoder().decode(payload).includes(message.id));
      };
      const done = (result: boolean) => {
        clearTimeout(timer);
        this.#client.off('message', listener);
        void this.#client.unsubscribeAsync(topic).catch(() => undefined);
        resolve(result);
      };
      this.#client.on('message', listener);
      this.#client.subscribeAsync(topic, { qos: 1 }).catch(() => {
        done(false);
      });
    });
    return held ? null : 'refused';
  }

  close(): void {
    this.#client.end(true);
  }
}
