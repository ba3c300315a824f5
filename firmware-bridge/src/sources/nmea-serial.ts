// A GPS receiver talking NMEA 0183 on a serial port: opens it by path (a re-plugged USB
// receiver gets a new device node: the path is opened again, never an old handle kept), finds
// the baud rate, watches for silence, and reopens forever with a capped backoff.
import { SerialPort } from 'serialport';
import type { Logger } from '@fsbus/shared/node';
import { NmeaReader } from './nmea/reader.js';
import {
  Backoff,
  stateOfFix,
  type GnssState,
  type PositionSource,
  type PositionSourceEvents,
} from './position-source.js';

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
  readonly backoff?: Backoff;
  readonly logger?: Logger;
}

interface SerialCounts {
  opens: number;
  open_errors: number;
  disconnects: number;
  silences: number;
  baud_changes: number;
  handler_errors: number;
}

/** A reader's counters, named as the status reports them. */
function readerCounts(reader: NmeaReader): Record<string, number> {
  const { accepted, fixes, rejected } = reader.stats;
  return {
    nmea_sentences: accepted,
    nmea_fixes: fixes,
    ...Object.fromEntries(
      Object.entries(rejected).map(([code, count]) => [`nmea_rejected_${code}`, count]),
    ),
  };
}

export class NmeaSerialSource implements PositionSource {
  readonly #options: NmeaSerialOptions;
  readonly #rates: readonly number[];
  readonly #backoff: Backoff;
  #reader = new NmeaReader();
  #port: SerialPort | null = null;
  #rateIndex = 0;
  #locked = false;
  #state: GnssState | null = null;
  #stopped = true;
  #reopenTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #probe: NodeJS.Timeout | undefined;
  readonly #counts: SerialCounts = {
    opens: 0,
    open_errors: 0,
    disconnects: 0,
    silences: 0,
    baud_changes: 0,
    handler_errors: 0,
  };
  /** Counts of the readers replaced so far, so that the status counters never go back. */
  readonly #retired: Record<string, number> = {};

  constructor(options: NmeaSerialOptions) {
    this.#options = options;
    this.#rates = options.autoBaud
      ? [options.baudRate, ...AUTO_BAUD_RATES.filter((rate) => rate !== options.baudRate)]
      : [options.baudRate];
    this.#backoff = options.backoff ?? new Backoff();
  }

  /** The baud rate in use (or about to be). */
  get baudRate(): number {
    return this.#rates[this.#rateIndex] ?? this.#options.baudRate;
  }

  get stats(): Readonly<Record<string, number> & SerialCounts> {
    const totals: Record<string, number> = { ...this.#retired };
    for (const [name, value] of Object.entries(readerCounts(this.#reader)))
      totals[name] = (totals[name] ?? 0) + value;
    return { ...totals, ...this.#counts };
  }

  /** A fresh reader (a reopened port, another baud rate), its predecessor's counts kept. */
  #newReader(): void {
    for (const [name, value] of Object.entries(readerCounts(this.#reader)))
      this.#retired[name] = (this.#retired[name] ?? 0) + value;
    this.#reader = new NmeaReader();
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#setState('no_device');
    this.#open();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimers();
    clearTimeout(this.#reopenTimer);
    await this.#close();
  }

  #open(): void {
    if (this.#stopped) return;
    const port = new SerialPort({
      path: this.#options.path,
      baudRate: this.baudRate,
      autoOpen: false,
    });
    this.#port = port;
    port.on('data', (chunk: Buffer) => {
      // A port being released (stopped, replaced) may still deliver a chunk: not ours any more.
      if (this.#port === port && !this.#stopped) this.#onData(chunk);
    });
    port.on('error', (error: Error) => {
      this.#options.logger?.warn(
        { path: this.#options.path, err: error.message },
        'gps port error',
      );
    });
    port.on('close', () => {
      if (this.#port !== port) return; // closed on purpose, replaced
      this.#counts.disconnects += 1;
      this.#options.logger?.warn({ path: this.#options.path }, 'gps receiver disconnected');
      this.#lost();
    });
    port.open((error) => {
      if (this.#port !== port || this.#stopped) {
        // stop() (or a replacement) came while this port was opening: release it.
        if (!error) port.close(() => undefined);
        return;
      }
      if (error) {
        this.#counts.open_errors += 1;
        this.#options.logger?.warn(
          { path: this.#options.path, err: error.message },
          'cannot open the gps receiver; retrying',
        );
        this.#port = null;
        this.#scheduleReopen();
        return;
      }
      this.#counts.opens += 1;
      this.#options.logger?.info(
        { path: this.#options.path, baudRate: this.baudRate },
        'gps receiver opened',
      );
      this.#newReader();
      this.#armWatchdog();
      this.#armProbe();
    });
  }

  #onData(chunk: Buffer): void {
    this.#armWatchdog();
    const before = this.#reader.stats.checksumValid;
    for (const fix of this.#reader.push(chunk)) {
      try {
        this.#setState(stateOfFix(fix));
        this.#options.onFix(fix);
      } catch (error) {
        // The bridge's bug must not kill the port's data handler.
        this.#counts.handler_errors += 1;
        this.#options.logger?.error({ err: error }, 'fix handler failed');
      }
    }
    if (!this.#locked && this.#reader.stats.checksumValid > before) {
      this.#locked = true;
      this.#backoff.reset();
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
      this.#counts.baud_changes += 1;
      this.#options.logger?.info(
        { path: this.#options.path, baudRate: this.baudRate },
        'no valid NMEA sentence: trying another baud rate',
      );
      this.#port?.update({ baudRate: this.baudRate }, () => undefined);
      this.#newReader();
      this.#armProbe();
    }, this.#options.baudProbeMs ?? 3000);
  }

  #armWatchdog(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      this.#counts.silences += 1;
      this.#options.logger?.warn(
        { path: this.#options.path, silentMs: this.#options.watchdogMs },
        'gps receiver silent: reopening it',
      );
      this.#lost();
    }, this.#options.watchdogMs);
  }

  /** The receiver is gone (unplugged, closed, silent): say so and open the path again later. */
  #lost(): void {
    this.#setState('no_device');
    this.#locked = false;
    this.#clearTimers();
    void this.#close().then(() => {
      this.#scheduleReopen();
    });
  }

  #scheduleReopen(): void {
    if (this.#stopped) return;
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = setTimeout(() => {
      this.#open();
    }, this.#backoff.next());
  }

  async #close(): Promise<void> {
    const port = this.#port;
    this.#port = null;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => {
      port.close(() => {
        resolve();
      });
    });
  }

  #clearTimers(): void {
    clearTimeout(this.#watchdog);
    clearTimeout(this.#probe);
  }

  #setState(state: GnssState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState(state);
  }
}
