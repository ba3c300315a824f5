// gpsd client: TCP to gpsd, WATCH in JSON, TPV and SKY reports turned into fixes; reconnects
// forever and treats a silent gpsd as gone.
//
// Written on node:net rather than with node-gpsd-client 1.4.1 (the package the design named),
// because its source (index.js, message_buffer.js) gets the hard parts wrong:
// - reconnect only from a fixed setInterval that is off by default, started on close
//   and never cleared (disconnect() leaves it running, so the process cannot exit); no backoff;
//   ECONNREFUSED/ECONNRESET are swallowed silently, so with the defaults gpsd down at start is
//   never retried nor reported;
//   it calls connect() again on the same destroyed net.Socket before 'close' (undefined in Node);
// - framing: its line buffer has no size limit (a peer that never sends '\n' grows it without
//   bound) and the socket is decoded as 'ascii', which mangles any non-ASCII byte;
// - errors: bad JSON is emitted as an 'error' event, which throws out of the socket's data
//   handler when nobody listens; a listener's own exception is caught and misreported as
//   "Bad message format";
// - maintenance and types: one release (Dec 2024), no tests, CommonJS, no type declarations.
import net from 'node:net';
import type { Logger } from '@fsbus/shared/node';
import type { Fix, FixMode } from '../domain/fix.js';
import {
  Backoff,
  stateOfFix,
  type GnssState,
  type PositionSource,
  type PositionSourceEvents,
} from './position-source.js';

/** Longest report line kept; gpsd's largest (SKY with every satellite) is a few KiB. */
export const MAX_LINE_BYTES = 64 * 1024;

/** The command that makes gpsd stream its reports as JSON lines. */
export const WATCH_COMMAND = '?WATCH={"enable":true,"json":true};\n';

export interface GpsdSourceOptions extends PositionSourceEvents {
  readonly host: string;
  readonly port: number;
  /** No TPV for this long (connecting included): gpsd counts as gone and is reconnected, ms. */
  readonly watchdogMs?: number;
  readonly backoff?: Backoff;
  readonly maxLineBytes?: number;
  readonly logger?: Logger;
}

/** The sky as the latest SKY reports gave it: what a TPV lacks to make a fix. */
export type SkySummary = Pick<
  Fix,
  'hdop' | 'vdop' | 'pdop' | 'satellitesUsed' | 'satellitesVisible'
>;

export const EMPTY_SKY: SkySummary = Object.freeze({
  hdop: null,
  vdop: null,
  pdop: null,
  satellitesUsed: null,
  satellitesVisible: null,
});

type Report = Readonly<Record<string, unknown>>;

function isReport(value: unknown): value is Report {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function modeOf(value: unknown): FixMode {
  if (value === 3) return '3d';
  if (value === 2) return '2d';
  return 'none'; // 0 (unknown), 1 (no fix), or missing
}

/** One fix from a gpsd TPV report and the sky of the latest SKY reports. */
export function fixFromTpv(tpv: Report, sky: SkySummary): Fix {
  const mode = modeOf(tpv.mode);
  const time = typeof tpv.time === 'string' ? Date.parse(tpv.time) : NaN;
  const lat = num(tpv.lat);
  const lon = num(tpv.lon);
  // A position is both coordinates, in range, with a fix; anything else is no position.
  const positioned =
    mode !== 'none' && lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  return {
    time: Number.isNaN(time) ? null : time,
    mode,
    lat: positioned ? lat : null,
    lon: positioned ? lon : null,
    // gpsd 3.20+ says altMSL; older ones only alt (which meant MSL too).
    alt: positioned ? (num(tpv.altMSL) ?? num(tpv.alt)) : null,
    speed: num(tpv.speed),
    track: num(tpv.track),
    eph: num(tpv.eph),
    ...sky,
  };
}

/**
 * The sky after a SKY report: its DOPs and satellite counts (uSat/nSat, else counted from
 * `satellites[].used`). gpsd also sends partial SKYs (e.g. one per GSA with hdop and uSat only):
 * a field a SKY omits keeps its previous value.
 */
export function mergeSky(previous: SkySummary, report: Report): SkySummary {
  const satellites = Array.isArray(report.satellites) ? (report.satellites as unknown[]) : null;
  const used = satellites?.filter((sat) => isReport(sat) && sat.used === true).length ?? null;
  return {
    hdop: num(report.hdop) ?? previous.hdop,
    vdop: num(report.vdop) ?? previous.vdop,
    pdop: num(report.pdop) ?? previous.pdop,
    satellitesUsed: num(report.uSat) ?? used ?? previous.satellitesUsed,
    satellitesVisible: num(report.nSat) ?? satellites?.length ?? previous.satellitesVisible,
  };
}

/**
 * Frames newline-terminated lines out of arbitrary chunks; a line longer than `maxBytes` is
 * dropped whole (counted once), without holding more than `maxBytes` in memory.
 */
export class LineFramer {
  readonly #maxBytes: number;
  #parts: Buffer[] = [];
  #size = 0;
  /** The rest of an over-long line is being skipped. */
  #skipping = false;
  tooLong = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The lines these bytes completed, decoded as UTF-8, without their line ending. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      if (this.#keep(chunk.subarray(start, end))) {
        const line = Buffer.concat(this.#parts, this.#size).toString('utf8').trim();
        if (line !== '') lines.push(line);
      }
      this.#parts = [];
      this.#size = 0;
      this.#skipping = false;
      start = end + 1;
    }
    if (start < chunk.length) this.#keep(chunk.subarray(start));
    return lines;
  }

  reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.#skipping = false;
  }

  /** Adds bytes to the line in progress; false when that line is (now) too long. */
  #keep(bytes: Buffer): boolean {
    if (this.#skipping) return false;
    if (this.#size + bytes.length > this.#maxBytes) {
      this.tooLong += 1;
      this.#skipping = true;
      this.#parts = [];
      this.#size = 0;
      return false;
    }
    this.#parts.push(bytes);
    this.#size += bytes.length;
    return true;
  }
}

