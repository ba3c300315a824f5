// The recorder's tables, one per kind of message, and how a validated message becomes rows.
// Plain SQL that SQLite and PostgreSQL both run: TEXT, INTEGER, REAL, `ON CONFLICT DO NOTHING`.
import type { MessageOf, Stream } from '@fsbus/shared';

/** One row to insert: the table and its values, in the table's column order. */
export interface Row {
  readonly table: string;
  readonly values: readonly (string | number | null)[];
}

interface Table {
  readonly name: string;
  /** `id`: a message's table, keyed by the envelope id; else the key of rows hanging off one. */
  readonly key: 'id' | readonly string[];
  /**
   * A message's table whose key holds the id after other columns, which SQLite keeps the rows
   * in the order of (the fixes: one B-tree, in each bus's time order, instead of two).
   */
  readonly clusteredBy?: readonly string[];
  /** Column definitions (after `id` when keyed by it). */
  readonly columns: readonly (readonly [name: string, type: string])[];
  readonly indexes: readonly string[];
}

const envelope = [
  ['bus_id', 'TEXT NOT NULL'],
  ['source', 'TEXT NOT NULL'],
  ['seq', 'INTEGER NOT NULL'],
  ['ts', 'TEXT NOT NULL'],
] as const;

/**
 * Every table. `ts` is the publisher's time (UTC ISO-8601, so text order is time order); an
 * opinion's is already truncated to its hour, and nothing records when it arrived.
 */
export const TABLES = [
  {
    name: 'fixes',
    key: 'id',
    // A re-sent fix has the same bus, time and id, which the key refuses; a bus's day is one
    // range of it. Unique per bus and time rather than alone: one index less on the busiest table
    // (about 40 % of a fix's insert), and no bus can take an id another bus's fix will use.
    clusteredBy: ['bus_id', 'ts'],
    columns: [
      ...envelope,
      ['lat', 'REAL NOT NULL'],
      ['lon', 'REAL NOT NULL'],
      ['alt', 'REAL'],
      ['speed', 'REAL'],
      ['track', 'REAL'],
      ['mode', 'TEXT NOT NULL'],
      // Null when the receiver's clock was not trusted (docs/bridge.md).
      ['fix_time', 'TEXT'],
      ['hdop', 'REAL'],
      ['vdop', 'REAL'],
      ['pdop', 'REAL'],
      ['eph', 'REAL'],
      ['satellites_used', 'INTEGER'],
      ['satellites_visible', 'INTEGER'],
      ['via', 'TEXT NOT NULL'],
    ],
    indexes: [],
  },
  {
    name: 'door_counts',
    key: 'id',
    columns: [
      ...envelope,
      ['door', 'INTEGER NOT NULL'],
      ['count_in', 'INTEGER NOT NULL'],
      ['count_out', 'INTEGER NOT NULL'],
      ['quality', 'TEXT NOT NULL'],
      ['stop_id', 'TEXT'],
    ],
    indexes: ['bus_id, ts', 'ts'],
  },
  {
    name: 'stop_events',
    key: 'id',
    columns: [
      ...envelope,
      ['state', 'TEXT NOT NULL'],
      ['plan_id', 'TEXT'],
      ['stop_id', 'TEXT'],
      ['delay_s', 'INTEGER'],
      ['body', 'TEXT NOT NULL'],
    ],
    indexes: ['bus_id, ts'],
  },
  {
    name: 'visits',
    key: 'id',
    columns: [
      ...envelope,
      ['stop_id', 'TEXT'],
      ['first_visit', 'INTEGER'],
      ['language', 'TEXT NOT NULL'],
      ['turn', 'INTEGER NOT NULL'],
      ['series', 'TEXT NOT NULL'],
    ],
    indexes: ['bus_id, ts', 'ts'],
  },
  {
    name: 'visit_partners',
    key: ['visit_id', 'partner'],
    columns: [
      ['visit_id', 'TEXT NOT NULL'],
      ['partner', 'TEXT NOT NULL'],
    ],
    indexes: [],
  },
  {
    name: 'opinions',
    key: 'id',
    columns: [
      ...envelope,
      ['stop_id', 'TEXT'],
      ['rating', 'INTEGER NOT NULL'],
      ['partner', 'TEXT'],
    ],
    indexes: ['bus_id, ts', 'ts'],
  },
  {
    name: 'opinion_reasons',
    key: ['opinion_id', 'reason'],
    columns: [
      ['opinion_id', 'TEXT NOT NULL'],
      ['reason', 'TEXT NOT NULL'],
    ],
    indexes: [],
  },
  {
    name: 'occupancy_states',
    key: 'id',
    columns: [...envelope, ['on_board', 'INTEGER NOT NULL'], ['body', 'TEXT NOT NULL']],
    indexes: ['bus_id, ts'],
  },
  {
    name: 'queue_states',
    key: 'id',
    columns: [...envelope, ['waiting', 'INTEGER NOT NULL'], ['body', 'TEXT NOT NULL']],
    indexes: ['bus_id, ts'],
  },
  {
    name: 'plans',
    key: 'id',
    columns: [
      ...envelope,
      ['plan_id', 'TEXT NOT NULL'],
      ['date', 'TEXT NOT NULL'],
      ['body', 'TEXT NOT NULL'],
    ],
    indexes: ['bus_id, date'],
  },
  {
    name: 'plan_stops',
    key: ['plan_message_id', 'position'],
    columns: [
      ['plan_message_id', 'TEXT NOT NULL'],
      ['position', 'INTEGER NOT NULL'],
      ['bus_id', 'TEXT NOT NULL'],
      ['date', 'TEXT NOT NULL'],
      ['stop_id', 'TEXT NOT NULL'],
      ['name', 'TEXT NOT NULL'],
      ['commune', 'TEXT NOT NULL'],
      ['lat', 'REAL NOT NULL'],
      ['lon', 'REAL NOT NULL'],
      ['arrival', 'TEXT NOT NULL'],
      ['departure', 'TEXT NOT NULL'],
    ],
    indexes: ['bus_id, date', 'date'],
  },
  {
    name: 'plan_acks',
    key: 'id',
    columns: [
      ...envelope,
      ['plan_id', 'TEXT NOT NULL'],
      ['date', 'TEXT NOT NULL'],
      ['outcome', 'TEXT NOT NULL'],
      ['reason', 'TEXT'],
    ],
    indexes: ['bus_id, date'],
  },
  {
    name: 'statuses',
    key: 'id',
    columns: [
      ...envelope,
      ['service', 'TEXT NOT NULL'],
      ['state', 'TEXT NOT NULL'],
      // When central received it: a last will carries the time it was set, not of the death.
      ['received_at', 'TEXT NOT NULL'],
      ['body', 'TEXT NOT NULL'],
    ],
    indexes: ['bus_id, service, received_at'],
  },
  {
    name: 'commands',
    key: 'id',
    columns: [
      ...envelope,
      ['stream', 'TEXT NOT NULL'],
      ['action', 'TEXT NOT NULL'],
      ['body', 'TEXT NOT NULL'],
    ],
    indexes: ['bus_id, ts'],
  },
] as const satisfies readonly Table[];

