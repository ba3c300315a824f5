// The staff's reports over a period: visits, requests per partner and theme, door counts,
// opinions; flat rows (one table each) so that JSON and CSV say the same. Portable SQL.
import {
  NATIONAL_PARTNERS,
  OPINION_REASONS,
  THEMES,
  type Grouping,
  type ReportName,
} from '@fsbus/shared';
import type { RecorderStore } from '../recorder/store.js';
import type { Period } from './period.js';

export { GROUPINGS, REPORT_NAMES, type Grouping, type ReportName } from '@fsbus/shared';

export interface ReportQuery {
  readonly report: ReportName;
  readonly period: Period;
  readonly by: Grouping;
  /** Only these buses; empty: every bus. */
  readonly buses: readonly string[];
}

export type Cell = string | number | null;

export interface Report {
  readonly report: ReportName | 'monthly';
  readonly period: Period;
  readonly by: Grouping;
  readonly buses: readonly string[];
  /** Column names, in order: each row has exactly these keys. */
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, Cell>[];
}

/** The audit theme of a partner code; local partners and "other" have none. */
const THEME_OF = new Map<string, string | null>(
  NATIONAL_PARTNERS.map((partner) => [partner.code, partner.theme]),
);
export const NO_THEME = 'none';

interface Where {
  readonly sql: string;
  readonly params: (string | number)[];
}

/** The period and bus filter on a table alias. */
function where(alias: string, { period, buses }: Pick<ReportQuery, 'period' | 'buses'>): Where {
  const params: (string | number)[] = [period.from, period.to, ...buses];
  const only =
    buses.length === 0 ? '' : ` AND ${alias}.bus_id IN (${buses.map(() => '?').join(', ')})`;
  return { sql: `${alias}.ts >= ? AND ${alias}.ts < ?${only}`, params };
}

/** Names of the stops in the period's plans (of its buses): the latest name of each. */
async function stopNames(
  store: RecorderStore,
  query: ReportQuery,
): Promise<Map<string, { name: string; commune: string }>> {
  const buses =
    query.buses.length === 0 ? '' : ` AND bus_id IN (${query.buses.map(() => '?').join(', ')})`;
  const rows = await store.query<{
    busId: string;
    stopId: string;
    name: string;
    commune: string;
    date: string;
  }>(
    `SELECT bus_id AS "busId", stop_id AS "stopId", name, commune, date FROM plan_stops
     WHERE date >= ? AND date <= ?${buses} ORDER BY date`,
    [query.period.firstDay, query.period.lastDay, ...query.buses],
  );
  const names = new Map<string, { name: string; commune: string }>();
  for (const row of rows) names.set(`${row.busId}\u0000${row.stopId}`, row);
  return names;
}

const count = (value: unknown): number => Number(value ?? 0);

/** Runs one report. */
export async function runReport(store: RecorderStore, query: ReportQuery): Promise<Report> {
  const { columns, rows } = await (async () => {
    switch (query.report) {
      case 'visits':
        return visits(store, query);
      case 'doors':
        return doors(store, query);
      case 'opinions':
        return opinions(store, query);
      case 'opinion-reasons':
        return opinionReasons(store, query);
    }
  })();
  return {
    report: query.report,
    period: query.period,
    by: query.by,
    buses: query.buses,
    columns,
    rows,
  };
}

type Table = { columns: readonly string[]; rows: Record<string, Cell>[] };

/** Adds the stop's name and commune (from the plans) to rows grouped by stop. */
async function named(store: RecorderStore, query: ReportQuery, rows: Record<string, Cell>[]) {
  const names = await stopNames(store, query);
  return rows.map((row) => {
    const stop = names.get(`${String(row.busId)}\u0000${String(row.stopId)}`);
    return {
      busId: row.busId ?? null,
      stopId: row.stopId ?? null,
      stopName: stop?.name ?? null,
      commune: stop?.commune ?? null,
      ...Object.fromEntries(
        Object.entries(row).filter(([key]) => key !== 'busId' && key !== 'stopId'),
      ),
    };
  });
}

