// Publish -> subscribe throughput through fsbus-broker (login, ACL, rate limit and schema checks
// on) against bare aedes (no hooks) and, when installed, Debian's mosquitto, in the same run; then
// the QoS 1 round trip of a stock client on each, and on fsbus-broker during a QoS 0 flood.
// Each broker runs in a child process of its own, so its RSS can be read, idle and under load.
import { ConfigSchema, EXAMPLES, topicFor } from '@fsbus/shared';
import mqtt from 'mqtt';
import {
  build,
  killAll,
  median,
  peakRss,
  pinLoad,
  rssMiB,
  startBrokers,
  startFsbusBroker,
  startMosquitto,
  type Broker,
  type Credentials,
} from './brokers.js';
import { connectRaw } from './raw-client.js';
import { ROUND_TRIPS, measureRoundTrips, measureUnderFlood } from './round-trip.js';

const MESSAGES = { 0: 40_000, 1: 40_000 } as const;
const ROUNDS = 9;
const MESSAGES_MQTTJS = 10_000;

/** Messages per second from first publish to last delivery, and the broker's peak RSS meanwhile. */
async function measure(broker: Broker, qos: 0 | 1): Promise<{ rate: number; peakMiB: number }> {
  const count = MESSAGES[qos];
  const subscriber = await connectRaw(
    broker.port,
    `${broker.subscriber.username ?? 'anonymous'}-bench-sub`,
    broker.subscriber,
  );
  const publisher = await connectRaw(
    broker.port,
    `${broker.publisher.username ?? 'anonymous'}-bench-pub`,
    broker.publisher,
  );
  const topic = topicFor('gnss', EXAMPLES.gnss.busId);
  await subscriber.subscribe(topic, qos);
  const payload = Buffer.from(JSON.stringify(EXAMPLES.gnss));
  let received = 0;
  const peak = peakRss(broker.process.pid);
  const done = new Promise<void>((resolve) => {
    subscriber.onPublish = () => {
      received += 1;
      if (received === count) resolve();
    };
  });
  const start = process.hrtime.bigint();
  await publisher.publishMany(topic, payload, qos, count);
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakMiB = peak.stop();
  publisher.close();
  subscriber.close();
  return { rate: count / seconds, peakMiB };
}

