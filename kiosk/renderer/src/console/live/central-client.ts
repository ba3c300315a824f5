// The console's MQTT client to central: over WebSocket on the page's own origin (/mqtt), logged
// in with the session's token, reconnecting every 2 s; it subscribes to `topics` on each
// connect, and says when central refuses the login (the session ended).
import { connectWebSocket, type MqttClient } from '../../mqtt/mqtt-ws.js';

export interface CentralClientOptions {
  readonly username: string;
  readonly token: string;
  /** What the client is for, in its id: `{username}-{purpose}-{random}`. */
  readonly purpose: 'console' | 'plans';
  readonly topics: readonly string[];
  /** Central refused the login (the session ended): the caller checks the session. */
  readonly onRefused: () => void;
}

/** The page's own /mqtt, over wss: when the page came over https:. */
export function mqttUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
}

/** A CONNACK refusal of the credentials (MQTT 3.1.1 return codes 4 and 5). */
export function refusedLogin(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 4 || code === 5;
}

export function connectToCentral(options: CentralClientOptions): MqttClient {
  const random = crypto.getRandomValues(new Uint32Array(2)).join('');
  const client = connectWebSocket(mqttUrl(window.location), {
    username: options.username,
    password: options.token,
    clientId: `${options.username}-${options.purpose}-${random}`,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    // Subscribed again on each connect, below.
    resubscribe: false,
  });
  client.on('connect', () => {
    client.subscribe([...options.topics], { qos: 0 });
  });
  client.on('error', (error) => {
    if (refusedLogin(error)) options.onRefused();
  });
  return client;
}