async function visits(store: RecorderStore, query: ReportQuery): Promise<Table> {
  const filter = where('v', query);
  const first = 'sum(CASE WHEN v.first_visit = 1 THEN 1 ELSE 0 END)';
  if (query.by === 'partner' || query.by === 'theme') {
    const rows = await store.query<{
      busId: string;
      partner: string;
      requests: number;
      firstVisits: number;
    }>(
      `SELECT v.bus_id AS "busId", p.partner AS partner, count(*) AS requests, ${first} AS "firstVisits"
       FROM visits v JOIN visit_partners p ON p.visit_id = v.id
       WHERE ${filter.sql} GROUP BY v.bus_id, p.partner ORDER BY v.bus_id, p.partner`,
      filter.params,
    );
    if (query.by === 'partner') {
      return {
        columns: ['busId', 'partner', 'theme', 'requests', 'firstVisits'],
        rows: rows.map((row) => ({
          busId: row.busId,
          partner: row.partner,
          theme: THEME_OF.get(row.partner) ?? NO_THEME,
          requests: count(row.requests),
          firstVisits: count(row.firstVisits),
        })),
      };
    }
    const themes = new Map<string, Record<string, Cell>>();
    for (const row of rows) {
      const theme = THEME_OF.get(row.partner) ?? NO_THEME;
      const key = `${row.busId}\u0000${theme}`;
      const sum = themes.get(key) ?? { busId: row.busId, theme, requests: 0 };
      sum.requests = count(sum.requests) + count(row.requests);
      themes.set(key, sum);
    }
    const order = [...THEMES, NO_THEME] as readonly string[];
    return {
      columns: ['busId', 'theme', 'requests'],
      rows: [...themes.values()].sort(
        (a, b) =>
          String(a.busId).localeCompare(String(b.busId)) ||
          order.indexOf(String(a.theme)) - order.indexOf(String(b.theme)),
      ),
    };
  }
  const byStop = query.by === 'stop';
  const rows = await store.query<Record<string, Cell>>(
    `SELECT v.bus_id AS "busId"${byStop ? ', v.stop_id AS "stopId"' : ''},
       count(*) AS visits, ${first} AS "firstVisits"
     FROM visits v WHERE ${filter.sql}
     GROUP BY v.bus_id${byStop ? ', v.stop_id' : ''} ORDER BY v.bus_id${byStop ? ', v.stop_id' : ''}`,
    filter.params,
  );
  const counted = rows.map((row) => ({
    ...row,
    visits: count(row.visits),
    firstVisits: count(row.firstVisits),
  }));
  if (!byStop) return { columns: ['busId', 'visits', 'firstVisits'], rows: counted };
  return {
    columns: ['busId', 'stopId', 'stopName', 'commune', 'visits', 'firstVisits'],
    rows: await named(store, query, counted),
  };
}

async function doors(store: RecorderStore, query: ReportQuery): Promise<Table> {
  const filter = where('d', query);
  const byStop = query.by === 'stop';
  const rows = await store.query<Record<string, Cell>>(
    `SELECT d.bus_id AS "busId"${byStop ? ', d.stop_id AS "stopId"' : ''},
       sum(d.count_in) AS "in", sum(d.count_out) AS "out"
     FROM door_counts d WHERE ${filter.sql}
     GROUP BY d.bus_id${byStop ? ', d.stop_id' : ''} ORDER BY d.bus_id${byStop ? ', d.stop_id' : ''}`,
    filter.params,
  );
  const counted = rows.map((row) => ({ ...row, in: count(row.in), out: count(row.out) }));
  if (!byStop) return { columns: ['busId', 'in', 'out'], rows: counted };
  return {
    columns: ['busId', 'stopId', 'stopName', 'commune', 'in', 'out'],
    rows: await named(store, query, counted),
  };
}

async function opinions(store: RecorderStore, query: ReportQuery): Promise<Table> {
  const filter = where('o', query);
  const byStop = query.by === 'stop';
  const rows = await store.query<{
    busId: string;
    stopId?: string | null;
    rating: number;
    n: number;
  }>(
    `SELECT o.bus_id AS "busId"${byStop ? ', o.stop_id AS "stopId"' : ''}, o.rating AS rating, count(*) AS n
     FROM opinions o WHERE ${filter.sql}
     GROUP BY o.bus_id${byStop ? ', o.stop_id' : ''}, o.rating`,
    filter.params,
  );
  const groups = new Map<string, Record<string, Cell>>();
  for (const row of rows) {
    const key = `${row.busId}\u0000${row.stopId ?? ''}`;
    const group = groups.get(key) ?? {
      busId: row.busId,
      ...(byStop ? { stopId: row.stopId ?? null } : {}),
      opinions: 0,
      rating1: 0,
      rating2: 0,
      rating3: 0,
      rating4: 0,
    };
    group[`rating${String(row.rating)}`] = count(row.n);
    group.opinions = count(group.opinions) + count(row.n);
    groups.set(key, group);
  }
  const sorted = [...groups.values()]
    .map((group): Record<string, Cell> => ({
      ...group,
      // Share of the two happy faces, in percent with one decimal: the usual satisfaction rate.
      satisfiedPercent:
        Math.round(((count(group.rating3) + count(group.rating4)) / count(group.opinions)) * 1000) /
        10,
    }))
    .sort(
      (a, b) =>
        String(a.busId).localeCompare(String(b.busId)) ||
        String(a.stopId ?? '').localeCompare(String(b.stopId ?? '')),
    );
  const tail = ['opinions', 'rating1', 'rating2', 'rating3', 'rating4', 'satisfiedPercent'];
  if (!byStop) return { columns: ['busId', ...tail], rows: sorted };
  return {
    columns: ['busId', 'stopId', 'stopName', 'commune', ...tail],
    rows: await named(store, query, sorted),
  };
}