interface GpsdCounts {
  connects: number;
  connect_errors: number;
  disconnects: number;
  silences: number;
  reconnects: number;
  reports: number;
  fixes: number;
  bad_json: number;
  ignored: number;
  gpsd_errors: number;
  handler_errors: number;
}

/** Fixes from gpsd over TCP; `no_device` while gpsd is unreachable, silent or has no receiver. */
export class GpsdSource implements PositionSource {
  readonly #options: GpsdSourceOptions;
  readonly #backoff: Backoff;
  readonly #watchdogMs: number;
  readonly #framer: LineFramer;
  readonly #log: Logger | undefined;
  #socket: net.Socket | null = null;
  #closed: Promise<void> = Promise.resolve();
  #sky: SkySummary = EMPTY_SKY;
  /** Paths of the receivers gpsd says are active. */
  #devices = new Set<string>();
  #state: GnssState | null = null;
  /** The current outage was logged at warn: the rest of it goes to debug. */
  #outageLogged = false;
  #stopped = true;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  readonly #counts: GpsdCounts = {
    connects: 0,
    connect_errors: 0,
    disconnects: 0,
    silences: 0,
    reconnects: 0,
    reports: 0,
    fixes: 0,
    bad_json: 0,
    ignored: 0,
    gpsd_errors: 0,
    handler_errors: 0,
  };

  constructor(options: GpsdSourceOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? new Backoff();
    this.#watchdogMs = options.watchdogMs ?? 10_000;
    this.#framer = new LineFramer(options.maxLineBytes ?? MAX_LINE_BYTES);
    this.#log = options.logger;
  }

  get stats(): Readonly<Record<string, number> & GpsdCounts & { too_long: number }> {
    return { ...this.#counts, too_long: this.#framer.tooLong };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#outageLogged = false;
    this.#setState('no_device');
    this.#connect();
  }

  /** Closes the socket and clears every timer; resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#watchdog);
    this.#socket?.destroy();
    await this.#closed;
  }

  #connect(): void {
    if (this.#stopped) return;
    const { host, port } = this.#options;
    const socket = net.createConnection({ host, port });
    this.#socket = socket;
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        resolve();
      });
    });
    let connected = false;
    this.#armWatchdog(); // also bounds a connect that hangs (a SYN to nowhere)
    socket.on('connect', () => {
      connected = true;
      this.#counts.connects += 1;
      this.#log?.debug({ host, port }, 'connected to gpsd');
      socket.write(WATCH_COMMAND);
    });
    socket.on('data', (chunk: Buffer) => {
      this.#onData(chunk);
    });
    socket.on('error', (error) => {
      if (!connected) this.#counts.connect_errors += 1;
      this.#outage(connected ? 'gpsd connection error' : 'cannot connect to gpsd', {
        err: error.message,
      });
    });
    socket.on('close', () => {
      if (connected) this.#counts.disconnects += 1;
      this.#onClose(socket);
    });
  }

  #onClose(socket: net.Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    clearTimeout(this.#watchdog);
    this.#framer.reset();
    this.#sky = EMPTY_SKY;
    this.#devices.clear();
    if (this.#stopped) return;
    this.#outage('gpsd connection closed');
    const delay = this.#backoff.next();
    this.#counts.reconnects += 1;
    this.#log?.debug({ delayMs: delay }, 'reconnecting to gpsd');
    this.#reconnectTimer = setTimeout(() => {
      this.#connect();
    }, delay);
  }

  #onData(chunk: Buffer): void {
    for (const line of this.#framer.push(chunk)) {
      let report: unknown;
      try {
        report = JSON.parse(line);
      } catch {
        this.#counts.bad_json += 1;
        this.#log?.debug({ line: line.slice(0, 80) }, 'gpsd line is not JSON');
        continue;
      }
      if (!isReport(report) || typeof report.class !== 'string') {
        this.#counts.bad_json += 1;
        this.#log?.debug({ line: line.slice(0, 80) }, 'gpsd line is not a report');
        continue;
      }
      this.#counts.reports += 1;
      this.#backoff.reset(); // gpsd answers: the next loss starts again from the short delay
      try {
        this.#onReport(report);
      } catch (error) {
        // onFix or onState (the consumer's code) threw: a socket handler must not.
        this.#counts.handler_errors += 1;
        this.#log?.error({ err: error }, 'a gpsd report handler threw');
      }
    }
  }

  #onReport(report: Report): void {
    switch (report.class) {
      case 'TPV': {
        this.#armWatchdog();
        if (typeof report.device === 'string') this.#devices.add(report.device);
        const fix = fixFromTpv(report, this.#sky);
        this.#counts.fixes += 1;
        if (this.#outageLogged || this.#counts.fixes === 1) {
          this.#outageLogged = false;
          this.#log?.info(
            { host: this.#options.host, port: this.#options.port },
            'gpsd delivers fixes',
          );
        }
        this.#setState(stateOfFix(fix));
        this.#options.onFix(fix);
        return;
      }
      case 'SKY':
        this.#sky = mergeSky(this.#sky, report);
        return;
      case 'DEVICES': {
        const list = Array.isArray(report.devices) ? (report.devices as unknown[]) : [];
        this.#devices = new Set(
          list.flatMap((device) =>
            isReport(device) && typeof device.path === 'string' ? [device.path] : [],
          ),
        );
        this.#onDevices();
        return;
      }
      case 'DEVICE':
        if (typeof report.path !== 'string') return;
        // `activated` is a time while the device is open, 0 once gpsd closed it.
        if (report.activated !== 0) {
          this.#devices.add(report.path);
          this.#onDevices();
        } else if (this.#devices.delete(report.path) && this.#devices.size === 0) {
          this.#sky = EMPTY_SKY;
          this.#outage('gpsd closed the receiver', { device: report.path });
        }
        return;
      case 'ERROR':
        this.#counts.gpsd_errors += 1;
        this.#log?.warn({ message: report.message }, 'gpsd reports an error');
        return;
      case 'VERSION':
      case 'WATCH':
        return;
      default:
        this.#counts.ignored += 1; // GST, ATT, PPS, TOFF, AIS...: nothing the bridge uses
    }
  }

  #onDevices(): void {
    if (this.#devices.size > 0) {
      if (this.#state === 'no_device') this.#setState('no_fix');
      return;
    }
    // Normal on each new connection: gpsd opens its receivers only once a client watches. The
    // watchdog turns a lasting absence into an outage.
    this.#sky = EMPTY_SKY;
    this.#log?.debug('gpsd has no active receiver');
    this.#setState('no_device');
  }

  /** No TPV for watchdogMs: gpsd (or its receiver) is gone though the socket is open. */
  #armWatchdog(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      this.#counts.silences += 1;
      this.#outage('no report from gpsd: reconnecting', { silentMs: this.#watchdogMs });
      this.#socket?.destroy(); // 'close' schedules the reconnect
    }, this.#watchdogMs);
  }

  /** Says no_device; logs at warn once per outage (until fixes flow again), then at debug. */
  #outage(what: string, fields: Record<string, unknown> = {}): void {
    const line = { host: this.#options.host, port: this.#options.port, ...fields };
    if (this.#outageLogged) {
      this.#log?.debug(line, what);
    } else {
      this.#outageLogged = true;
      this.#log?.warn(line, what);
    }
    this.#setState('no_device');
  }

  #setState(state: GnssState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState(state);
  }
}