/** Per bus, publisher and stream: the seqs seen, for the gap report. */
export const SEQ_TABLE = {
  name: 'seq_tracks',
  columns: [
    ['bus_id', 'TEXT NOT NULL'],
    ['source', 'TEXT NOT NULL'],
    ['stream', 'TEXT NOT NULL'],
    ['messages', 'INTEGER NOT NULL'],
    ['first_seq', 'INTEGER NOT NULL'],
    ['last_seq', 'INTEGER NOT NULL'],
    ['gaps', 'INTEGER NOT NULL'],
    ['missing', 'INTEGER NOT NULL'],
    ['restarts', 'INTEGER NOT NULL'],
    ['late', 'INTEGER NOT NULL'],
  ],
} as const;

/**
 * Tables SQLite keeps in their key's order, with no rowid: the telemetry (one B-tree less per
 * row), and the opinions, whose random v4 ids then hide the order they arrived in (the rowid
 * of a table written in the same commits as the visits would keep it).
 */
const WITHOUT_ROWID: ReadonlySet<string> = new Set([
  'fixes',
  'statuses',
  'opinions',
  'opinion_reasons',
]);

/** The statements that create every table and index (idempotent). */
export function schemaStatements(): string[] {
  const statements: string[] = [];
  for (const table of TABLES) {
    const { key, clusteredBy } = table as Table;
    const columns = [
      ...(key === 'id' ? [clusteredBy ? 'id TEXT NOT NULL' : 'id TEXT PRIMARY KEY'] : []),
      ...table.columns.map(([name, type]) => `${name} ${type}`),
    ];
    if (key !== 'id') columns.push(`PRIMARY KEY (${key.join(', ')})`);
    else if (clusteredBy) columns.push(`PRIMARY KEY (${[...clusteredBy, 'id'].join(', ')})`);
    const rowid = WITHOUT_ROWID.has(table.name) ? ' WITHOUT ROWID' : '';
    statements.push(`CREATE TABLE IF NOT EXISTS ${table.name} (${columns.join(', ')})${rowid}`);
    for (const index of table.indexes) {
      const name = `${table.name}_${index.replaceAll(', ', '_')}`;
      statements.push(`CREATE INDEX IF NOT EXISTS ${name} ON ${table.name} (${index})`);
    }
  }
  const seq = SEQ_TABLE.columns.map(([name, type]) => `${name} ${type}`).join(', ');
  statements.push(
    `CREATE TABLE IF NOT EXISTS ${SEQ_TABLE.name} (${seq}, PRIMARY KEY (bus_id, source, stream))`,
  );
  return statements;
}

