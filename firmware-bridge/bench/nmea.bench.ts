// Sentences per second of the bridge's NMEA reader over the gpsd log corpus, against nmea-simple
// parsing the same sentences, in the same run, in interleaved rounds.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNmeaSentence as nmeaSimpleParse } from 'nmea-simple';
import { NmeaReader } from '../src/sources/nmea/reader.js';
import { parseNmeaSentence } from '../src/sources/nmea/sentence.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const LOGS = path.resolve(REPO_ROOT, '../shared/fixtures/gnss/gpsd-logs');
const ROUNDS = 9;
/** The corpus is read this many times per measurement, so that one lasts a fair while. */
const PASSES = 5;
/** A busy receiver: 10 epochs a second of about 20 sentences. */
const BUSY_SENTENCES_PER_SECOND = 200;

const logs = readdirSync(LOGS)
  .filter((name) => name.endsWith('.log'))
  .sort()
  .map((name) => readFileSync(path.join(LOGS, name)));
const lines = logs
  .flatMap((bytes) => bytes.toString('latin1').split(/\r?\n/))
  .map((line) => line.trim())
  .filter((line) => line.startsWith('$'));

interface Outcome {
  readonly accepted: number;
  readonly refused: number;
}

/** One pass over the corpus; what each parser accepted is reported to keep the work observable. */
const TASKS: Record<string, () => Outcome> = {
  'nmea-simple parseNmeaSentence (baseline)': () => {
    let accepted = 0;
    let refused = 0;
    for (const line of lines) {
      try {
        nmeaSimpleParse(line);
        accepted++;
      } catch {
        refused++; // nmea-simple throws on a bad checksum or a sentence it does not know
      }
    }
    return { accepted, refused };
  },
  'fsbus parseNmeaSentence': () => {
    let accepted = 0;
    let refused = 0;
    for (const line of lines) {
      if (parseNmeaSentence(line).type === 'rejected') refused++;
      else accepted++;
    }
    return { accepted, refused };
  },
  'fsbus NmeaReader (bytes: framing, parsing, epochs)': () => {
    let accepted = 0;
    let refused = 0;
    for (const bytes of logs) {
      const reader = new NmeaReader();
      reader.push(bytes);
      reader.flush();
      const { stats } = reader;
      accepted += stats.accepted;
      refused += Object.values(stats.rejected).reduce((sum, n) => sum + n, 0);
    }
    return { accepted, refused };
  },
};
const BASELINE = 'nmea-simple parseNmeaSentence (baseline)';

function measure(task: () => Outcome): { rate: number; outcome: Outcome } {
  const start = process.hrtime.bigint();
  let outcome: Outcome = { accepted: 0, refused: 0 };
  for (let pass = 0; pass < PASSES; pass++) outcome = task();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { rate: (lines.length * PASSES) / seconds, outcome };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const names = Object.keys(TASKS);
const rates = new Map<string, number[]>(names.map((name) => [name, []]));
const ratios = new Map<string, number[]>(names.map((name) => [name, []]));
const outcomes = new Map<string, Outcome>();
// One warm-up pass each, not counted: the first passes measure the JIT as much as the parser.
for (const name of names) TASKS[name]?.();
for (let round = 0; round < ROUNDS; round++) {
  // This machine's speed drifts within seconds: each run is compared with the baseline run of
  // the same round, in alternating order, and the median of those ratios is reported.
  const order = round % 2 === 0 ? names : [...names].reverse();
  const roundRates = new Map<string, number>();
  for (const name of order) {
    const task = TASKS[name];
    if (!task) continue;
    const { rate, outcome } = measure(task);
    roundRates.set(name, rate);
    rates.get(name)?.push(rate);
    outcomes.set(name, outcome);
  }
  const base = roundRates.get(BASELINE) ?? Number.NaN;
  for (const name of names) ratios.get(name)?.push((roundRates.get(name) ?? Number.NaN) / base);
}

console.table(
  names.map((name) => {
    const rate = median(rates.get(name) ?? []);
    return {
      implementation: name,
      'sentences/s': Math.round(rate),
      'vs nmea-simple': median(ratios.get(name) ?? []).toFixed(2),
      accepted: outcomes.get(name)?.accepted,
      refused: outcomes.get(name)?.refused,
      [`CPU at ${String(BUSY_SENTENCES_PER_SECOND)}/s`]: `${((100 * BUSY_SENTENCES_PER_SECOND) / rate).toFixed(3)} %`,
    };
  }),
);
console.log(
  `${String(lines.length)} sentence lines from ${String(logs.length)} gpsd logs, read ${String(PASSES)} times per run; ` +
    `sentences/s: median of ${String(ROUNDS)} rounds; ratios: median of the ratios to the nmea-simple run of ` +
    'the same round (order alternating). nmea-simple parses split lines only (no framing, no epochs) ' +
    'and refuses types it does not know; NmeaReader counts every sentence line it framed. ' +
    'CPU at 200/s: share of one core of this machine for a 10 Hz receiver.',
);
