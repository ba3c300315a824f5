// A simulated door counter for `npm start` and tests: visitors come in while the bus stands at a
// planned stop and leave a few minutes later; the device speaks the line protocol (a heartbeat a
// second per door, now and then a lost or repeated line), and the real line reader parses it.
import type { DoorReading } from '../../domain/door-counts.js';
import { seededRandom } from '../../domain/seeded-random.js';
import type { CounterSource, CounterSourceEvents } from './counter-source.js';
import { CounterLineReader, formatCounterSentence } from './line-protocol.js';

export interface CounterSimulatorOptions extends CounterSourceEvents {
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

interface DoorDevice {
  seq: number;
  inTotal: number;
  outTotal: number;
}

const MODULO = 65_536;
const NO_FLAGS = Object.freeze({
  blocked: false,
  tamper: false,
  lowSignal: false,
  poweredUp: false,
});

export class CounterSimulator implements CounterSource {
  readonly #options: CounterSimulatorOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #reader = new CounterLineReader();
  readonly #devices: DoorDevice[];
  /** When each visitor on board leaves, ms. */
  #leaving: { at: number; door: number }[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #truth = { people_in: 0, people_out: 0, lines_lost: 0, lines_repeated: 0 };

  constructor(options: CounterSimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#random = seededRandom(options.seed ?? 7);
    this.#devices = Array.from({ length: options.doors }, () => ({
      seq: 0,
      inTotal: 0,
      outTotal: 0,
    }));
  }

  /** What the simulated device counted (the truth the bridge's counts are compared with). */
  get stats(): Readonly<Record<string, number>> {
    return { ...this.#truth, lines: this.#reader.stats.accepted };
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
    const rate = this.#options.arrivalsPerSecond ?? 0.05;
    if (this.#options.atStop() && this.#random() < rate) {
      const door = 1 + Math.floor(this.#random() * this.#devices.length);
      this.#count(door, 'in');
      this.#leaving.push({ at: at + (5 + this.#random() * 15) * 60_000, door });
    }
    const staying = [];
    for (const visitor of this.#leaving) {
      if (visitor.at <= at && this.#options.atStop()) this.#count(visitor.door, 'out');
      else staying.push(visitor);
    }
    this.#leaving = staying;
    const glitch = this.#options.glitchRate ?? 0.01;
    this.#devices.forEach((device, index) => {
      const line = formatCounterSentence({
        type: 'reading',
        door: index + 1,
        seq: device.seq,
        inTotal: device.inTotal,
        outTotal: device.outTotal,
        flags: NO_FLAGS,
      });
      device.seq = (device.seq + 1) % MODULO;
      const draw = this.#random();
      if (draw < glitch / 2) {
        this.#truth.lines_lost += 1;
        return;
      }
      const times = draw < glitch ? 2 : 1;
      if (times === 2) this.#truth.lines_repeated += 1;
      for (let n = 0; n < times; n++) this.#read(at, line);
    });
  }

  #count(door: number, way: 'in' | 'out'): void {
    const device = this.#devices[door - 1];
    if (!device) return;
    if (way === 'in') {
      device.inTotal = (device.inTotal + 1) % MODULO;
      this.#truth.people_in += 1;
    } else {
      device.outTotal = (device.outTotal + 1) % MODULO;
      this.#truth.people_out += 1;
    }
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
