// A stock MQTT client in a process of its own (mqtt.js with its defaults: Nagle on its socket),
// timing sequential QoS 1 round trips to a topic it subscribes to. In the test's own process
// the timings would hide the delayed ACK. Prints {"median": ms, "p99": ms} and exits.
// Usage: node stock-client.mjs URL USERNAME PASSWORD TOPIC PAYLOAD COUNT
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';

const [url, username, password, topic, payload, count] = process.argv.slice(2);
const client = await mqtt.connectAsync(url, {
  username,
  password,
  clientId: `${username}-stock`,
  protocolVersion: 4,
  reconnectPeriod: 0,
});
await client.subscribeAsync(topic, { qos: 1 });
const once = async () => {
  const started = performance.now();
  const delivered = new Promise((resolve) => client.once('message', resolve));
  await client.publishAsync(topic, payload, { qos: 1 });
  await delivered;
  return performance.now() - started;
};
for (let i = 0; i < 20; i++) await once(); // warm-up
const times = [];
for (let i = 0; i < Number(count); i++) times.push(await once());
times.sort((a, b) => a - b);
await client.endAsync(true);
process.stdout.write(
  `${JSON.stringify({
    median: times[Math.floor(times.length / 2)],
    p99: times[Math.floor(times.length * 0.99)],
  })}\n`,
);
