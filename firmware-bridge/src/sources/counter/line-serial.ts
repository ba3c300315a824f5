// A door counter speaking the fsbus counter line protocol (docs/counter-protocol.md) on a serial
// port: the serial link (reopened by path as soon as it is back) plus the line reader; readings out.
import type { Logger } from '@fsbus/shared/node';
import { SerialLink } from '../serial-link.js';
import type { CounterSource, CounterSourceEvents } from './counter-source.js';
import { CounterLineReader } from './line-protocol.js';

export interface LineCounterOptions extends CounterSourceEvents {
  readonly path: string;
  readonly baudRate: number;
  /** No byte for this long: the port is reopened (a counter sends a heartbeat every second), ms. */
  readonly watchdogMs: number;
  readonly now?: () => number;
  /** While the port exists but cannot be opened, the delay between tries, ms. */
  readonly retryMs?: number;
  readonly logger?: Logger;
}

export class LineCounterSource implements CounterSource {
  readonly #options: LineCounterOptions;
  readonly #link: SerialLink;
  readonly #reader: CounterLineReader;
  readonly #now: () => number;
  #hellos = 0;
  #handlerErrors = 0;

  constructor(options: LineCounterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#reader = new CounterLineReader({
      onRejected: (code, detail) => {
        options.logger?.debug({ code, detail }, 'counter line dropped');
      },
    });
    this.#link = new SerialLink({
      path: options.path,
      baudRate: options.baudRate,
      watchdogMs: options.watchdogMs,
      device: 'door counter',
      ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
      ...(options.logger ? { logger: options.logger } : {}),
      onOpen: () => {
        options.onState('ok');
      },
      onData: (chunk) => {
        this.#onData(chunk);
      },
      onLost: (why) => {
        options.onState(why === 'silent' ? 'silent' : 'no_device');
      },
    });
  }

  get stats(): Readonly<Record<string, number>> {
    const { accepted, rejected } = this.#reader.stats;
    return {
      ...this.#link.counts,
      handler_errors: this.#link.counts.handler_errors + this.#handlerErrors,
      lines: accepted,
      hellos: this.#hellos,
      ...Object.fromEntries(Object.entries(rejected).map(([code, n]) => [`rejected_${code}`, n])),
    };
  }

  start(): void {
    this.#options.onState('no_device');
    this.#link.start();
  }

  stop(): Promise<void> {
    return this.#link.stop();
  }

  #onData(chunk: Buffer): void {
    const at = this.#now();
    for (const sentence of this.#reader.push(chunk)) {
      if (sentence.type === 'hello') {
        this.#hellos += 1;
        this.#options.logger?.info(
          { firmware: sentence.firmwareVersion, doors: sentence.doors },
          'door counter says hello',
        );
        continue;
      }
      const { door, seq, inTotal, outTotal, flags } = sentence;
      try {
        this.#options.onReading({ at, door, seq, inTotal, outTotal, flags });
      } catch (error) {
        // One reading's failure downstream must not cost the next ones of the chunk.
        this.#handlerErrors += 1;
        this.#options.logger?.error({ err: error }, 'counter reading handler failed');
      }
    }
  }
}
