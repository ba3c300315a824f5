// A simulated door counter speaking the fsbus line protocol, for `npm start` and tests: the
// simulated visitors' totals go out as a heartbeat a second per door, now and then a lost or
// repeated line, and the real line reader parses them.
import type { DoorReading } from '../../domain/door-counts.js';
import { seededRandom } from '../../domain/seeded-random.js';
import { DoorTraffic } from '../simulator/door-traffic.js';
import type { CounterSource, CounterSourceEvents } from './counter-source.js';
import { CounterLineReader, formatCounterSentence } from './line-protocol.js';

export interface LineCounterSimulatorOptions extends CounterSourceEvents {
  /** Doors fitted with the counter, numbered from 1. */
  readonly doors: number;
  /** Is the bus standing at a planned stop now? Visitors only come then. */
  readonly atStop: () => boolean;
  readonly now?: () => number;
  readonly seed?: number;
  /** Chance per second at a stop that someone comes in. */
  readonly arrivalsPerSecond?: number;
  /** Chance per line that it is lost, or sent twice. */
  readonly glitchRate?: number;
}

const MODULO = 65_536;
const NO_FLAGS = Object.freeze({
  blocked: false,
  tamper: false,
  lowSignal: false,
  poweredUp: false,
});

export class LineCounterSimulator implements CounterSource {
  readonly #options: LineCounterSimulatorOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #traffic: DoorTraffic;
  readonly #reader = new CounterLineReader();
  readonly #seq: number[];
  #timer: NodeJS.Timeout | undefined;
  readonly #lines = { lines_lost: 0, lines_repeated: 0 };

  constructor(options: LineCounterSimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#random = seededRandom(options.seed ?? 7);
    this.#traffic = new DoorTraffic({
      doors: options.doors,
      atStop: options.atStop,
      random: this.#random,
      ...(options.arrivalsPerSecond === undefined
        ? {}
        : { arrivalsPerSecond: options.arrivalsPerSecond }),
    });
    this.#seq = Array.from({ length: options.doors }, () => 0);
  }

  /** What the simulated device counted (the truth the bridge's counts are compared with). */
  get stats(): Readonly<Record<string, number>> {
    return { ...this.#traffic.truth, ...this.#lines, lines: this.#reader.stats.accepted };
  }

  start(): void {
    this.#options.onState('ok');
    this.#timer ??= setInterval(() => {
      this.tick();
    }, 1000);
  }

  stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    return Promise.resolve();
  }

  /** One second of the device (the timer calls it; tests may too). */
  tick(): void {
    const at = this.#now();
    this.#traffic.tick(at);
    const glitch = this.#options.glitchRate ?? 0.01;
    this.#traffic.doors.forEach((totals, index) => {
      const seq = this.#seq[index] ?? 0;
      this.#seq[index] = (seq + 1) % MODULO;
      const line = formatCounterSentence({
        type: 'reading',
        door: index + 1,
        seq,
        inTotal: totals.inTotal % MODULO,
        outTotal: totals.outTotal % MODULO,
        flags: NO_FLAGS,
      });
      const draw = this.#random();
      if (draw < glitch / 2) {
        this.#lines.lines_lost += 1;
        return;
      }
      const times = draw < glitch ? 2 : 1;
      if (times === 2) this.#lines.lines_repeated += 1;
      for (let n = 0; n < times; n++) this.#read(at, line);
    });
  }

  #read(at: number, line: string): void {
    for (const sentence of this.#reader.push(line)) {
      if (sentence.type !== 'reading') continue;
      const { door, seq, inTotal, outTotal, flags } = sentence;
      const reading: DoorReading = { at, door, seq, inTotal, outTotal, flags };
      this.#options.onReading(reading);
    }
  }
}
