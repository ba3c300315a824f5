// An off-the-shelf door counter read over Modbus RTU (RS-485): polls the in/out totals in its
// holding registers and turns them into the readings the fsbus line protocol gives, so one
// domain logic handles both; reopens the port forever when the adapter disappears.
//
// The only importer of modbus-serial. Its buffered RTU port reassembles split answers and
// skips bytes that do not start a frame for the unit polled; its errors are plain objects
// (errno ETIMEDOUT, modbusCode, "CRC error" messages) and are classified here.
import modbusSerial from 'modbus-serial';
import type { Logger } from '@fsbus/shared/node';
import type { DoorReading } from '../../domain/door-counts.js';
import { existsSync } from 'node:fs';
import { DEVICE_CHECK_MS, whenPresent, type DeviceWait } from '../device-path.js';
import type { CounterLinkState, CounterSource } from './counter-source.js';
import {
  exceptionKey,
  planReads,
  registerTotal,
  steppedBack,
  type ModbusDoorMap,
  type RegisterBlock,
} from './modbus-registers.js';

/**
 * `ok`: the latest poll cycle read every register. `silent`: the port is open but no answer
 * (timeouts, garbled frames) came for `silentAfterPolls` cycles in a row. `fault`: the device
 * answers with Modbus exceptions (wrong register map, busy, device failure). `no_device`: the
 * port is not open (unplugged adapter, missing path): opened again as soon as its path is back.
 */
export type ModbusCounterState = CounterLinkState;

export interface ModbusCounterOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly unitId: number;
  readonly pollMs: number;
  /** How long an answer is awaited, ms. */
  readonly timeoutMs: number;
  /** For 32-bit totals: `big` has the high word at the lower address. */
  readonly wordOrder: 'big' | 'little';
  readonly registerWords: 1 | 2;
  readonly doors: readonly ModbusDoorMap[];
  /**
   * A line other than the serial device at `path` (the simulated counter's): an object with
   * `open(cb)`, `close(cb)`, `write(bytes)`, `isOpen`, emitting each answer frame whole as
   * `data`, as modbus-serial expects of a port.
   */
  readonly port?: () => unknown;
  /** Poll cycles without any answer before the device counts as silent (default 3). */
  readonly silentAfterPolls?: number;
  /** While the port exists but cannot be opened, the delay between tries, ms (default 1 s). */
  readonly retryMs?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
  /**
   * Each door's totals after each poll cycle that read them, as the line protocol gives them:
   * `seq` counts the door's poll cycles, answered or not (a gap is failed polls); totals are
   * reduced mod 65536; `poweredUp` marks a total that stepped back (see `steppedBack`).
   */
  readonly onReading: (reading: DoorReading) => void;
  readonly onState: (state: ModbusCounterState) => void;
}

/** What became of one request. */
export type PollOutcome =
  | { readonly kind: 'answer'; readonly data: readonly number[] }
  | { readonly kind: 'exception'; readonly code: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'crc' }
  | { readonly kind: 'bad_frame'; readonly detail: string }
  | { readonly kind: 'port_closed'; readonly detail: string };

/** Classifies what modbus-serial rejects a request with (its errors are not all `Error`s). */
export function classifyModbusError(error: unknown): PollOutcome {
  const fields =
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  if (typeof fields.modbusCode === 'number') return { kind: 'exception', code: fields.modbusCode };
  if (fields.errno === 'ETIMEDOUT') return { kind: 'timeout' };
  if (message === 'CRC error') return { kind: 'crc' };
  if (message.startsWith('Data length error') || message.startsWith('Unexpected data error')) {
    return { kind: 'bad_frame', detail: message };
  }
  // Port Not Open, and anything else: the port is no use, open it again.
  return { kind: 'port_closed', detail: message };
}

type ModbusClient = InstanceType<typeof modbusSerial.default>;

