// QoS 1 round trips of a stock client (mqtt.js with its defaults, so Nagle on its socket): it
// publishes to a topic it subscribes to and waits for both the PUBACK and its own message. And
// the same while another client floods the broker with QoS 0 past its rate limit.
import { EXAMPLES, topicFor } from '@fsbus/shared';
import mqtt from 'mqtt';
import type { Broker, Credentials } from './brokers.js';
import { quantile } from './brokers.js';
import { connectRaw, type RawClient } from './raw-client.js';

export const ROUND_TRIPS = 2000;
/** A broker with the 40 ms stall would take 80 s for 2,000: stop at this many seconds. */
const MAX_SECONDS = 10;

export interface RoundTrips {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

function stockClient(broker: Broker, credentials: Credentials, role: string) {
  return mqtt.connectAsync({
    host: '127.0.0.1',
    port: broker.port,
    protocolVersion: 4,
    reconnectPeriod: 0,
    clientId: `${credentials.username ?? 'anonymous'}-bench-${role}`,
    ...credentials,
  });
}

/** Sequential round trips after a warm-up: milliseconds, p50 and p99. */
export async function measureRoundTrips(broker: Broker, count = ROUND_TRIPS): Promise<RoundTrips> {
  const client = await stockClient(broker, broker.publisher, 'rtt');
  const topic = topicFor('stop', EXAMPLES.stop.busId);
  await client.subscribeAsync(topic, { qos: 1 });
  const payload = JSON.stringify(EXAMPLES.stop);
  const once = async () => {
    const started = performance.now();
    const delivered = new Promise<void>((resolve) => {
      client.once('message', () => {
        resolve();
      });
    });
    await client.publishAsync(topic, payload, { qos: 1 });
    await delivered;
    return performance.now() - started;
  };
  for (let i = 0; i < 20; i++) await once();
  const times: number[] = [];
  const end = performance.now() + MAX_SECONDS * 1000;
  while (times.length < count && performance.now() < end) times.push(await once());
  await client.endAsync(true);
  return { count: times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

/** A kiosk sending QoS 0 visits at `perSecond` (all out when Infinity) until stop(). */
async function flood(broker: Broker, perSecond: number): Promise<{ stop(): void }> {
  const topic = topicFor('visit', EXAMPLES.visit.busId);
  const payload = Buffer.from(JSON.stringify(EXAMPLES.visit));
  const state: { stopped: boolean; client?: RawClient } = { stopped: false };
  // A client that floods far beyond its rate for long is disconnected; this one comes back.
  const run = async () => {
    while (!state.stopped) {
      try {
        const flooder = await connectRaw(broker.port, 'kiosk-1-flood', broker.kiosk);
        state.client = flooder;
        const closed = new Promise<void>((resolve) => flooder.socket.once('close', resolve));
        // stop() closes the socket.
        while (!flooder.socket.destroyed) {
          const count = perSecond === Infinity ? 256 : Math.ceil(perSecond / 100);
          await Promise.race([flooder.publishMany(topic, payload, 0, count), closed]);
          // Paced: a batch every 10 ms.
          if (perSecond !== Infinity) await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const running = run();
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    stop() {
      state.stopped = true;
      state.client?.close();
      void running;
    },
  };
}

/**
 * Round trips of a stock client (the bridge's account) while a kiosk floods QoS 0 at each rate.
 * Each phase stays within the bridge's burst, and waits for its bucket to refill first, so that
 * its own rate limit is not what gets measured.
 */
export async function measureUnderFlood(
  broker: Broker,
  rates: readonly number[],
  limit: { messagesPerSecond: number; burst: number },
): Promise<Map<number, RoundTrips>> {
  const count = Math.floor(limit.burst * 0.6);
  const refillMs = ((count + 20) / limit.messagesPerSecond) * 1000;
  const results = new Map<number, RoundTrips>();
  for (const rate of rates) {
    await new Promise((resolve) => setTimeout(resolve, refillMs));
    const flooding = rate === 0 ? undefined : await flood(broker, rate);
    results.set(rate, await measureRoundTrips(broker, count));
    flooding?.stop();
  }
  return results;
}
