// A simulated Modbus RTU door counter, for `npm start` and tests: the simulated visitors' totals
// sit in the holding registers of an RTU slave, on an in-memory line that now and then loses
// or garbles an answer, and the real Modbus source polls it with the configured register map.
import EventEmitter from 'node:events';
import type { Logger } from '@fsbus/shared/node';
import { seededRandom } from '../../domain/seeded-random.js';
import { DoorTraffic } from '../simulator/door-traffic.js';
import type { CounterSource, CounterSourceEvents } from './counter-source.js';
import { encodeTotal, type ModbusDoorMap } from './modbus-registers.js';
import { ModbusRtuSlave } from './modbus-slave.js';
import { ModbusCounterSource } from './modbus.js';

export interface ModbusCounterSimulatorOptions extends CounterSourceEvents {
  /** The register map the simulated device keeps its totals in, and how it is polled. */
  readonly modbus: {
    readonly unitId: number;
    readonly pollMs: number;
    readonly timeoutMs: number;
    readonly registerWords: 1 | 2;
    readonly wordOrder: 'big' | 'little';
    readonly doors: readonly ModbusDoorMap[];
  };
  /** Is the bus standing at a planned stop now? Visitors only come then. */
  readonly atStop: () => boolean;
  readonly now?: () => number;
  readonly seed?: number;
  /** Chance per second at a stop that someone comes in. */
  readonly arrivalsPerSecond?: number;
  /** Chance per answer that it is lost (a timeout), or garbled (a CRC error). */
  readonly glitchRate?: number;
  readonly logger?: Logger;
}

/** A 19,200 baud RS-485 line: an 8-byte request and a 13-byte answer take about 11 ms. */
const LINE_MS = 11;

/** The RS-485 line to the simulated device, as modbus-serial uses a port: whole frames in `data`. */
class SimulatedRtuLine extends EventEmitter {
  #open = false;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly slave: ModbusRtuSlave,
    private readonly glitch: () => 'lost' | 'garbled' | null,
    private readonly glitches: { answers_lost: number; answers_garbled: number },
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(callback: (error: Error | null) => void): void {
    this.#open = true;
    callback(null);
  }

  close(callback?: () => void): void {
    this.#open = false;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.emit('close');
    callback?.();
  }

  write(bytes: Buffer): void {
    for (const { answer } of this.slave.push(bytes)) {
      const glitch = this.glitch();
      if (glitch === 'lost') {
        this.glitches.answers_lost += 1;
        continue;
      }
      if (glitch === 'garbled') {
        this.glitches.answers_garbled += 1;
        answer.writeUInt8(answer.readUInt8(answer.length - 1) ^ 0x5a, answer.length - 1);
      }
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (this.#open) this.emit('data', answer);
      }, LINE_MS);
      this.#timers.add(timer);
    }
  }
}

export class ModbusCounterSimulator implements CounterSource {
  readonly #options: ModbusCounterSimulatorOptions;
  readonly #now: () => number;
  readonly #traffic: DoorTraffic;
  readonly #slave: ModbusRtuSlave;
  readonly #source: ModbusCounterSource;
  readonly #glitches = { answers_lost: 0, answers_garbled: 0 };
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ModbusCounterSimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const random = seededRandom(options.seed ?? 7);
    this.#traffic = new DoorTraffic({
      doors: options.modbus.doors.length,
      atStop: options.atStop,
      random,
      ...(options.arrivalsPerSecond === undefined
        ? {}
        : { arrivalsPerSecond: options.arrivalsPerSecond }),
    });
    this.#slave = new ModbusRtuSlave(options.modbus.unitId);
    this.#store();
    const glitchRate = options.glitchRate ?? 0.01;
    const glitch = () => {
      const draw = random();
      return draw < glitchRate / 2 ? 'lost' : draw < glitchRate ? 'garbled' : null;
    };
    this.#source = new ModbusCounterSource({
      ...options.modbus,
      path: 'simulated RS-485 line',
      baudRate: 19_200,
      port: () => new SimulatedRtuLine(this.#slave, glitch, this.#glitches),
      now: this.#now,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      onReading: options.onReading,
      onState: options.onState,
    });
  }

  /** What the simulated device counted (the truth the bridge's counts are compared with). */
  get stats(): Readonly<Record<string, number>> {
    return { ...this.#traffic.truth, ...this.#glitches, ...this.#source.stats };
  }

  start(): void {
    this.#source.start();
    this.#timer ??= setInterval(() => {
      this.tick();
    }, 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#source.stop();
  }

  /** One second of the device (the timer calls it; tests may too). */
  tick(): void {
    this.#traffic.tick(this.#now());
    this.#store();
  }

  /** The device's totals into its registers, as its firmware keeps them. */
  #store(): void {
    const { registerWords, wordOrder, doors } = this.#options.modbus;
    doors.forEach((map, index) => {
      const totals = this.#traffic.doors[index];
      if (!totals) return;
      for (const [address, value] of [
        [map.inAddress, totals.inTotal],
        [map.outAddress, totals.outTotal],
      ] as const) {
        encodeTotal(value, registerWords, wordOrder).forEach((word, i) => {
          this.#slave.registers.set(address + i, word);
        });
      }
    });
  }
}
