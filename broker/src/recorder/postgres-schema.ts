// The recorder's tables on PostgreSQL, from the same table list as SQLite's (tables.ts): text in
// byte order (COLLATE "C", so that ISO times sort and compare as times, whatever the database's
// locale), 64-bit integers, double precision; the telemetry partitioned by month of `ts`.
import { SEQ_TABLE, TABLES } from './tables.js';

/**
 * Tables partitioned by month of the publisher's time: what a fleet sends all day long. Their key
 * is the bus, the time and the id (as the fixes' on SQLite): a re-sent message has all three.
 */
export const PARTITIONED: ReadonlySet<string> = new Set([
  'fixes',
  'statuses',
  'stop_events',
  'door_counts',
  'occupancy_states',
  'queue_states',
  'commands',
]);

/** Each type of tables.ts: PostgreSQL's column type, and the array type bulk inserts pass. */
const TYPES: Readonly<Record<string, { readonly column: string; readonly array: string }>> = {
  TEXT: { column: 'TEXT COLLATE "C"', array: 'text[]' },
  INTEGER: { column: 'BIGINT', array: 'bigint[]' },
  REAL: { column: 'DOUBLE PRECISION', array: 'float8[]' },
};

function typeOf(type: string): { column: string; array: string; rest: string[] } {
  const [base = '', ...rest] = type.split(' ');
  const mapped = TYPES[base];
  if (mapped === undefined) throw new Error(`no PostgreSQL type for ${type}`);
  return { ...mapped, rest };
}

/** A column type of tables.ts in PostgreSQL's words (`TEXT NOT NULL` -> `TEXT COLLATE "C" NOT NULL`). */
export function postgresType(type: string): string {
  const { column, rest } = typeOf(type);
  return [column, ...rest].join(' ');
}

/** The array type of a column of tables.ts (`REAL` -> `float8[]`). */
export function arrayType(type: string): string {
  return typeOf(type).array;
}

/** The key columns of a table: what a conflict is judged on, and what an insert returns. */
export function keyColumns(name: string): readonly string[] {
  const table = TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`no table ${name}`);
  if (table.key !== 'id') return table.key;
  return PARTITIONED.has(name) ? ['bus_id', 'ts', 'id'] : ['id'];
}

/** Every column of a table, in insert order (`id` first when keyed by it), with its type. */
export function columnsOf(name: string): readonly (readonly [string, string])[] {
  const table = TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`no table ${name}`);
  return [...(table.key === 'id' ? [['id', 'TEXT NOT NULL'] as const] : []), ...table.columns];
}

/** The statements that create every table and index (idempotent). */
export function postgresSchema(): string[] {
  const statements: string[] = [];
  for (const table of TABLES) {
    const key = keyColumns(table.name);
    const columns = columnsOf(table.name).map(([name, type]) => `${name} ${postgresType(type)}`);
    const partitioned = PARTITIONED.has(table.name);
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${table.name} (${columns.join(', ')}, PRIMARY KEY (${key.join(', ')}))${
        partitioned ? ' PARTITION BY RANGE (ts)' : ''
      }`,
    );
    for (const index of table.indexes) {
      // An index the key begins with already is one B-tree too many.
      if (key.join(', ').startsWith(index)) continue;
      const name = `${table.name}_${index.replaceAll(', ', '_')}`;
      statements.push(`CREATE INDEX IF NOT EXISTS ${name} ON ${table.name} (${index})`);
    }
  }
  const seq = SEQ_TABLE.columns.map(([name, type]) => `${name} ${postgresType(type)}`);
  statements.push(
    `CREATE TABLE IF NOT EXISTS ${SEQ_TABLE.name} (${seq.join(', ')}, PRIMARY KEY (bus_id, source, stream))`,
  );
  return statements;
}

/** The month of an ISO time, `YYYY-MM`. */
export function monthOf(ts: string): string {
  return ts.slice(0, 7);
}

/** The month after `YYYY-MM`. */
export function nextMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12
    ? `${String(year + 1).padStart(4, '0')}-01`
    : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`;
}

/** The statement that creates one table's partition of one month, if missing. */
export function partitionStatement(table: string, month: string): string {
  if (!PARTITIONED.has(table)) throw new Error(`${table} is not partitioned`);
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`not a month: ${month}`);
  const name = `${table}_y${month.slice(0, 4)}m${month.slice(5, 7)}`;
  return `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} FOR VALUES FROM ('${month}') TO ('${nextMonth(month)}')`;
}