/** The insert of one table, ignoring a row whose key is already there. */
export function insertStatement(table: string): string {
  const found = TABLES.find((t) => t.name === table);
  if (!found) throw new Error(`no table ${table}`);
  const names: string[] = found.key === 'id' ? ['id'] : [];
  names.push(...found.columns.map(([name]) => name));
  const marks = names.map(() => '?').join(', ');
  return `INSERT INTO ${table} (${names.join(', ')}) VALUES (${marks}) ON CONFLICT DO NOTHING`;
}

type Values = (string | number | null)[];

/** A UTC time in one spelling (`.sssZ`), so that text order is time order in every query. */
function instant(ts: string): string {
  return ts.length === 24 && ts.endsWith('Z') ? ts : new Date(ts).toISOString();
}

function head(message: { id: string; busId: string; source: string; seq: number; ts: string }) {
  return [message.id, message.busId, message.source, message.seq, instant(message.ts)];
}

const bool = (value: boolean | undefined): number | null =>
  value === undefined ? null : value ? 1 : 0;

/**
 * The rows of one message: first the row whose key decides whether the message is new (its
 * `id`), then the rows that hang off it (a visit's partners), inserted only when it is.
 */
export function rowsOf(
  stream: Stream,
  message: MessageOf<Stream>,
  payload: string | (() => string),
  receivedAt: () => string,
): Row[] {
  // The payload's text, only for the tables that keep it (not fixes, most of the traffic).
  const body = () => (typeof payload === 'string' ? payload : payload());
  const row = (table: string, values: Values): Row => ({ table, values });
  switch (stream) {
    case 'gnss': {
      const m = message as MessageOf<'gnss'>;
      return [
        row('fixes', [
          ...head(m),
          m.lat,
          m.lon,
          m.alt ?? null,
          m.speed ?? null,
          m.track ?? null,
          m.mode,
          m.fixTime,
          m.hdop ?? null,
          m.vdop ?? null,
          m.pdop ?? null,
          m.eph ?? null,
          m.satellitesUsed ?? null,
          m.satellitesVisible ?? null,
          m.via,
        ]),
      ];
    }
    case 'door': {
      const m = message as MessageOf<'door'>;
      return [row('door_counts', [...head(m), m.door, m.in, m.out, m.quality, m.stopId ?? null])];
    }
    case 'stop': {
      const m = message as MessageOf<'stop'>;
      return [
        row('stop_events', [
          ...head(m),
          m.state,
          m.planId,
          m.current?.stopId ?? null,
          m.delayS,
          body(),
        ]),
      ];
    }
    case 'visit': {
      const m = message as MessageOf<'visit'>;
      return [
        row('visits', [
          ...head(m),
          m.stopId,
          bool(m.firstVisit),
          m.language,
          m.turn,
          m.series ?? 'A',
        ]),
        ...m.partners.map((partner) => row('visit_partners', [m.id, partner])),
      ];
    }
    case 'opinion': {
      const m = message as MessageOf<'opinion'>;
      return [
        row('opinions', [...head(m), m.stopId, m.rating, m.partner ?? null]),
        ...(m.reasons ?? []).map((reason) => row('opinion_reasons', [m.id, reason])),
      ];
    }
    case 'occupancy': {
      const m = message as MessageOf<'occupancy'>;
      return [row('occupancy_states', [...head(m), m.onBoard, body()])];
    }
    case 'queue': {
      const m = message as MessageOf<'queue'>;
      return [row('queue_states', [...head(m), m.waiting, body()])];
    }
    case 'plan': {
      const m = message as MessageOf<'plan'>;
      return [
        row('plans', [...head(m), m.planId, m.date, body()]),
        ...m.stops.map((stop, position) =>
          row('plan_stops', [
            m.id,
            position,
            m.busId,
            m.date,
            stop.stopId,
            stop.name,
            stop.commune,
            stop.lat,
            stop.lon,
            stop.arrival,
            stop.departure,
          ]),
        ),
      ];
    }
    case 'plan/ack': {
      const m = message as MessageOf<'plan/ack'>;
      return [row('plan_acks', [...head(m), m.planId, m.date, m.outcome, m.reason])];
    }
    case 'status': {
      const m = message as MessageOf<'status'>;
      return [row('statuses', [...head(m), m.service, m.state, receivedAt(), body()])];
    }
    case 'attendance':
      // On board only: central's ACL refuses it from a bus.
      return [];
    case 'cmd/queue':
    case 'cmd/occupancy': {
      const m = message as MessageOf<'cmd/queue'>;
      return [row('commands', [...head(m), stream, m.action, body()])];
    }
  }
}
