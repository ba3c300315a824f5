// A simulated GPS receiver on a bus following its day plan: it computes where the bus is, says
// it in NMEA as a receiver would, and hands the sentences to the real NMEA reader, so the
// simulation runs the same parsing as a bus on the road.
import type { PlanMessage } from '@fsbus/shared';
import { EMPTY_FIX, type Fix } from '../../domain/fix.js';
import { destination } from '../../domain/geo.js';
import { seededRandom } from '../../domain/seeded-random.js';
import { encodeFix } from '../nmea/encode.js';
import { NmeaReader } from '../nmea/reader.js';
import {
  stateOfFix,
  type GnssState,
  type PositionSource,
  type PositionSourceEvents,
} from '../position-source.js';
import { positionAt, timeline } from './route.js';

export interface RouteSimulatorOptions extends PositionSourceEvents {
  readonly rateHz: number;
  /** The plan to follow now (the bridge's current one); null parks the bus at `home`. */
  readonly plan: () => PlanMessage | null;
  /** Where a bus without a plan waits. */
  readonly home: { readonly lat: number; readonly lon: number };
  readonly now?: () => number;
  /** Seed of the position noise, for repeatable runs. */
  readonly seed?: number;
  /** Told when onFix or onState threw (counted in stats either way). */
  readonly onHandlerError?: (error: unknown) => void;
}

/** Standard deviation of the simulated horizontal error, m. */
const NOISE_M = 2;

export class RouteSimulatorSource implements PositionSource {
  readonly #options: RouteSimulatorOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #reader = new NmeaReader();
  #timer: NodeJS.Timeout | undefined;
  #planId: string | null = null;
  #segments: ReturnType<typeof timeline> = [];
  #state: GnssState | null = null;
  #handlerErrors = 0;

  constructor(options: RouteSimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#random = seededRandom(options.seed ?? 1);
  }

  get stats(): Readonly<Record<string, number>> {
    const reader = this.#reader.stats;
    return {
      nmea_sentences: reader.accepted,
      nmea_fixes: reader.fixes,
      handler_errors: this.#handlerErrors,
    };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.tick();
    }, 1000 / this.#options.rateHz);
  }

  stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    return Promise.resolve();
  }

  /** One receiver epoch at the current time (the timer calls it; tests may too). */
  tick(): void {
    const at = this.#now();
    const fix = this.#fixAt(at);
    for (const parsed of this.#reader.push(encodeFix(fix).join(''))) {
      try {
        this.#setState(stateOfFix(parsed));
        this.#options.onFix(parsed);
      } catch (error) {
        // A bug downstream must not stop the receiver's timer.
        this.#handlerErrors += 1;
        this.#options.onHandlerError?.(error);
      }
    }
  }

  #fixAt(at: number): Fix {
    const plan = this.#options.plan();
    if ((plan?.planId ?? null) !== this.#planId) {
      this.#planId = plan?.planId ?? null;
      this.#segments = plan ? timeline(plan) : [];
    }
    const point = positionAt(this.#segments, at) ?? {
      ...this.#options.home,
      speed: 0,
      track: null,
    };
    // Gaussian-ish error (sum of uniforms), in a random direction.
    const error = (this.#random() + this.#random() + this.#random() - 1.5) * 2 * NOISE_M;
    const noisy = destination(point, this.#random() * 360, Math.abs(error));
    return {
      ...EMPTY_FIX,
      time: at,
      mode: '3d',
      lat: noisy.lat,
      lon: noisy.lon,
      alt: 320 + error,
      speed: point.speed > 0 ? point.speed : Math.abs(error) / 10,
      track: point.track,
      hdop: 0.9,
      vdop: 1.3,
      pdop: 1.6,
      satellitesUsed: 9,
    };
  }

  #setState(state: GnssState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState(state);
  }
}
