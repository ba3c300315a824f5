// How much the protocol check costs per message: fsbus decodeMessage (topic, JSON, zod 4 schema,
// envelope/topic agreement) against JSON.parse alone and against Ajv compiled from the generated
// JSON Schema, side by side in this run. The broker and the bridge run this on every message.
import { Bench } from 'tinybench';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { decodeMessage } from '../src/protocol/codec.js';
import { EXAMPLES } from '../src/protocol/examples.js';
import { statusTopic, topicFor, type Stream } from '../src/topics.js';
import { streamJsonSchema } from '../scripts/json-schemas.js';

const ajv = new Ajv2020({ strict: false });
addFormats.default(ajv);

const cases: Stream[] = ['gnss', 'visit', 'stop', 'status'];
const rows: Record<string, string | number>[] = [];

for (const stream of cases) {
  const payload = Buffer.from(JSON.stringify(EXAMPLES[stream]));
  const topic =
    stream === 'status'
      ? statusTopic(EXAMPLES.status.busId, 'bridge')
      : topicFor(stream, EXAMPLES[stream].busId);
  const validate = ajv.compile(streamJsonSchema(stream));
  let sink = 0;
  const bench = new Bench({ time: 500, warmup: true, warmupTime: 100 });
  bench
    .add('JSON.parse only (baseline)', () => {
      sink += Object.keys(JSON.parse(payload.toString('utf8')) as object).length;
    })
    .add('ajv (generated JSON Schema)', () => {
      if (validate(JSON.parse(payload.toString('utf8')))) sink += 1;
    })
    .add('fsbus decodeMessage (zod 4)', () => {
      sink += decodeMessage(topic, payload).message.seq;
    });
  await bench.run();
  const hz = (name: string): number => {
    const result = bench.tasks.find((t) => t.name === name)?.result;
    return result?.state === 'completed' ? result.throughput.mean : Number.NaN;
  };
  const base = hz('JSON.parse only (baseline)');
  const ajvHz = hz('ajv (generated JSON Schema)');
  const fsbus = hz('fsbus decodeMessage (zod 4)');
  rows.push({
    stream,
    bytes: payload.byteLength,
    'JSON.parse msg/s': Math.round(base),
    'ajv msg/s': Math.round(ajvHz),
    'fsbus msg/s': Math.round(fsbus),
    'fsbus / JSON.parse': (fsbus / base).toFixed(2),
    'fsbus / ajv': (fsbus / ajvHz).toFixed(2),
  });
  if (sink === -1) console.log(sink); // keeps the work observable
}

console.table(rows);
console.log(
  'Ratios compare runs of this process only. 100 msg/s is a busy bus (10 Hz GNSS plus events); ' +
    'fsbus msg/s divided by that is the headroom on this machine.',
);
