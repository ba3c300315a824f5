import { describe, expect, it } from 'vitest';
import {
  MessageFactory,
  decodeMessage,
  statusTopic,
  topicFor,
  type BusNowResponse,
  type Stream,
  exampleBody,
} from '@fsbus/shared';
import { applyMessage, fleetOf, fleetRows, mergeSnapshot } from './fleet.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');

function bus(busId: string, change: Partial<BusNowResponse> = {}): BusNowResponse {
  return {
    busId,
    lastSeen: new Date(NOW - 60_000).toISOString(),
    position: {
      lat: 45.6,
      lon: 4.06,
      speed: 0,
      track: null,
      ts: new Date(NOW - 60_000).toISOString(),
    },
    stop: null,
    onBoard: 2,
    onBoardAt: new Date(NOW - 60_000).toISOString(),
    today: { visits: 4, peopleIn: 9 },
    services: {},
    backlog: null,
    ...change,
  };
}

/** A message as central relays it: made by the shared factory, decoded as the console does. */
function relayed(busId: string, stream: Stream, change: object, at: number) {
  const body = exampleBody(stream);
  const factory = new MessageFactory({ busId, source: 'bridge', clock: () => new Date(at) });
  const message = factory.create(stream, { ...body, ...change });
  const topic =
    stream === 'status'
      ? statusTopic(busId, (message as { service: string }).service)
      : topicFor(stream, busId);
  return decodeMessage(topic, JSON.stringify(message));
}

describe('the fleet now in the console', () => {
  it('moves a bus with each newer fix and ignores an older one drained late', () => {
    let fleet = fleetOf([bus('bfs-42-001')]);
    fleet = applyMessage(fleet, relayed('bfs-42-001', 'gnss', { lat: 45.7, lon: 4.1 }, NOW), NOW);
    expect(fleet.get('bfs-42-001')?.position).toMatchObject({ lat: 45.7, lon: 4.1 });
    const late = relayed('bfs-42-001', 'gnss', { lat: 45.0, lon: 4.0 }, NOW - 3_600_000);
    expect(applyMessage(fleet, late, NOW)).toBe(fleet);
  });

  it('counts today’s visits and people in as they come, and takes each status', () => {
    let fleet = fleetOf([bus('bfs-42-001')]);
    fleet = applyMessage(fleet, relayed('bfs-42-001', 'visit', {}, NOW), NOW);
    fleet = applyMessage(fleet, relayed('bfs-42-001', 'door', { in: 3, out: 1 }, NOW), NOW);
    const status = relayed(
      'bfs-42-001',
      'status',
      {
        service: 'bridge',
        state: 'degraded',
        alarms: ['gnss_no_fix'],
        metrics: { outbox_events_pending: 12 },
      },
      NOW,
    );
    fleet = applyMessage(fleet, status, NOW + 5);
    const now = fleet.get('bfs-42-001');
    expect(now?.today).toEqual({ visits: 5, peopleIn: 12 });
    expect(now?.lastSeen).toBe(new Date(NOW + 5).toISOString());
    expect(now?.services.bridge).toMatchObject({ state: 'degraded', alarms: ['gnss_no_fix'] });
    expect(now?.backlog?.events).toBe(12);
  });

  it('counts only today’s visits, and keeps the newest head count', () => {
    let fleet = fleetOf([bus('bfs-42-001')]);
    const yesterday = NOW - 24 * 3_600_000;
    fleet = applyMessage(fleet, relayed('bfs-42-001', 'visit', {}, yesterday), NOW);
    fleet = applyMessage(fleet, relayed('bfs-42-001', 'door', { in: 5, out: 0 }, yesterday), NOW);
    fleet = applyMessage(fleet, relayed('bfs-42-001', 'occupancy', { onBoard: 9 }, yesterday), NOW);
    expect(fleet.get('bfs-42-001')).toMatchObject({
      onBoard: 2,
      today: { visits: 4, peopleIn: 9 },
    });
  });

  it('takes a snapshot without losing what came live while it was asked', () => {
    let fleet = fleetOf([bus('bfs-42-001')]);
    fleet = applyMessage(fleet, relayed('bfs-42-001', 'gnss', { lat: 46, lon: 4.5 }, NOW), NOW);
    fleet = applyMessage(fleet, relayed('bfs-42-001', 'occupancy', { onBoard: 7 }, NOW), NOW);
    const merged = mergeSnapshot(fleet, [
      bus('bfs-42-001', { today: { visits: 6, peopleIn: 11 } }),
      bus('bfs-42-002'),
    ]);
    expect(merged.get('bfs-42-001')).toMatchObject({
      position: { lat: 46, lon: 4.5 },
      onBoard: 7,
      today: { visits: 6, peopleIn: 11 },
    });
    expect([...merged.keys()]).toEqual(['bfs-42-001', 'bfs-42-002']);
  });

  it('adds a bus heard of for the first time', () => {
    const fleet = applyMessage(
      fleetOf([]),
      relayed('bfs-42-009', 'occupancy', { onBoard: 7 }, NOW),
      NOW,
    );
    expect(fleet.get('bfs-42-009')?.onBoard).toBe(7);
  });

  it('lists buses with alerts first, then silent, then degraded, then the others by id', () => {
    const degraded = {
      bridge: {
        state: 'degraded',
        health: {},
        alarms: ['counter_silent'],
        receivedAt: new Date(NOW).toISOString(),
      },
    };
    const fleet = fleetOf([
      bus('bfs-42-001'),
      bus('bfs-42-000', { services: degraded }),
      bus('bfs-42-002', { lastSeen: new Date(NOW - 3_600_000).toISOString() }),
      bus('bfs-42-003'),
      bus('bfs-42-004', { lastSeen: null }),
    ]);
    const alerts = [
      { code: 'late_at_stop' as const, busId: 'bfs-42-003', since: null, detail: 'late' },
    ];
    const rows = fleetRows(fleet, alerts, NOW);
    expect(rows.map((row) => [row.bus.busId, row.condition])).toEqual([
      ['bfs-42-003', 'alert'],
      ['bfs-42-002', 'silent'],
      ['bfs-42-004', 'silent'],
      ['bfs-42-000', 'degraded'],
      ['bfs-42-001', 'ok'],
    ]);
  });
});
