import { describe, expect, it } from 'vitest';
import { MessageFactory, StatusMessage } from '@fsbus/shared';
import { DELIVERY_STALL_S, kioskStatus, type KioskHealthInput } from './kiosk-status.js';

const T0 = Date.parse('2026-11-23T09:00:00Z');
const healthy: KioskHealthInput = {
  instance: 'kiosk-1',
  version: '0.1.0',
  startedAt: T0,
  now: T0 + 90_000,
  connected: true,
  sendingSince: null,
  pending: 0,
  oldestPendingAt: null,
  storeFailing: false,
  queueToday: true,
  visitsSent: 3,
  opinionsSent: 1,
  storeErrors: 0,
  reconnects: 0,
};

describe('the kiosk status', () => {
  it('is a valid status message with its health, metrics and no alarm when all is well', () => {
    const body = kioskStatus(healthy);
    const message = new MessageFactory({ busId: 'bfs-87-012', source: 'kiosk-1' }).create(
      'status',
      body,
    );
    expect(StatusMessage.parse(message)).toMatchObject({
      service: 'kiosk-1',
      state: 'online',
      startedAt: '2026-11-23T09:00:00.000Z',
      health: { store: 'ok', queue: 'live' },
      metrics: { uptime_s: 90, pending_facts: 0, oldest_pending_s: 0, visits_sent: 3 },
      alarms: [],
    });
  });

  it('raises kiosk_store_failing while facts are kept in memory only', () => {
    const body = kioskStatus({ ...healthy, storeFailing: true, storeErrors: 2 });
    expect(body.state).toBe('degraded');
    expect(body.health.store).toBe('failing');
    expect(body.alarms).toEqual(['kiosk_store_failing']);
  });

  it('raises kiosk_delivery_stalled when a fact waits too long on a live link, not after an outage', () => {
    const waitedThroughOutage = {
      ...healthy,
      pending: 40,
      oldestPendingAt: T0 - 3_600_000,
      sendingSince: healthy.now - 10_000,
    };
    expect(kioskStatus(waitedThroughOutage).alarms).toEqual([]);
    // In whole minutes (61 min 30 s).
    expect(kioskStatus(waitedThroughOutage).metrics.oldest_pending_s).toBe(3660);
    const stalled = {
      ...waitedThroughOutage,
      sendingSince: healthy.now - DELIVERY_STALL_S * 1000 - 1,
    };
    expect(kioskStatus(stalled).alarms).toEqual(['kiosk_delivery_stalled']);
    // Down again: the alarm waits for the link (the last will says offline meanwhile).
    expect(kioskStatus({ ...stalled, connected: false }).alarms).toEqual([]);
  });
});