async function opinionReasons(store: RecorderStore, query: ReportQuery): Promise<Table> {
  const filter = where('o', query);
  const byStop = query.by === 'stop';
  const rows = await store.query<Record<string, Cell>>(
    `SELECT o.bus_id AS "busId"${byStop ? ', o.stop_id AS "stopId"' : ''}, r.reason AS reason, count(*) AS count
     FROM opinions o JOIN opinion_reasons r ON r.opinion_id = o.id
     WHERE ${filter.sql}
     GROUP BY o.bus_id${byStop ? ', o.stop_id' : ''}, r.reason`,
    filter.params,
  );
  const order = OPINION_REASONS.map((reason) => reason.code) as readonly string[];
  const counted = rows
    .map((row): Record<string, Cell> => ({ ...row, count: count(row.count) }))
    .sort(
      (a, b) =>
        String(a.busId).localeCompare(String(b.busId)) ||
        String(a.stopId ?? '').localeCompare(String(b.stopId ?? '')) ||
        order.indexOf(String(a.reason)) - order.indexOf(String(b.reason)),
    );
  if (!byStop) return { columns: ['busId', 'reason', 'count'], rows: counted };
  return {
    columns: ['busId', 'stopId', 'stopName', 'commune', 'reason', 'count'],
    rows: await named(store, query, counted),
  };
}

export const MONTHLY_COLUMNS = ['month', 'busId', 'indicator', 'key', 'label', 'value'] as const;

/** French labels of partners and reasons, for the monthly file read by people. */
const PARTNER_LABEL = new Map<string, string>(
  NATIONAL_PARTNERS.map((partner) => [partner.code, partner.label.fr]),
);
const REASON_LABEL = new Map<string, string>(
  OPINION_REASONS.map((reason) => [reason.code, reason.label.fr]),
);

/**
 * One bus's month for the national reporting, in long form (one indicator value per row, easy
 * to pivot in a spreadsheet): visits, first visits, requests per partner and theme, visits and
 * door counts per stop, stop arrivals, opinions with their ratings and reasons.
 */
export async function monthlyReport(
  store: RecorderStore,
  busId: string,
  period: Period,
): Promise<Report> {
  const buses = [busId];
  const run = (report: ReportName, by: Grouping) => runReport(store, { report, period, by, buses });
  const rows: Record<string, Cell>[] = [];
  const add = (indicator: string, key: string | null, label: string | null, value: Cell) => {
    rows.push({ month: period.label, busId, indicator, key, label, value });
  };
  const [total, perStop, perPartner, perTheme, doorsPerStop, rating, reasons] = await Promise.all([
    run('visits', 'bus'),
    run('visits', 'stop'),
    run('visits', 'partner'),
    run('visits', 'theme'),
    run('doors', 'stop'),
    run('opinions', 'bus'),
    run('opinion-reasons', 'bus'),
  ]);
  const whole = total.rows[0];
  add('visits', null, null, count(whole?.visits));
  add('first_visits', null, null, count(whole?.firstVisits));
  const arrived = where('s', { period, buses });
  const arrivals = await store.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM stop_events s WHERE ${arrived.sql} AND s.state = 'arrived'`,
    arrived.params,
  );
  add('stop_arrivals', null, null, count(arrivals[0]?.n));
  for (const row of perPartner.rows) {
    const partner = String(row.partner);
    add('requests_by_partner', partner, PARTNER_LABEL.get(partner) ?? null, row.requests ?? 0);
  }
  for (const row of perTheme.rows)
    add('requests_by_theme', String(row.theme), null, row.requests ?? 0);
  for (const row of perStop.rows) {
    add(
      'visits_by_stop',
      row.stopId === null ? null : String(row.stopId),
      stopLabel(row),
      row.visits ?? 0,
    );
  }
  for (const row of doorsPerStop.rows) {
    const key = row.stopId === null ? null : String(row.stopId);
    add('people_in_by_stop', key, stopLabel(row), row.in ?? 0);
    add('people_out_by_stop', key, stopLabel(row), row.out ?? 0);
  }
  const opinionsRow = rating.rows[0];
  add('opinions', null, null, count(opinionsRow?.opinions));
  for (const face of [1, 2, 3, 4]) {
    add('opinions_by_rating', String(face), null, count(opinionsRow?.[`rating${String(face)}`]));
  }
  add('satisfied_percent', null, null, opinionsRow?.satisfiedPercent ?? null);
  for (const row of reasons.rows) {
    const reason = String(row.reason);
    add('opinions_by_reason', reason, REASON_LABEL.get(reason) ?? null, row.count ?? 0);
  }
  return { report: 'monthly', period, by: 'bus', buses, columns: MONTHLY_COLUMNS, rows };
}

function stopLabel(row: Record<string, Cell>): string | null {
  if (row.stopName === null || row.stopName === undefined) return null;
  return row.commune ? `${String(row.stopName)}, ${String(row.commune)}` : String(row.stopName);
}
