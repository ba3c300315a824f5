// A GPS receiver talking NMEA 0183 on a serial port: the serial link (opened by path, watchdog,
// reopened the moment it is back) plus the NMEA reader, and the search for the receiver's baud rate.
import type { Logger } from '@fsbus/shared/node';
import { NmeaReader, readerMetrics } from './nmea/reader.js';
import {
  stateOfFix,
  type GnssState,
  type PositionSource,
  type PositionSourceEvents,
} from './position-source.js';
import { SerialLink, type SerialLinkCounts } from './serial-link.js';

/** Baud rates GPS receivers use, tried in this order after the configured one. */
export const AUTO_BAUD_RATES = [9600, 4800, 38400, 115200] as const;

export interface NmeaSerialOptions extends PositionSourceEvents {
  readonly path: string;
  readonly baudRate: number;
  /** Try the other AUTO_BAUD_RATES when no valid sentence arrives. */
  readonly autoBaud: boolean;
  /** No byte for this long: the receiver counts as gone and the port is reopened, ms. */
  readonly watchdogMs: number;
  /** How long a baud rate is given to produce a valid sentence, ms. */
  readonly baudProbeMs?: number;
  /** While the port exists but cannot be opened, the delay between tries, ms. */
  readonly retryMs?: number;
  readonly logger?: Logger;
}

export class NmeaSerialSource implements PositionSource {
  readonly #options: NmeaSerialOptions;
  readonly #rates: readonly number[];
  readonly #link: SerialLink;
  #reader = new NmeaReader();
  /** Counts of the readers replaced so far, so that the status counters never go back. */
  readonly #retired: Record<string, number> = {};
  #rateIndex = 0;
  #locked = false;
  #baudChanges = 0;
  #handlerErrors = 0;
  #state: GnssState | null = null;
  #probe: NodeJS.Timeout | undefined;

  constructor(options: NmeaSerialOptions) {
    this.#options = options;
    this.#rates = options.autoBaud
      ? [options.baudRate, ...AUTO_BAUD_RATES.filter((rate) => rate !== options.baudRate)]
      : [options.baudRate];
    this.#link = new SerialLink({
      path: options.path,
      baudRate: options.baudRate,
      watchdogMs: options.watchdogMs,
      device: 'gps receiver',
      ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
      ...(options.logger ? { logger: options.logger } : {}),
      onOpen: () => {
        this.#newReader();
        this.#armProbe();
      },
      onData: (chunk) => {
        this.#onData(chunk);
      },
      onLost: () => {
        this.#locked = false;
        clearTimeout(this.#probe);
        this.#setState('no_device');
      },
    });
  }

  /** The baud rate in use (or about to be). */
  get baudRate(): number {
    return this.#link.baudRate;
  }

  get stats(): Readonly<Record<string, number> & SerialLinkCounts & { baud_changes: number }> {
    const totals: Record<string, number> = { ...this.#retired };
    for (const [name, value] of Object.entries(readerMetrics(this.#reader.stats)))
      totals[name] = (totals[name] ?? 0) + value;
    const link = this.#link.counts;
    return {
      ...totals,
      ...link,
      handler_errors: link.handler_errors + this.#handlerErrors,
      baud_changes: this.#baudChanges,
    };
  }

  start(): void {
    this.#setState('no_device');
    this.#link.start();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#probe);
    await this.#link.stop();
  }

  /** A fresh reader (a reopened port, another baud rate), its predecessor's counts kept. */
  #newReader(): void {
    for (const [name, value] of Object.entries(readerMetrics(this.#reader.stats)))
      this.#retired[name] = (this.#retired[name] ?? 0) + value;
    this.#reader = new NmeaReader();
  }

  #onData(chunk: Buffer): void {
    const before = this.#reader.stats.checksumValid;
    for (const fix of this.#reader.push(chunk)) {
      try {
        this.#setState(stateOfFix(fix));
        this.#options.onFix(fix);
      } catch (error) {
        // One fix's failure downstream must not cost the next fixes of the chunk.
        this.#handlerErrors += 1;
        this.#options.logger?.error({ err: error }, 'fix handler failed');
      }
    }
    if (!this.#locked && this.#reader.stats.checksumValid > before) {
      this.#locked = true;
      clearTimeout(this.#probe);
      this.#options.logger?.info(
        { path: this.#options.path, baudRate: this.baudRate },
        'gps receiver talks NMEA',
      );
    }
  }

  /** Gives the current baud rate a while to produce a valid sentence, then tries the next. */
  #armProbe(): void {
    clearTimeout(this.#probe);
    if (this.#locked || this.#rates.length < 2) return;
    this.#probe = setTimeout(() => {
      this.#rateIndex = (this.#rateIndex + 1) % this.#rates.length;
      this.#baudChanges += 1;
      const rate = this.#rates[this.#rateIndex] ?? this.#options.baudRate;
      this.#options.logger?.info(
        { path: this.#options.path, baudRate: rate },
        'no valid NMEA sentence: trying another baud rate',
      );
      this.#link.setBaudRate(rate);
      this.#newReader();
      this.#armProbe();
    }, this.#options.baudProbeMs ?? 3000);
  }

  #setState(state: GnssState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState(state);
  }
}
