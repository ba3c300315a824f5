// The console's live link: MQTT over WebSocket to fsbus-central on the page's own origin
// (/mqtt), logged in with the session's token. It reads every bus's position, stop state,
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
import { connectWebSocket, type MqttClient } from '../../mqtt/mqtt-ws.js';

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

/** A CONNACK refusal of the credentials (MQTT 3.1.1 return codes 4 and 5). */
export function refusedLogin(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 4 || code === 5;
}

/** The page's own /mqtt, over wss: when the page came over https:. */
export function mqttUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
}

export class FleetLink {
  readonly #client: MqttClient;
  /** Messages that did not pass the shared schemas (a bug somewhere, not the console's). */
  rejected = 0;

  constructor(options: FleetLinkOptions) {
    const random = crypto.getRandomValues(new Uint32Array(2)).join('');
    this.#client = connectWebSocket(mqttUrl(window.location), {
      username: options.username,
      password: options.token,
      clientId: `${options.username}-console-${random}`,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      // Subscribed again on each connect, below.
      resubscribe: false,
    });
    this.#client.on('connect', () => {
      options.onConnected(true);
      this.#client.subscribe(LIVE_TOPICS, { qos: 0 });
    });
    this.#client.on('close', () => {
      options.onConnected(false);
    });
    this.#client.on('error', (error) => {
      if (refusedLogin(error)) options.onRefused();
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