/** The same with mqtt.js clients, as the bus's own services are: the clients share the load. */
async function measureMqttJs(
  broker: Broker,
  qos: 0 | 1,
): Promise<{ rate: number; peakMiB: number }> {
  const count = MESSAGES_MQTTJS;
  const options = (credentials: Credentials, role: string) => ({
    host: '127.0.0.1',
    port: broker.port,
    protocolVersion: 4 as const,
    reconnectPeriod: 0,
    clientId: `${credentials.username ?? 'anonymous'}-bench-${role}`,
    ...credentials,
  });
  const subscriber = await mqtt.connectAsync(options(broker.subscriber, 'sub'));
  const publisher = await mqtt.connectAsync(options(broker.publisher, 'pub'));
  const topic = topicFor('gnss', EXAMPLES.gnss.busId);
  await subscriber.subscribeAsync(topic, { qos });
  const payload = Buffer.from(JSON.stringify(EXAMPLES.gnss));
  let received = 0;
  const peak = peakRss(broker.process.pid);
  const done = new Promise<void>((resolve) => {
    subscriber.on('message', () => {
      received += 1;
      if (received === count) resolve();
    });
  });
  const start = process.hrtime.bigint();
  // In windows of 500, as a busy service would, and to stay within mqtt.js's listener limits.
  for (let sent = 0; sent < count; sent += 500) {
    const window = Math.min(500, count - sent);
    await Promise.all(
      Array.from({ length: window }, () => publisher.publishAsync(topic, payload, { qos })),
    );
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakMiB = peak.stop();
  await Promise.all([publisher.endAsync(true), subscriber.endAsync(true)]);
  return { rate: count / seconds, peakMiB };
}

pinLoad();
// fsbus-broker runs from its build, as in service.
build();
const brokers = await startBrokers();

const idle = new Map(brokers.map((b) => [b.name, rssMiB(b.process.pid)]));
const MODES = {
  'raw pipelining clients: the broker is the bottleneck': measure,
  'mqtt.js clients, as the bus services are': measureMqttJs,
} as const;

for (const [mode, run] of Object.entries(MODES)) {
  const results = new Map(
    brokers.map((b) => [b.name, { 0: [] as number[], 1: [] as number[], peak: 0 }]),
  );
  // Ratios to bare aedes, one per round: this machine's speed drifts by tens of percent within
  // seconds, so each fsbus-broker run is compared with the bare aedes run next to it, in
  // alternating order, and the median of those ratios is reported.
  const ratios = new Map(brokers.map((b) => [b.name, { 0: [] as number[], 1: [] as number[] }]));
  // One warm-up run each, not counted: the first runs measure the JIT as much as the broker.
  for (const qos of [0, 1] as const) for (const broker of brokers) await run(broker, qos);
  for (let round = 0; round < ROUNDS; round++) {
    for (const qos of [0, 1] as const) {
      const order = round % 2 === 0 ? brokers : [...brokers].reverse();
      const rates = new Map<string, number>();
      for (const broker of order) {
        const { rate, peakMiB } = await run(broker, qos);
        rates.set(broker.name, rate);
        const entry = results.get(broker.name);
        if (entry) {
          entry[qos].push(rate);
          entry.peak = Math.max(entry.peak, peakMiB);
        }
      }
      for (const broker of brokers) {
        ratios
          .get(broker.name)
          ?.[qos].push(
            (rates.get(broker.name) ?? Number.NaN) / (rates.get('bare aedes') ?? Number.NaN),
          );
      }
    }
  }
  console.log(`\n${mode}`);
  console.table(
    brokers.map((broker) => {
      const entry = results.get(broker.name);
      const ratio = ratios.get(broker.name);
      return {
        broker: broker.name,
        'QoS 0 msg/s': Math.round(median(entry?.[0] ?? [])),
        'QoS 0 vs bare aedes': median(ratio?.[0] ?? []).toFixed(2),
        'QoS 1 msg/s': Math.round(median(entry?.[1] ?? [])),
        'QoS 1 vs bare aedes': median(ratio?.[1] ?? []).toFixed(2),
        'RSS idle MiB': (idle.get(broker.name) ?? Number.NaN).toFixed(1),
        'RSS peak MiB': (entry?.peak ?? Number.NaN).toFixed(1),
      };
    }),
  );
}
console.log(
  `1 publisher -> 1 subscriber on loopback, gnss messages of ${String(JSON.stringify(EXAMPLES.gnss).length)} bytes (${String(MESSAGES[0])} per run with raw clients, ${String(MESSAGES_MQTTJS)} with mqtt.js), msg/s: median of ${String(ROUNDS)} rounds; ratios: median of the ratios to the bare aedes run of the same round (order alternating). Target: fsbus-broker >= 0.80 x bare aedes. fsbus-broker gathers the writes of one event-loop turn into one system call; "aedes, coalesced writes" does the same with no checks, so fsbus-broker's ratio to it is the price of login, ACL, rate limit and schema checks alone.`,
);

// The round trip of a stock client on each broker, in alternating order; mosquitto with its
// defaults too (Nagle on its own sockets, which happens to save its round trip).
const mosquittoDefaults = await startMosquitto(false, 'mosquitto, default config');
const tripBrokers = mosquittoDefaults ? [...brokers, mosquittoDefaults] : brokers;
const trips = new Map<string, { p50: number[]; p99: number[]; count: number }>(
  tripBrokers.map((b) => [b.name, { p50: [], p99: [], count: 0 }]),
);
for (let round = 0; round < 3; round++) {
  for (const broker of round % 2 === 0 ? tripBrokers : [...tripBrokers].reverse()) {
    const result = await measureRoundTrips(broker);
    const entry = trips.get(broker.name);
    entry?.p50.push(result.p50);
    entry?.p99.push(result.p99);
    if (entry) entry.count += result.count;
  }
}
console.log(
  `\nQoS 1 round trip of a stock client (mqtt.js defaults: Nagle on), publishing to a topic it subscribes to; up to ${String(ROUND_TRIPS)} per round, 3 rounds`,
);
console.table(
  tripBrokers.map((broker) => {
    const entry = trips.get(broker.name);
    return {
      broker: broker.name,
      'round trips': entry?.count ?? 0,
      'p50 ms': median(entry?.p50 ?? []).toFixed(2),
      'p99 ms': median(entry?.p99 ?? []).toFixed(2),
    };
  }),
);
killAll(tripBrokers);

// The same on fsbus-broker with its default rate limit (100 msg/s), while a kiosk floods QoS 0:
// at 10 times its rate (dropped, not disconnected) and all out (disconnected, and back).
const defaults = ConfigSchema.parse({ busId: EXAMPLES.stop.busId }).broker.rateLimit;
const FLOODS = [0, 10 * defaults.messagesPerSecond, Infinity];
const limited = await startFsbusBroker('fsbus-broker, default rate limit', 'default');
const flooded = await measureUnderFlood(limited, FLOODS, defaults);
const calm = flooded.get(0);
console.log(
  '\nStock client round trip on fsbus-broker (default rate limit) while a kiosk floods QoS 0: at 10x its rate it is dropped, all out it is also disconnected (and comes back)',
);
console.table(
  FLOODS.map((rate) => {
    const result = flooded.get(rate);
    return {
      flood: rate === 0 ? 'none' : rate === Infinity ? 'all out' : `${String(rate)} msg/s`,
      'p50 ms': result?.p50.toFixed(2),
      'p99 ms': result?.p99.toFixed(2),
      'p50 vs no flood': ((result?.p50 ?? Number.NaN) / (calm?.p50 ?? Number.NaN)).toFixed(2),
    };
  }),
);
killAll([limited]);
