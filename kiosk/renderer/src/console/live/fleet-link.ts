// The console's live link to fsbus-central (see central-client.ts). It reads every bus's position, stop state,
// occupancy, visits, door counts and statuses, and the retained alerts; each message is checked
// with the shared schemas before it reaches the fleet.
import {
  AlertsMessage,
  CENTRAL_ALERTS_TOPIC,
  TOPIC_ROOT,
  decodeMessage,
  type Alert,
  type DecodedMessage,
} from '@fsbus/shared';
import type { MqttClient } from '../../mqtt/mqtt-ws.js';
import { connectToCentral } from './central-client.js';

/** What the console reads live: every bus's streams it shows, never a live opinion. */
export const LIVE_TOPICS = [
  `${TOPIC_ROOT}/+/gnss`,
  `${TOPIC_ROOT}/+/stop`,
  `${TOPIC_ROOT}/+/occupancy`,
  `${TOPIC_ROOT}/+/visit`,
  `${TOPIC_ROOT}/+/door`,
  `${TOPIC_ROOT}/+/status/+`,
  CENTRAL_ALERTS_TOPIC,
];

export interface FleetLinkOptions {
  readonly username: string;
  readonly token: string;
  readonly onMessage: (decoded: DecodedMessage) => void;
  readonly onAlerts: (alerts: readonly Alert[]) => void;
  readonly onConnected: (connected: boolean) => void;
  /** Central refused the login (the session ended): the caller checks the session. */
  readonly onRefused: () => void;
}

export class FleetLink {
  readonly #client: MqttClient;
  /** Messages that did not pass the shared schemas (a bug somewhere, not the console's). */
  rejected = 0;

  constructor(options: FleetLinkOptions) {
    this.#client = connectToCentral({
      username: options.username,
      token: options.token,
      purpose: 'console',
      topics: LIVE_TOPICS,
      onRefused: options.onRefused,
    });
    this.#client.on('connect', () => {
      options.onConnected(true);
    });
    this.#client.on('close', () => {
      options.onConnected(false);
    });
    this.#client.on('message', (topic, payload) => {
      try {
        if (topic === CENTRAL_ALERTS_TOPIC) {
          options.onAlerts(AlertsMessage.parse(JSON.parse(payload.toString())).alerts);
        } else {
          options.onMessage(decodeMessage(topic, payload, { localPartners: 'any' }));
        }
      } catch {
        this.rejected += 1;
      }
    });
  }

  close(): void {
    this.#client.end(true);
  }
}
