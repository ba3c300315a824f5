import { describe, expect, it } from 'vitest';
import { EXAMPLES, type StatusMessage } from '@fsbus/shared';
import { healthLines, problems, SILENT_AFTER_MS } from './health.js';

const NOW = Date.parse('2026-11-23T09:41:10Z');
const bridge = EXAMPLES.status;
const status = (service: string, change: Partial<StatusMessage> = {}): StatusMessage => ({
  ...bridge,
  service,
  state: 'online',
  health: {},
  metrics: {},
  alarms: [],
  ...change,
});

const lines = (statuses: StatusMessage[], seenAt = NOW) =>
  healthLines({
    statuses: Object.fromEntries(statuses.map((s) => [s.service, s])),
    statusSeenAt: Object.fromEntries(statuses.map((s) => [s.service, seenAt])),
    now: NOW,
  });

describe('the bus’s health for the driver', () => {
  it('reads the bridge’s parts, what waits for central, the broker and each kiosk', () => {
    const all = lines([
      status('bridge', {
        state: 'degraded',
        health: { gnss: 'fix_3d', counter: 'silent', uplink: 'offline', outbox: 'ok' },
        metrics: {
          outbox_events_pending: 12,
          outbox_telemetry_pending: 30,
          outbox_oldest_event_age_s: 1500,
          outbox_oldest_telemetry_age_s: 600,
        },
        alarms: ['counter_silent'],
      }),
      status('broker'),
      status('kiosk-2', { state: 'offline' }),
      status('kiosk-1'),
    ]);
    expect(all).toEqual([
      { part: 'bridge', level: 'warn', code: 'degraded' },
      { part: 'gps', level: 'ok', code: 'fix_3d' },
      { part: 'counter', level: 'bad', code: 'silent' },
      { part: 'central', level: 'warn', code: 'offline', values: { waiting: 42, minutes: 25 } },
      { part: 'broker', level: 'ok', code: 'online' },
      { part: 'kiosk', service: 'kiosk-1', level: 'ok', code: 'online' },
      { part: 'kiosk', service: 'kiosk-2', level: 'bad', code: 'offline' },
    ]);
    expect(problems(all).map((l) => l.service ?? l.part)).toEqual([
      'counter',
      'kiosk-2',
      'bridge',
      'central',
    ]);
  });

  it('knows nothing of the bridge’s parts once it stopped, or went silent', () => {
    const stopped = lines([status('bridge', { state: 'offline' }), status('broker')]);
    expect(stopped.slice(0, 4)).toEqual([
      { part: 'bridge', level: 'bad', code: 'offline' },
      { part: 'gps', level: 'off', code: 'unknown' },
      { part: 'counter', level: 'off', code: 'unknown' },
      { part: 'central', level: 'off', code: 'unknown' },
    ]);
    const silent = lines([status('bridge'), status('broker')], NOW - SILENT_AFTER_MS - 1);
    expect(silent[0]).toEqual({ part: 'bridge', level: 'bad', code: 'silent' });
    expect(lines([])[0]).toEqual({ part: 'bridge', level: 'warn', code: 'unknown' });
  });

  it('names an outbox fault, and words a code it does not know as unknown', () => {
    const all = lines([
      status('bridge', { health: { gnss: 'fix_4d', outbox: 'disk_full', uplink: 'online' } }),
    ]);
    expect(all).toContainEqual({ part: 'gps', level: 'warn', code: 'unknown' });
    expect(all).toContainEqual({ part: 'outbox', level: 'bad', code: 'disk_full' });
  });
});