interface ModbusCounts {
  polls: number;
  answers: number;
  timeouts: number;
  exceptions: number;
  crc_errors: number;
  bad_frames: number;
  resets: number;
  opens: number;
  open_errors: number;
  disconnects: number;
  reopens: number;
  /** Times the port's path was found missing: the source then waits for it to appear. */
  absences: number;
  handler_errors: number;
}

export class ModbusCounterSource implements CounterSource {
  readonly #options: ModbusCounterOptions;
  readonly #blocks: readonly RegisterBlock[];
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  readonly #counts: ModbusCounts = {
    polls: 0,
    answers: 0,
    timeouts: 0,
    exceptions: 0,
    crc_errors: 0,
    bad_frames: 0,
    resets: 0,
    opens: 0,
    open_errors: 0,
    disconnects: 0,
    reopens: 0,
    absences: 0,
    handler_errors: 0,
  };
  readonly #exceptionCounts = new Map<string, number>();
  readonly #seq = new Map<number, number>();
  /** Full totals of each door's latest reading, to see a reset (also across a reopen). */
  readonly #last = new Map<number, { inTotal: number; outTotal: number }>();
  #client: ModbusClient | null = null;
  #stopped = true;
  #state: ModbusCounterState | null = null;
  #silentCycles = 0;
  /** Failure kinds already logged in the current outage; null while all is well. */
  #outage: Set<string> | null = null;
  #pollTimer: NodeJS.Timeout | undefined;
  #reopenTimer: NodeJS.Timeout | undefined;
  #waiting: DeviceWait | undefined;
  #opening: Promise<void> = Promise.resolve();
  /** Poll cycles under way: one, or a lost port's still awaiting its answer timer. */
  readonly #cycles = new Set<Promise<void>>();

  constructor(options: ModbusCounterOptions) {
    if (options.doors.length === 0) throw new RangeError('doors: at least one door to poll');
    this.#options = options;
    this.#blocks = planReads(options.doors, options.registerWords);
    this.#now = options.now ?? Date.now;
    this.#log = options.logger;
  }

  /** The requests of one poll cycle. */
  get blocks(): readonly RegisterBlock[] {
    return this.#blocks;
  }

  /** Counters for the status topic: requests, answers, failures by kind, reopens. */
  get stats(): Readonly<Record<string, number> & ModbusCounts> {
    return { ...this.#counts, ...Object.fromEntries(this.#exceptionCounts) };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#setState('no_device');
    this.#open();
  }

  /** Closes the port and clears every timer; waits for the request in flight (timeoutMs). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#pollTimer);
    clearTimeout(this.#reopenTimer);
    this.#waiting?.cancel();
    this.#waiting = undefined;
    const client = this.#client;
    this.#client = null;
    await this.#opening;
    await closeClient(client);
    // modbus-serial keeps its answer timer running after close: let the request settle.
    await Promise.all(this.#cycles);
  }

  #open(): void {
    if (this.#stopped) return;
    const { path, baudRate, unitId, timeoutMs } = this.#options;
    const logger = this.#log;
    const port = this.#options.port?.();
    const client = new modbusSerial.default(port);
    this.#client = client;
    client.setID(unitId);
    client.setTimeout(timeoutMs);
    client.on('error', (error: unknown) => {
      // Answers to the request in flight say more (timeout, port closed); keep it at debug.
      logger?.debug({ path, err: classifyModbusError(error) }, 'counter port error');
    });
    client.on('close', () => {
      if (this.#client !== client) return; // closed on purpose
      this.#lost('the port closed');
    });
    const connected =
      port === undefined
        ? client.connectRTUBuffered(path, { baudRate })
        : new Promise<void>((resolve, reject) => {
            client.open((error: Error | null) => {
              if (error) reject(error);
              else resolve();
            });
          });
    this.#opening = connected.then(
      async () => {
        if (this.#client !== client) {
          await closeClient(client);
          return;
        }
        if (this.#counts.opens > 0) this.#counts.reopens += 1;
        this.#counts.opens += 1;
        logger?.info({ path, baudRate, unitId }, 'counter port opened');
        this.#schedulePoll(client, 0);
      },
      (error: unknown) => {
        if (this.#client !== client) return;
        this.#client = null;
        this.#counts.open_errors += 1;
        const detail = error instanceof Error ? error.message : String(error);
        this.#noteFailure('open_error', { path, err: detail }, 'cannot open the counter port');
        this.#scheduleReopen();
      },
    );
  }

  #schedulePoll(client: ModbusClient, delayMs: number): void {
    clearTimeout(this.#pollTimer);
    this.#pollTimer = setTimeout(() => {
      const cycle = this.#poll(client).finally(() => this.#cycles.delete(cycle));
      this.#cycles.add(cycle);
    }, delayMs);
  }

  /** One poll cycle: every block in turn (RTU is half duplex), then a reading per door. */
  async #poll(client: ModbusClient): Promise<void> {
    const started = this.#now();
    const registers = new Map<number, number>();
    let answers = 0;
    let exceptions = 0;
    let failures = 0;
    for (const block of this.#blocks) {
      this.#counts.polls += 1;
      const outcome = await readBlock(client, block);
      if (this.#client !== client) return; // stopped or lost meanwhile
      if (outcome.kind === 'answer') {
        answers += 1;
        this.#counts.answers += 1;
        outcome.data.forEach((value, i) => registers.set(block.address + i, value));
        continue;
      }
      if (outcome.kind === 'port_closed') {
        this.#lost(outcome.detail);
        return;
      }
      if (outcome.kind === 'exception') exceptions += 1;
      else failures += 1;
      this.#countFailure(outcome, block);
      // After a lost or garbled answer the next request waits for the next cycle, so a late
      // answer cannot be taken for the answer to another request (RTU frames carry no id).
      if (outcome.kind !== 'exception') break;
    }
    this.#emitReadings(registers);
    this.#assess(answers, exceptions, failures);
    const elapsed = this.#now() - started;
    // And that cycle starts after a quiet line: an answer that comes late (or is read late,
    // on a busy machine whose timers ran before its input) lands on the expired request and is
    // dropped, instead of being taken for the next one's: another door's totals.
    const quiet = failures > 0 ? this.#options.timeoutMs : 0;
    this.#schedulePoll(client, Math.max(quiet, this.#options.pollMs - elapsed));
  }

  #emitReadings(registers: ReadonlyMap<number, number>): void {
    const { registerWords, wordOrder } = this.#options;
    const at = this.#now();
    for (const { door, inAddress, outAddress } of this.#options.doors) {
      const seq = ((this.#seq.get(door) ?? -1) + 1) % 0x10000;
      this.#seq.set(door, seq);
      const inTotal = registerTotal(registers, inAddress, registerWords, wordOrder);
      const outTotal = registerTotal(registers, outAddress, registerWords, wordOrder);
      if (inTotal === null || outTotal === null) continue;
      const last = this.#last.get(door);
      const reset =
        last !== undefined &&
        (steppedBack(last.inTotal, inTotal, registerWords) ||
          steppedBack(last.outTotal, outTotal, registerWords));
      this.#last.set(door, { inTotal, outTotal });
      if (reset) {
        this.#counts.resets += 1;
        this.#log?.warn({ door, last, inTotal, outTotal }, 'counter totals reset');
      }
      this.#deliver({
        at,
        door,
        seq,
        inTotal: inTotal % 0x10000,
        outTotal: outTotal % 0x10000,
        flags: { blocked: false, tamper: false, lowSignal: false, poweredUp: reset },
      });
    }
  }

  #deliver(reading: DoorReading): void {
    try {
      this.#options.onReading(reading);
    } catch (error) {
      // The bridge's bug must not stop the polling.
      this.#counts.handler_errors += 1;
      this.#log?.error({ err: error, door: reading.door }, 'reading handler failed');
    }
  }

  /** The state a poll cycle leaves the device in; a partial cycle changes nothing. */
  #assess(answers: number, exceptions: number, failures: number): void {
    if (answers > 0 || exceptions > 0) {
      this.#silentCycles = 0;
    }
    if (exceptions > 0) {
      this.#setState('fault');
    } else if (answers === this.#blocks.length) {
      if (this.#outage !== null) {
        this.#log?.info({ path: this.#options.path }, 'counter answers again');
        this.#outage = null;
      }
      this.#setState('ok');
    } else if (answers === 0 && failures > 0) {
      this.#silentCycles += 1;
      if (this.#silentCycles >= (this.#options.silentAfterPolls ?? 3)) this.#setState('silent');
    }
  }

  #countFailure(
    outcome: Exclude<PollOutcome, { kind: 'answer' | 'port_closed' }>,
    block: RegisterBlock,
  ) {
    const where = { path: this.#options.path, unitId: this.#options.unitId, ...block };
    switch (outcome.kind) {
      case 'timeout':
        this.#counts.timeouts += 1;
        this.#noteFailure('timeout', where, 'counter does not answer');
        return;
      case 'exception': {
        this.#counts.exceptions += 1;
        const key = exceptionKey(outcome.code);
        this.#exceptionCounts.set(key, (this.#exceptionCounts.get(key) ?? 0) + 1);
        this.#noteFailure(key, { ...where, code: outcome.code }, 'counter answers an exception');
        return;
      }
      case 'crc':
        this.#counts.crc_errors += 1;
        this.#noteFailure('crc', where, 'counter answer fails its CRC');
        return;
      case 'bad_frame':
        this.#counts.bad_frames += 1;
        this.#noteFailure('bad_frame', { ...where, err: outcome.detail }, 'counter answer garbled');
        return;
    }
  }

  /** Logs a failure at warn the first time its kind occurs in an outage, else at debug. */
  #noteFailure(kind: string, fields: Record<string, unknown>, message: string): void {
    this.#outage ??= new Set();
    const first = !this.#outage.has(kind);
    this.#outage.add(kind);
    if (first) this.#log?.warn({ ...fields, kind }, message);
    else this.#log?.debug({ ...fields, kind }, message);
  }

  /** The port is gone (unplugged, closed): say so and open the path again later. */
  #lost(why: string): void {
    this.#counts.disconnects += 1;
    this.#log?.warn({ path: this.#options.path, why }, 'counter port disconnected');
    const client = this.#client;
    this.#client = null;
    clearTimeout(this.#pollTimer);
    this.#setState('no_device');
    void closeClient(client).then(() => {
      this.#scheduleReopen();
    });
  }

  /** Opens the port again the moment its path exists; while it exists but fails, every retryMs. */
  #scheduleReopen(): void {
    if (this.#stopped) return;
    clearTimeout(this.#reopenTimer);
    this.#waiting?.cancel();
    const retryMs = this.#options.retryMs ?? DEVICE_CHECK_MS;
    if (this.#options.port !== undefined || existsSync(this.#options.path)) {
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

  #setState(state: ModbusCounterState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#log?.info({ path: this.#options.path, state }, 'counter state');
    try {
      this.#options.onState(state);
    } catch (error) {
      this.#counts.handler_errors += 1;
      this.#log?.error({ err: error, state }, 'state handler failed');
    }
  }
}

async function readBlock(client: ModbusClient, block: RegisterBlock): Promise<PollOutcome> {
  try {
    const { data } = await client.readHoldingRegisters(block.address, block.length);
    if (data.length !== block.length) {
      return { kind: 'bad_frame', detail: `${data.length} registers for ${block.length}` };
    }
    return { kind: 'answer', data };
  } catch (error: unknown) {
    return classifyModbusError(error);
  }
}

/** Closes a client's port, whatever state it is in; never rejects. */
async function closeClient(client: ModbusClient | null): Promise<void> {
  if (client === null) return;
  if (!client.isOpen) return;
  await new Promise<void>((resolve) => {
    client.close(() => {
      resolve();
    });
  });
}
