// One documented example per stream: shown in docs/protocol.md and checked by the tests.
import type { Stream } from '../topics.js';
import { withoutEnvelope, type Envelope } from './envelope.js';
import type { BodyOf } from './message-factory.js';
import type { MessageOf } from './streams.js';

const BUS = 'bfs-87-012';

const envelope = (source: string, seq: number, ts: string, id: string): Envelope => ({
  v: 1,
  busId: BUS,
  id,
  seq,
  ts,
  source,
});

export const EXAMPLES: { readonly [S in Stream]: MessageOf<S> } = {
  gnss: {
    ...envelope(
      'bridge',
      48211,
      '2026-11-23T08:21:07.000Z',
      '019ab2c4-5e10-7a3b-9c41-2f6d8e0a1b01',
    ),
    lat: 45.919812,
    lon: 1.397451,
    mode: '3d',
    alt: 372.4,
    speed: 11.2,
    track: 84.5,
    fixTime: '2026-11-23T08:21:07.000Z',
    hdop: 0.9,
    satellitesUsed: 11,
    satellitesVisible: 16,
    via: 'gpsd',
  },
  door: {
    ...envelope('bridge', 311, '2026-11-23T09:32:15.120Z', '019ab2f1-0c22-7e5f-8a13-44be29c07d02'),
    door: 1,
    in: 2,
    out: 0,
    quality: 'ok',
    stopId: 'ambazac-mairie',
  },
  occupancy: {
    ...envelope('bridge', 902, '2026-11-23T09:32:15.130Z', '019ab2f1-0c2c-7f01-9d77-0b3e5a6c4f03'),
    onBoard: 5,
    date: '2026-11-23',
    today: { in: 14, out: 9 },
    stop: { stopId: 'ambazac-mairie', in: 6, out: 1 },
    lastReset: { at: '2026-11-23T07:02:40.000Z', reason: 'depot' },
  },
  stop: {
    ...envelope('bridge', 77, '2026-11-23T09:31:02.000Z', '019ab2ef-f2a0-70c8-b5e9-1d2a3b4c5d04'),
    state: 'arrived',
    planId: 'bfs-87-012-2026-11-23-v2',
    current: {
      stopId: 'ambazac-mairie',
      name: 'Mairie',
      scheduledArrival: '2026-11-23T09:30:00+01:00',
      scheduledDeparture: '2026-11-23T12:00:00+01:00',
      actualArrival: '2026-11-23T08:36:40.000Z',
      actualDeparture: null,
    },
    next: {
      stopId: 'st-sylvestre-place',
      name: 'Place de l’église',
      scheduledArrival: '2026-11-23T13:45:00+01:00',
      eta: null,
      distanceM: 8420,
    },
    delayS: 400,
    offPlan: null,
  },
  visit: {
    ...envelope('kiosk-1', 18, '2026-11-23T09:40:51.000Z', '019ab2f8-e6b8-7c3e-a0f2-6a7b8c9d0e05'),
    stopId: 'ambazac-mairie',
    partners: ['caf', 'impots'],
    firstVisit: true,
    language: 'fr',
    turn: 7,
    series: 'A',
  },
  opinion: {
    ...envelope('kiosk-1', 9, '2026-11-23T10:00:00.000Z', '3f6c2a9e-8d41-4b7f-9c2e-5a1d7e0b4c16'),
    stopId: 'ambazac-mairie',
    rating: 4,
    reasons: ['problem_solved', 'friendly_welcome'],
  },
  queue: {
    ...envelope('bridge', 41, '2026-11-23T09:40:51.200Z', '019ab2f8-e780-7a91-b3c4-8c9d0e1f2a07'),
    date: '2026-11-23',
    issued: 7,
    serving: 5,
    servingSeries: 'A',
    waiting: 2,
    waitingTurns: [
      { series: 'A', number: 6 },
      { series: 'A', number: 7 },
    ],
    lastIssued: { A: 7 },
    serviceS: 540,
    estimatedWaitS: 1200,
    waitReason: null,
  },
  attendance: {
    ...envelope('bridge', 29, '2026-11-23T09:40:51.210Z', '019ab2f8-e781-7b02-8c1d-2e3f4a5b6c0d'),
    date: '2026-11-23',
    today: { visits: 7, opinions: 3 },
    stops: [{ stopId: 'ambazac-mairie', visits: 7, opinions: 3 }],
  },
  plan: {
    ...envelope('central', 3, '2026-11-22T17:00:00.000Z', '019ab0a2-7c80-7b12-9f3d-9d0e1f2a3b08'),
    planId: 'bfs-87-012-2026-11-23-v2',
    date: '2026-11-23',
    timeZone: 'Europe/Paris',
    depot: { name: 'Dépôt de Bessines', lat: 46.1082, lon: 1.3688, radiusM: 150 },
    stops: [
      {
        stopId: 'ambazac-mairie',
        name: 'Mairie',
        commune: 'Ambazac',
        lat: 45.9597,
        lon: 1.3998,
        radiusM: 80,
        arrival: '2026-11-23T09:30:00+01:00',
        departure: '2026-11-23T12:00:00+01:00',
      },
      {
        stopId: 'st-sylvestre-place',
        name: 'Place de l’église',
        commune: 'Saint-Sylvestre',
        lat: 45.9955,
        lon: 1.3712,
        arrival: '2026-11-23T13:45:00+01:00',
        departure: '2026-11-23T16:30:00+01:00',
      },
    ],
  },
  'plan/ack': {
    ...envelope('bridge', 4, '2026-11-22T17:00:02.310Z', '019ab0a2-8446-7d20-8b3e-3c4d5e6f7a0c'),
    planId: 'bfs-87-012-2026-11-23-v2',
    date: '2026-11-23',
    outcome: 'accepted',
    reason: null,
  },
  status: {
    ...envelope('bridge', 1290, '2026-11-23T09:41:00.000Z', '019ab2f9-1e60-7f5a-8c6b-0e1f2a3b4c09'),
    service: 'bridge',
    state: 'degraded',
    version: '0.1.0',
    startedAt: '2026-11-23T06:58:12.000Z',
    health: { gnss: 'fix_3d', counter: 'silent', uplink: 'offline' },
    metrics: { uptime_s: 9768, gnss_rejected_dop: 3, outbox_events: 42, outbox_telemetry: 311 },
    alarms: ['counter_silent'],
  },
  'cmd/queue': {
    ...envelope('driver', 12, '2026-11-23T09:45:30.000Z', '019ab2fd-3b10-7c2d-9e4f-1f2a3b4c5d0a'),
    action: 'call_next',
  },
  'cmd/occupancy': {
    ...envelope('driver', 1, '2026-11-23T07:01:00.000Z', '019ab286-4460-7e8a-a1b2-2a3b4c5d6e0b'),
    action: 'reset',
    onBoard: 0,
  },
};

export const EXAMPLE_BUS_ID = BUS;

/** A stream's example without its envelope, with changes: a body to stamp (tests, benchmarks). */
export function exampleBody<S extends Stream>(
  stream: S,
  changes: Partial<BodyOf<S>> = {},
): BodyOf<S> {
  return { ...withoutEnvelope(EXAMPLES[stream]), ...changes };
}
