// Simulated visitors at the door, for the simulated counters: people come in while the bus
// stands at a planned stop and leave a few minutes later, through one of the doors. Keeps each
// door's totals as a counting device does (since power-up, never wrapped here) and the truth.

/** A door's totals since the device powered up. */
export interface DoorTotals {
  inTotal: number;
  outTotal: number;
}

export interface DoorTrafficOptions {
  /** Doors fitted with the counter, numbered from 1. */
  readonly doors: number;
  /** Is the bus standing at a planned stop now? Visitors only come then. */
  readonly atStop: () => boolean;
  readonly random: () => number;
  /** Chance per second at a stop that someone comes in (default 0.05). */
  readonly arrivalsPerSecond?: number;
}

export class DoorTraffic {
  readonly #options: DoorTrafficOptions;
  readonly #doors: DoorTotals[];
  /** When each visitor on board leaves, ms, and by which door. */
  #leaving: { at: number; door: number }[] = [];
  readonly #truth = { people_in: 0, people_out: 0 };
  #lastAt: number | null = null;

  constructor(options: DoorTrafficOptions) {
    this.#options = options;
    this.#doors = Array.from({ length: options.doors }, () => ({ inTotal: 0, outTotal: 0 }));
  }

  /** People who went in and out through all doors so far. */
  get truth(): Readonly<{ people_in: number; people_out: number }> {
    return { ...this.#truth };
  }

  /** Each door's totals, door 1 first. */
  get doors(): readonly Readonly<DoorTotals>[] {
    return this.#doors;
  }

  /**
   * The door at `at` (ms): the visitors who came since the last tick (a second ago in real
   * time, more when the simulated clock runs faster), and those who leave.
   */
  tick(at: number): void {
    const random = this.#options.random;
    const atStop = this.#options.atStop();
    const elapsedS = this.#lastAt === null ? 1 : Math.max(0, (at - this.#lastAt) / 1000);
    this.#lastAt = at;
    // Arrivals expected meanwhile, drawn one chance at a time (one draw a second at speed 1).
    for (
      let expected = atStop ? (this.#options.arrivalsPerSecond ?? 0.05) * elapsedS : 0;
      expected > 0;
      expected -= 1
    ) {
      if (random() >= Math.min(1, expected)) continue;
      const door = 1 + Math.floor(random() * this.#doors.length);
      this.#count(door, 'in');
      this.#leaving.push({ at: at + (5 + random() * 15) * 60_000, door });
    }
    const staying = [];
    for (const visitor of this.#leaving) {
      if (visitor.at <= at && atStop) this.#count(visitor.door, 'out');
      else staying.push(visitor);
    }
    this.#leaving = staying;
  }

  #count(door: number, way: 'in' | 'out'): void {
    const totals = this.#doors[door - 1];
    if (!totals) return;
    if (way === 'in') {
      totals.inTotal += 1;
      this.#truth.people_in += 1;
    } else {
      totals.outTotal += 1;
      this.#truth.people_out += 1;
    }
  }
}
