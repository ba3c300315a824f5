// A serial device opened by its path, forever: after an unplug (a re-plugged USB device gets a
// new device node, so the path is opened again, never an old handle kept), an open failure or a
// silence longer than the watchdog, it is opened again the moment its path exists, and retried
// every second while the path is there but will not open. The only module that imports
// serialport; what the bytes mean is the caller's business.
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { Logger } from '@fsbus/shared/node';
import { DEVICE_CHECK_MS, whenPresent, type DeviceWait } from './device-path.js';

export interface SerialLinkOptions {
  readonly path: string;
  readonly baudRate: number;
  /** No byte for this long: the device counts as gone and is reopened, ms; null: no watchdog. */
  readonly watchdogMs: number | null;
  /** What the device is, for log lines ("gps receiver", "door counter"). */
  readonly device: string;
  /** While the path exists but cannot be opened, the delay between tries, ms (default 1 s). */
  readonly retryMs?: number;
  readonly logger?: Logger;
  readonly onOpen: () => void;
  readonly onData: (chunk: Buffer) => void;
  /** The device went away (unplugged, silent) or could not be opened; it is opened again when it can be. */
  readonly onLost: (why: 'disconnected' | 'silent' | 'open_failed') => void;
}

export interface SerialLinkCounts {
  opens: number;
  open_errors: number;
  disconnects: number;
  silences: number;
  /** Times the device path was found missing: the link then waits for it to appear. */
  absences: number;
  handler_errors: number;
}

export class SerialLink {
  readonly #options: SerialLinkOptions;
  #baudRate: number;
  #port: SerialPort | null = null;
  #stopped = true;
  #reopenTimer: NodeJS.Timeout | undefined;
  #waiting: DeviceWait | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  /** When the current outage began (lost, or not yet opened), so it is logged once, not per try. */
  #outageSince: number | null = null;
  readonly #counts: SerialLinkCounts = {
    opens: 0,
    open_errors: 0,
    disconnects: 0,
    silences: 0,
    absences: 0,
    handler_errors: 0,
  };

  constructor(options: SerialLinkOptions) {
    this.#options = options;
    this.#baudRate = options.baudRate;
  }

  get counts(): Readonly<SerialLinkCounts> {
    return { ...this.#counts };
  }

  get baudRate(): number {
    return this.#baudRate;
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
    this.#waiting?.cancel();
    this.#waiting = undefined;
    await this.#close();
  }

  #log(level: 'debug' | 'info' | 'warn', fields: object, message: string): void {
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
      this.#outageSince = Date.now();
      this.#log('warn', {}, 'disconnected: opening it again as soon as it is back');
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
        // One line per outage, not one per try.
        const first = this.#outageSince === null;
        this.#outageSince ??= Date.now();
        this.#log(
          first ? 'warn' : 'debug',
          { err: error.message },
          'cannot be opened: opening it as soon as it can be',
        );
        this.#port = null;
        this.#guard(() => {
          this.#options.onLost('open_failed');
        });
        this.#scheduleReopen();
        return;
      }
      this.#counts.opens += 1;
      const outageMs = this.#outageSince === null ? null : Date.now() - this.#outageSince;
      this.#outageSince = null;
      this.#log(
        'info',
        { baudRate: this.#baudRate, ...(outageMs === null ? {} : { outageMs }) },
        'opened',
      );
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
      this.#outageSince = Date.now();
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

  /** Opens the path again the moment it exists; while it exists but fails, every retryMs. */
  #scheduleReopen(): void {
    if (this.#stopped) return;
    clearTimeout(this.#reopenTimer);
    this.#waiting?.cancel();
    const retryMs = this.#options.retryMs ?? DEVICE_CHECK_MS;
    if (existsSync(this.#options.path)) {
      this.#reopenTimer = setTimeout(() => {
        this.#open();
      }, retryMs);
      return;
    }
    this.#counts.absences += 1;
    this.#waiting = whenPresent(
      this.#options.path,
      () => {
        this.#waiting = undefined;
        this.#open();
      },
      retryMs,
    );
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
