// The simulated bus's clock (npm start --speed): it starts at a time of day and runs `speed`
// times faster than real time, and the whole bridge reads it instead of the system clock. Where
// it is gets written to a small file, so that a restart goes on from there instead of living
// the morning again, and never goes back in time.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { timeOfDay } from './tour-plan.js';

export interface SimulatedClockOptions {
  readonly speed: number;
  /** HH:MM, today in `timeZone`; null: the real time. */
  readonly startAt: string | null;
  readonly timeZone: string;
  /** Where the clock is kept between runs. */
  readonly file: string;
  readonly realNow?: () => number;
}

export class SimulatedClock {
  readonly #speed: number;
  readonly #file: string;
  readonly #realNow: () => number;
  readonly #realStart: number;
  readonly #start: number;

  constructor(options: SimulatedClockOptions) {
    this.#speed = options.speed;
    this.#file = options.file;
    this.#realNow = options.realNow ?? Date.now;
    this.#realStart = this.#realNow();
    const start =
      options.startAt === null
        ? this.#realStart
        : timeOfDay(this.#realStart, options.startAt, options.timeZone);
    // A restart goes on from where the last run stopped, also a day or two ahead: the bus's
    // clock never goes back (its plan, queue and counts are kept by day).
    const saved = this.#saved();
    this.#start = saved !== null && saved > start ? saved : start;
  }

  get speed(): number {
    return this.#speed;
  }

  /** The simulated time now, ms. */
  now = (): number => this.#start + (this.#realNow() - this.#realStart) * this.#speed;

  /** Writes where the clock is, for the next run (call it now and then, and at stop). */
  save(): void {
    mkdirSync(path.dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ at: new Date(this.now()).toISOString() })}\n`);
    renameSync(temporary, this.#file);
  }

  #saved(): number | null {
    try {
      const { at } = JSON.parse(readFileSync(this.#file, 'utf8')) as { at?: unknown };
      const ms = typeof at === 'string' ? Date.parse(at) : Number.NaN;
      return Number.isNaN(ms) ? null : ms;
    } catch {
      // No file yet, or a damaged one: the day starts at startAt.
      return null;
    }
  }
}
