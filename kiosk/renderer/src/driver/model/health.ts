// The bus's health as the driver reads it: one line per part (the bridge, GPS, door counter,
// link to central, on-board broker, each kiosk), each with a level and a code the screen words,
// from the services' retained status messages. Pure: the link's state and the time in.
import { STATUS_INTERVAL_S, type StatusMessage } from '@fsbus/shared';

/** ok: fine; warn: look when you can; bad: act; off: not fitted or not known. */
export type Level = 'ok' | 'warn' | 'bad' | 'off';

export type Part = 'bridge' | 'gps' | 'counter' | 'central' | 'outbox' | 'broker' | 'kiosk';

export interface HealthLine {
  readonly part: Part;
  /** The service, for a kiosk (kiosk-1...). */
  readonly service?: string;
  readonly level: Level;
  /** What the screen says, as `health.{part}.{code}`. */
  readonly code: string;
  /** Numbers the words need (messages waiting, minutes). */
  readonly values?: Readonly<Record<string, number>>;
}

export interface HealthInput {
  readonly statuses: Readonly<Record<string, StatusMessage>>;
  /** When each status arrived (ms). */
  readonly statusSeenAt: Readonly<Record<string, number>>;
  readonly now: number;
}

/** A status not renewed for this long (a service republishes every 30 s) is silent, ms. */
export const SILENT_AFTER_MS = 2.5 * STATUS_INTERVAL_S * 1000;

const GPS: Record<string, Level> = { fix_3d: 'ok', fix_2d: 'ok', no_fix: 'warn', no_device: 'bad' };
const COUNTER: Record<string, Level> = {
  ok: 'ok',
  none: 'off',
  silent: 'bad',
  blocked: 'bad',
  fault: 'bad',
};
/** Offline is normal in a dead zone: what waits is kept; a refused login is not. */
const CENTRAL: Record<string, Level> = {
  online: 'ok',
  connecting: 'warn',
  offline: 'warn',
  auth_failed: 'bad',
  tls_error: 'bad',
  disabled: 'off',
};

/** The bridge's outbox faults the screen words (any other reads as io_error). */
const OUTBOX_CODES: ReadonlySet<string> = new Set(['full', 'disk_full', 'io_error']);

/** A service's state as a level and code: its own, or silent when its status is old. */
function serviceLine(part: Part, input: HealthInput, service: string): HealthLine {
  const status = input.statuses[service];
  // The bridge and the broker always run on a bus: no status from one is worth a look.
  if (status === undefined) return { part, level: 'warn', code: 'unknown' };
  const extra = part === 'kiosk' ? { service } : {};
  if (status.state === 'offline') return { part, ...extra, level: 'bad', code: 'offline' };
  const seenAt = input.statusSeenAt[service] ?? input.now;
  if (input.now - seenAt > SILENT_AFTER_MS) return { part, ...extra, level: 'bad', code: 'silent' };
  return status.state === 'degraded'
    ? { part, ...extra, level: 'warn', code: 'degraded' }
    : { part, ...extra, level: 'ok', code: 'online' };
}

/** Every part's line, in the order the screen lists them. */
export function healthLines(input: HealthInput): HealthLine[] {
  const lines: HealthLine[] = [serviceLine('bridge', input, 'bridge')];
  const bridge = input.statuses.bridge;
  // The bridge's parts are known only while it runs.
  const running = bridge !== undefined && lines[0]?.level !== 'bad';
  const part = (
    name: 'gps' | 'counter',
    code: string | undefined,
    levels: Record<string, Level>,
  ): HealthLine => {
    if (!running || code === undefined) return { part: name, level: 'off', code: 'unknown' };
    // A code from a newer bridge: worth a look, in words the screen has.
    const level = levels[code];
    return level === undefined
      ? { part: name, level: 'warn', code: 'unknown' }
      : { part: name, level, code };
  };
  lines.push(part('gps', bridge?.health.gnss, GPS));
  lines.push(part('counter', bridge?.health.counter, COUNTER));
  if (running) {
    const uplink = bridge.health.uplink ?? 'disabled';
    const m = bridge.metrics;
    const waiting = (m.outbox_events_pending ?? 0) + (m.outbox_telemetry_pending ?? 0);
    const oldestS = Math.max(
      m.outbox_oldest_event_age_s ?? 0,
      m.outbox_oldest_telemetry_age_s ?? 0,
    );
    lines.push({
      part: 'central',
      level: CENTRAL[uplink] ?? 'warn',
      code: uplink in CENTRAL ? uplink : 'offline',
      values: { waiting, minutes: Math.floor(oldestS / 60) },
    });
    const outbox = bridge.health.outbox ?? 'ok';
    if (outbox !== 'ok')
      lines.push({
        part: 'outbox',
        level: 'bad',
        code: OUTBOX_CODES.has(outbox) ? outbox : 'io_error',
      });
  } else lines.push({ part: 'central', level: 'off', code: 'unknown' });
  lines.push(serviceLine('broker', input, 'broker'));
  const kiosks = Object.keys(input.statuses)
    .filter((service) => /^kiosk-\d+$/.test(service))
    .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
  for (const kiosk of kiosks) lines.push(serviceLine('kiosk', input, kiosk));
  return lines;
}

/** What needs the driver, the worst first: the banner's lines. */
export function problems(lines: readonly HealthLine[]): HealthLine[] {
  return [
    ...lines.filter((line) => line.level === 'bad'),
    ...lines.filter((line) => line.level === 'warn'),
  ];
}
