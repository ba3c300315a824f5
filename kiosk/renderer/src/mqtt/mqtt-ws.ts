// mqtt.js with only what a browser page needs: its client and its WebSocket transport, built
// from mqtt's own modules. The package's prebuilt browser bundle carries every transport
// (TCP, TLS, SOCKS, WeChat, Alipay) and its own copy of the Node polyfills: about 100 KB gzip,
// where this build needs about 65 (see npm run bench -- kiosk).
import './node-globals.js';
import * as clientModule from 'mqtt/lib/client';
import type { IClientOptions, default as MqttClientClass } from 'mqtt/lib/client';
import { browserStreamBuilder } from 'mqtt/lib/connect/ws';

export type MqttClient = MqttClientClass;

// mqtt's modules are CommonJS compiled from TypeScript (exports.default = MqttClient); the
// bundler, with Node's interop for this "type": "module" package, hands the whole exports
// object as the default import.
const exported = clientModule.default as unknown as
  typeof MqttClientClass | { default: typeof MqttClientClass };
const MqttClientCtor = 'default' in exported ? exported.default : exported;

/** Connects to a ws:// or wss:// broker URL, as mqtt.connect does for those two schemes. */
export function connectWebSocket(brokerUrl: string, options: IClientOptions): MqttClient {
  const url = new URL(brokerUrl);
  const protocol = url.protocol.replace(/:$/, '');
  if (protocol !== 'ws' && protocol !== 'wss') {
    throw new Error(`broker URL ${brokerUrl}: a kiosk connects over ws:// or wss:// only`);
  }
  const opts: IClientOptions = {
    ...options,
    protocol,
    hostname: url.hostname,
    port: url.port === '' ? (protocol === 'wss' ? 443 : 80) : Number(url.port),
    path: `${url.pathname}${url.search}`,
    // Plain timers: the kiosk page is always in the foreground, and a worker would need a
    // blob: script the kiosk's CSP refuses.
    timerVariant: 'native',
  };
  const client = new MqttClientCtor((c) => browserStreamBuilder(c, opts), opts);
  // As mqtt.connect: errors also reach 'error' listeners the caller adds; none is fatal here.
  client.on('error', () => {});
  return client;
}
