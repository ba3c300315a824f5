// A serial device opened by its path, forever: reopened with a capped backoff after an unplug
// (a re-plugged USB device gets a new device node, so the path is opened again, never an old
// handle kept), an open failure or a silence longer than the watchdog. The only module that
// imports serialport; what the bytes mean is the caller's business.
import { SerialPort } from 'serialport';
import type { Logger } from '@fsbus/shared/node';
import { Backoff } from './position-source.js';

export interface SerialLinkOptions {
  readonly path: string;
  readonly baudRate: number;
  /** No byte for this long: the device counts as gone and is reopened, ms; null: no watchdog. */
  readonly watchdogMs: number | null;
  /** What the device is, for log lines ("gps receiver", "door counter"). */
  readonly device: string;
  readonly backoff?: Backoff;
  readonly logger?: Logger;
  readonly onOpen: () => void;
  readonly onData: (chunk: Buffer) => void;
  /** The device went away (unplugged, silent) or could not be opened; a reopen is scheduled. */
  readonly onLost: (why: 'disconnected' | 'silent' | 'open_failed') => void;
}

export interface SerialLinkCounts {
  opens: number;
  open_errors: number;
  disconnects: number;
  silences: number;
  handler_errors: number;
}

export class SerialLink {
  readonly #options: SerialLinkOptions;
  readonly #backoff: Backoff;
  #baudRate: number;
  #port: SerialPort | null = null;
  #stopped = true;
  #reopenTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  readonly #counts: SerialLinkCounts = {
    opens: 0,
    open_errors: 0,
    disconnects: 0,
    silences: 0,
    handler_errors: 0,
  };

  constructor(options: SerialLinkOptions) {
    this.#options = options;
    this.#baudRate = options.baudRate;
    this.#backoff = options.backoff ?? new Backoff();
  }

  get counts(): Readonly<SerialLinkCounts> {
    return { ...this.#counts };
  }

  get baudRate(): number {
    return this.#baudRate;
  }

  /** The device talks sense: the next loss starts the backoff from its first delay again. */
  healthy(): void {
    this.#backoff.reset();
  }

  /** Switches the open port (and later reopens) to another baud rate. */
  setBaudRate(baudRate: number): void {
    this.#baudRate = baudRate;
    this.#port?.update({ baudRate }, () => undefined);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#open();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#watchdog);
    clearTimeout(this.#reopenTimer);
    await this.#close();
  }

  #log(level: 'info' | 'warn', fields: object, message: string): void {
    this.#options.logger?.[level](
      { path: this.#options.path, ...fields },
      `${this.#options.device} ${message}`,
    );
  }

  /** Runs a caller's handler; its exception is counted and logged, never thrown into serialport. */
  #guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.#counts.handler_errors += 1;
      this.#options.logger?.error(
        { err: error, path: this.#options.path },
        'serial handler failed',
      );
    }
  }

  #open(): void {
    if (this.#stopped) return;
    const port = new SerialPort({
      path: this.#options.path,
      baudRate: this.#baudRate,
      autoOpen: false,
    });
    this.#port = port;
    port.on('data', (chunk: Buffer) => {
      // A port being released (stopped, replaced) may still deliver a chunk: not ours any more.
      if (this.#port !== port || this.#stopped) return;
      this.#armWatchdog();
      this.#guard(() => {
        this.#options.onData(chunk);
      });
    });
    port.on('error', (error: Error) => {
      this.#log('warn', { err: error.message }, 'port error');
    });
    port.on('close', () => {
      if (this.#port !== port) return; // closed on purpose, or replaced
      this.#counts.disconnects += 1;
      this.#log('warn', {}, 'disconnected');
      this.#lost('disconnected');
    });
    port.open((error) => {
      if (this.#port !== port || this.#stopped) {
        // stop() (or a replacement) came while this port was opening: release it.
        if (!error) port.close(() => undefined);
        return;
      }
      if (error) {
        this.#counts.open_errors += 1;
        this.#log('warn', { err: error.message }, 'cannot be opened; retrying');
        this.#port = null;
        this.#guard(() => {
          this.#options.onLost('open_failed');
        });
        this.#scheduleReopen();
        return;
      }
      this.#counts.opens += 1;
      this.#log('info', { baudRate: this.#baudRate }, 'opened');
      this.#armWatchdog();
      this.#guard(() => {
        this.#options.onOpen();
      });
    });
  }

  #armWatchdog(): void {
    clearTimeout(this.#watchdog);
    const { watchdogMs } = this.#options;
    if (watchdogMs === null) return;
    this.#watchdog = setTimeout(() => {
      this.#counts.silences += 1;
      this.#log('warn', { silentMs: watchdogMs }, 'silent: reopening it');
      this.#lost('silent');
    }, watchdogMs);
  }

  #lost(why: 'disconnected' | 'silent'): void {
    clearTimeout(this.#watchdog);
    this.#guard(() => {
      this.#options.onLost(why);
    });
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
}
