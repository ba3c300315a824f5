// Replays an NMEA log (a capture from a receiver, e.g. the gpsd regression logs) through the
// real NMEA reader, paced by the fixes' own times: at real speed or faster.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@fsbus/shared/node';
import type { Fix } from '../domain/fix.js';
import { NmeaReader, readerMetrics } from './nmea/reader.js';
import {
  stateOfFix,
  type GnssState,
  type PositionSource,
  type PositionSourceEvents,
} from './position-source.js';

export interface NmeaReplayOptions extends PositionSourceEvents {
  readonly file: string;
  /** Speed factor: 1 is real time, 10 ten times faster. */
  readonly speed: number;
  readonly logger?: Logger;
}

/** Pause between epochs whose times are unknown, or further apart than this, ms (real time). */
const DEFAULT_EPOCH_MS = 1000;
const MAX_GAP_MS = 10_000;

export class NmeaReplaySource implements PositionSource {
  readonly #options: NmeaReplayOptions;
  readonly #reader = new NmeaReader();
  #abort: AbortController | null = null;
  #done: Promise<void> = Promise.resolve();
  #state: GnssState | null = null;
  #handlerErrors = 0;

  constructor(options: NmeaReplayOptions) {
    this.#options = options;
  }

  get stats(): Readonly<Record<string, number>> {
    return { handler_errors: this.#handlerErrors, ...readerMetrics(this.#reader.stats) };
  }

  start(): void {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.#setState('no_device');
    this.#done = this.#run(abort.signal).catch((error: unknown) => {
      if (abort.signal.aborted) return;
      this.#options.logger?.error(
        { file: this.#options.file, err: error },
        'cannot replay the NMEA log',
      );
      this.#setState('no_device');
    });
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#abort = null;
    await this.#done;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const text = await readFile(this.#options.file, { encoding: 'latin1', signal });
    let previous: Fix | null = null;
    const emit = async (fix: Fix) => {
      const gap =
        previous?.time != null && fix.time !== null
          ? Math.min(Math.max(fix.time - previous.time, 0), MAX_GAP_MS)
          : DEFAULT_EPOCH_MS;
      if (previous !== null) await sleep(gap / this.#options.speed, undefined, { signal });
      previous = fix;
      try {
        this.#setState(stateOfFix(fix));
        this.#options.onFix(fix);
      } catch (error) {
        // A bug downstream must not end the replay.
        this.#handlerErrors += 1;
        this.#options.logger?.error({ err: error }, 'fix handler failed');
      }
    };
    for (const line of text.split('\n')) {
      for (const fix of this.#reader.push(`${line}\n`)) await emit(fix);
    }
    for (const fix of this.#reader.flush()) await emit(fix);
    this.#options.logger?.info(
      { file: this.#options.file, fixes: this.#reader.stats.fixes },
      'NMEA replay finished',
    );
    this.#setState('no_device');
  }

  #setState(state: GnssState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState(state);
  }
}
