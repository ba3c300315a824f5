// Central's reports on a generated month of a 10-bus fleet sent through fsbus-central over TLS,
// on each storage (SQLite, and a real PostgreSQL server): each report gives the numbers that were
// sent, and its CSV parsed back equals its JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIONAL_PARTNERS } from '@fsbus/shared';
import {
  apiGet,
  apiJson,
  centralSetup,
  connectToCentral,
  connected,
  startCentralHere,
  type CentralSetup,
  type InProcessCentral,
} from './central-harness.js';
import { fleetMonth, publishAll } from './fleet-month.js';
import { STORAGES } from './recorder-storages.js';

const MONTH = '2026-10'; // summer time ends on the 25th
const month = fleetMonth(MONTH, 10, 7);

interface Report {
  columns: string[];
  rows: Record<string, string | number | null>[];
}

describe.each(STORAGES.map((make) => make()))('central reports on $name', (storage) => {
  let dir: string;
  let setup: CentralSetup;
  let running: InProcessCentral;

  beforeAll(async () => {
    await storage.setUp();
    dir = mkdtempSync(path.join(tmpdir(), 'fsbus-reports-'));
    setup = await centralSetup(
      dir,
      [
        ...month.busIds.map((username) => ({ username, role: 'bus' as const })),
        { username: 'marie', role: 'staff' },
        { username: 'paul', role: 'planner' },
      ],
      {},
      {},
      { recorder: storage.config(await storage.place()) },
    );
    running = await startCentralHere(setup);
    const senders = ['paul', ...month.busIds];
    await Promise.all(
      senders.map(async (sender) => {
        const client = await connected(connectToCentral(setup, sender));
        const mine = month.messages.filter((m) =>
          sender === 'paul' ? m.by === 'planner' : m.by === 'bus' && m.busId === sender,
        );
        await publishAll(client, mine);
        await client.endAsync();
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await running.stop();
    await storage.tearDown();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = <T>(url: string) => apiJson<T>(setup, running.central.httpPort, url);
  const byKey = (rows: Record<string, unknown>[], ...keys: string[]) =>
    new Map(rows.map((row) => [keys.map((key) => String(row[key])).join('|'), row]));

  describe('central reports over a generated month of 10 buses', () => {
    it('recorded every message once', () => {
      expect(running.central.recorder.stats()).toMatchObject({
        recorded: month.messages.length,
        duplicates: 0,
      });
    });

    it('counts visits and first visits per bus', async () => {
      const report = await get<Report>(`/api/v1/reports/visits?period=${MONTH}`);
      expect(report.columns).toEqual(['busId', 'visits', 'firstVisits']);
      expect(report.rows).toEqual(
        month.busIds.map((busId) => ({
          busId,
          visits: month.expected.visits.get(busId) ?? 0,
          firstVisits: month.expected.firstVisits.get(busId) ?? 0,
        })),
      );
    });

    it('counts requests per partner and per national theme', async () => {
      const partners = await get<Report>(`/api/v1/reports/visits?period=${MONTH}&by=partner`);
      expect(partners.rows.length).toBe(month.expected.requests.size);
      const rows = byKey(partners.rows, 'busId', 'partner');
      for (const [key, requests] of month.expected.requests) {
        expect(rows.get(key), key).toMatchObject({ requests });
      }
      const themes = await get<Report>(`/api/v1/reports/visits?period=${MONTH}&by=theme`);
      const expectedThemes = new Map<string, number>();
      for (const [key, requests] of month.expected.requests) {
        const [busId, partner] = key.split('|');
        const theme = NATIONAL_PARTNERS.find((p) => p.code === partner)?.theme ?? 'none';
        const themeKey = `${busId ?? ''}|${theme}`;
        expectedThemes.set(themeKey, (expectedThemes.get(themeKey) ?? 0) + requests);
      }
      expect(
        new Map(themes.rows.map((r) => [`${String(r.busId)}|${String(r.theme)}`, r.requests])),
      ).toEqual(expectedThemes);
    });

    it('counts visits and door counts per stop, with the stop’s name from the plans', async () => {
      const visits = await get<Report>(`/api/v1/reports/visits?period=${MONTH}&by=stop`);
      const doors = await get<Report>(`/api/v1/reports/doors?period=${MONTH}&by=stop`);
      const visitRows = byKey(visits.rows, 'busId', 'stopId');
      for (const [key, count] of month.expected.visitsByStop) {
        const names = month.expected.stopNames.get(key);
        expect(visitRows.get(key), key).toMatchObject({
          visits: count,
          stopName: names?.name,
          commune: names?.commune,
        });
      }
      const doorRows = byKey(doors.rows, 'busId', 'stopId');
      for (const [key, count] of month.expected.doorsIn) {
        expect(doorRows.get(key), key).toMatchObject({
          in: count,
          out: month.expected.doorsOut.get(key) ?? 0,
        });
      }
      expect(doorRows.size).toBe(month.expected.doorsIn.size);
    });

    it('gives the rating distribution and reasons of opinions per bus', async () => {
      const ratings = await get<Report>(`/api/v1/reports/opinions?period=${MONTH}`);
      for (const row of ratings.rows) {
        const busId = String(row.busId);
        const faces = [1, 2, 3, 4].map(
          (r) => month.expected.ratings.get(`${busId}|${String(r)}`) ?? 0,
        );
        const total = faces.reduce((a, b) => a + b, 0);
        expect(row).toEqual({
          busId,
          opinions: total,
          rating1: faces[0],
          rating2: faces[1],
          rating3: faces[2],
          rating4: faces[3],
          satisfiedPercent: Math.round((((faces[2] ?? 0) + (faces[3] ?? 0)) / total) * 1000) / 10,
        });
      }
      expect(ratings.rows).toHaveLength(month.busIds.length);
      const reasons = await get<Report>(`/api/v1/reports/opinion-reasons?period=${MONTH}`);
      expect(
        new Map(reasons.rows.map((r) => [`${String(r.busId)}|${String(r.reason)}`, r.count])),
      ).toEqual(month.expected.reasons);
    });

    it('narrows a report to some buses and to one day', async () => {
      const [a, b] = month.busIds;
      const two = await get<Report>(
        `/api/v1/reports/visits?period=${MONTH}&bus=${a ?? ''},${b ?? ''}`,
      );
      expect(two.rows.map((row) => row.busId)).toEqual([a, b]);
      const day = await get<Report>(`/api/v1/reports/visits?period=${MONTH}-31`);
      expect(day.rows).toEqual([]); // a Saturday
    });

    it('writes one monthly file per bus for the national reporting', async () => {
      const busId = month.busIds[3] ?? '';
      const monthly = await get<Report>(`/api/v1/reports/monthly/${busId}?month=${MONTH}`);
      expect(monthly.columns).toEqual(['month', 'busId', 'indicator', 'key', 'label', 'value']);
      const value = (indicator: string, key: string | null = null) =>
        monthly.rows.find((row) => row.indicator === indicator && row.key === key)?.value;
      expect(value('visits')).toBe(month.expected.visits.get(busId));
      expect(value('first_visits')).toBe(month.expected.firstVisits.get(busId) ?? 0);
      expect(value('stop_arrivals')).toBe(month.expected.arrivals.get(busId));
      expect(value('requests_by_partner', 'caf')).toBe(month.expected.requests.get(`${busId}|caf`));
      const csv = await apiGet(
        setup,
        running.central.httpPort,
        `/api/v1/reports/monthly/${busId}?month=${MONTH}&format=csv`,
        'marie',
      );
      expect(csv.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    });

    it('sends each report as CSV that parses back to its JSON', async () => {
      for (const url of [
        `/api/v1/reports/visits?period=${MONTH}`,
        `/api/v1/reports/visits?period=${MONTH}&by=stop`,
        `/api/v1/reports/visits?period=${MONTH}&by=partner`,
        `/api/v1/reports/doors?period=${MONTH}&by=stop`,
        `/api/v1/reports/opinions?period=${MONTH}&by=stop`,
        `/api/v1/reports/opinion-reasons?period=${MONTH}`,
        `/api/v1/reports/monthly/${month.busIds[0] ?? ''}?month=${MONTH}`,
      ]) {
        const json = await get<Report>(url);
        const csv = await apiGet(setup, running.central.httpPort, `${url}&format=csv`, 'marie');
        expect(csv.status, url).toBe(200);
        expect(csv.type).toMatch(/^text\/csv; charset=utf-8/);
        const text = csv.body.toString('utf8');
        expect(text.startsWith('\uFEFF'), 'a byte order mark').toBe(true);
        expect(text.split('\r\n')[0]?.replace('\uFEFF', '')).toBe(json.columns.join(','));
        const parsed = parse<Record<string, string>>(csv.body, { bom: true, columns: true });
        const asText = json.rows.map((row) =>
          Object.fromEntries(json.columns.map((c) => [c, row[c] === null ? '' : String(row[c])])),
        );
        expect(parsed, url).toEqual(asText);
      }
    });

    it('refuses a request without an account, a bus account, and a period it cannot read', async () => {
      const port = running.central.httpPort;
      const anonymous = await apiGet(setup, port, `/api/v1/reports/visits?period=${MONTH}`, null);
      expect(anonymous.status).toBe(401);
      const bus = await apiGet(setup, port, '/api/v1/fleet', month.busIds[0] ?? '');
      expect(bus.status).toBe(403);
      const bad = await apiGet(setup, port, '/api/v1/reports/visits?period=last-month', 'marie');
      expect(bad.status).toBe(400);
      expect(bad.body.toString()).toMatch(/expected a day \(2026-11-23\) or a month/);
    });

    it('describes itself in OpenAPI, generated from the route schemas', async () => {
      const spec = await get<{ openapi: string; paths: Record<string, unknown> }>(
        '/api/v1/openapi.json',
      );
      expect(spec.openapi).toMatch(/^3\./);
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/fleet',
          '/api/v1/buses/{busId}/days/{date}',
          '/api/v1/reports/{report}',
          '/api/v1/reports/monthly/{busId}',
          '/api/v1/alerts',
          '/api/v1/feeds/gtfs-rt/vehicle-positions',
          '/api/v1/feeds/apc',
        ]),
      );
    });
  });
});
