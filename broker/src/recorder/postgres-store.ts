// The recorder on PostgreSQL (pg, its only importer in broker/): one transaction per batch, each
// table's rows in one statement (arrays unnested), committed before any PUBACK leaves. Several
// central nodes may write at once: a batch first locks its buses (in order, so no two batches
// wait for each other), then reads and moves their seq tracks.
import pg from 'pg';
import { rowsOf, SEQ_TABLE, type Row } from './tables.js';
import {
  arrayType,
  columnsOf,
  keyColumns,
  monthOf,
  PARTITIONED,
  partitionStatement,
  postgresSchema,
} from './postgres-schema.js';
import {
  stageTracks,
  trackFromRow,
  trackKey,
  type SeqPoint,
  type SeqTrack,
} from './seq-tracker.js';
import type { ArrivedMessage, RecorderStore } from './store.js';

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database, without a password. */
  readonly url: string;
  readonly password: string | null;
  /** Connections kept open (default 10). */
  readonly poolSize?: number;
  /** A connection failed while idle (the pool replaces it). */
  readonly onConnectionError?: (error: Error) => void;
}

/** The connection string with the password in it (pg lets the URL's override the config's). */
export function connectionString(url: string, password: string | null): string {
  if (password === null) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

// Counts and sums come back as numbers, as they do from SQLite: 64-bit integers (COUNT, SUM of
// integers, seqs) stay below 2^53 here, and numerics are AVG and SUM of integers.
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, Number);
types.setTypeParser(pg.types.builtins.NUMERIC, Number);

/** One table's insert of many rows: one array per column, unnested. */
function bulkInsert(table: string, returning: boolean): string {
  const columns = columnsOf(table);
  const arrays = columns.map(([, type], i) => `$${String(i + 1)}::${arrayType(type)}`);
  const names = columns.map(([name]) => name).join(', ');
  return `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays.join(', ')}) ON CONFLICT DO NOTHING${
    returning ? ` RETURNING ${keyColumns(table).join(', ')}` : ''
  }`;
}

/** Rows as one array per column. */
function columnsOfRows(rows: readonly Row[], width: number): unknown[][] {
  const arrays: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) row.values.forEach((value, i) => arrays[i]?.push(value));
  return arrays;
}

/** `?` placeholders (outside quotes) as PostgreSQL's `$1`, `$2`... */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  let quote: string | null = null;
  let out = '';
  for (const char of sql) {
    if (quote !== null) {
      if (char === quote) quote = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      n += 1;
      out += `$${String(n)}`;
    } else out += char;
  }
  return out;
}

const TRACK_COLUMNS = SEQ_TABLE.columns.map(([name]) => name);
const UPSERT_TRACKS = `INSERT INTO ${SEQ_TABLE.name} (${TRACK_COLUMNS.join(', ')})
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], ${TRACK_COLUMNS.slice(3)
    .map((_, i) => `$${String(i + 4)}::bigint[]`)
    .join(', ')})
  ON CONFLICT (bus_id, source, stream) DO UPDATE SET ${TRACK_COLUMNS.slice(3)
    .map((name) => `${name} = excluded.${name}`)
    .join(', ')}`;
// Buses locked in name order: batches sharing buses take their locks in the same order.
const LOCK_BUSES = `SELECT pg_advisory_xact_lock(hashtextextended('fsbus.bus:' || bus, 0))
  FROM (SELECT DISTINCT unnest($1::text[]) AS bus ORDER BY bus) AS buses`;

/** Opens the recorder database at `url`, creating its tables. Rejects when it cannot. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = new pg.Pool({
    connectionString: connectionString(options.url, options.password),
    max: options.poolSize ?? 10,
    types,
    application_name: 'fsbus-central',
  });
  pool.on('error', (error) => options.onConnectionError?.(error));
  try {
    const client = await pool.connect();
    try {
      // Two nodes starting together create the tables one after the other.
      await client.query('BEGIN');
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('fsbus.schema', 0))");
      for (const statement of postgresSchema()) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    const store = new PostgresStore(pool);
    // This month's and the next one's partitions, before the traffic needs them.
    const now = new Date().toISOString();
    const next = new Date(Date.now() + 32 * 86_400_000).toISOString();
    await store.ensurePartitions([monthOf(now), monthOf(next)]);
    return store;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

export class PostgresStore implements RecorderStore {
  readonly #pool: pg.Pool;
  /** `table month` of the partitions known to exist. */
  readonly #partitions = new Set<string>();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Creates the partitions of these months that may be missing (every partitioned table). */
  async ensurePartitions(months: Iterable<string>): Promise<void> {
    const missing = [...PARTITIONED].flatMap((table) =>
      [...new Set(months)]
        .filter((month) => !this.#partitions.has(`${table} ${month}`))
        .map((month) => ({ table, month })),
    );
    if (missing.length === 0) return;
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('fsbus.schema', 0))");
      for (const { table, month } of missing) await client.query(partitionStatement(table, month));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    for (const { table, month } of missing) this.#partitions.add(`${table} ${month}`);
  }

  async write(batch: readonly ArrivedMessage[]): Promise<boolean[]> {
    const rows = batch.map(({ stream, message, payload, receivedAt }) =>
      rowsOf(
        stream,
        message,
        () => payload.toString('utf8'),
        () => new Date(receivedAt).toISOString(),
      ),
    );
    await this.ensurePartitions(
      rows.flatMap((of) => of.filter((row) => PARTITIONED.has(row.table))).map(rowMonth),
    );
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(LOCK_BUSES, [batch.map(({ message }) => message.busId)]);
      const fresh = await this.#insertFirstRows(client, rows);
      const rest = rows.flatMap((of, index) => (fresh[index] === true ? of.slice(1) : []));
      await this.#insert(client, rest, false);
      const points: SeqPoint[] = [];
      batch.forEach(({ stream, message }, index) => {
        if (fresh[index] === true)
          points.push({ busId: message.busId, source: message.source, stream, seq: message.seq });
      });
      await this.#moveTracks(client, points);
      await client.query('COMMIT');
      return fresh;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Inserts each message's first row; true for those whose key was not there yet. */
  async #insertFirstRows(client: pg.PoolClient, rows: readonly Row[][]): Promise<boolean[]> {
    const firsts = rows.map((of) => of[0]);
    const inserted = await this.#insert(
      client,
      firsts.filter((row) => row !== undefined),
      true,
    );
    return firsts.map((row) => {
      if (row === undefined) return false;
      const key = keyOf(row);
      // The first of the same key in the batch is the new one; later ones are duplicates.
      return inserted.delete(key);
    });
  }

  /** Inserts rows, one statement per table; with `returning`, the keys of the rows inserted. */
  async #insert(
    client: pg.PoolClient,
    rows: readonly Row[],
    returning: boolean,
  ): Promise<Set<string>> {
    const inserted = new Set<string>();
    const byTable = new Map<string, Row[]>();
    for (const row of rows) {
      const list = byTable.get(row.table);
      if (list) list.push(row);
      else byTable.set(row.table, [row]);
    }
    for (const [table, list] of byTable) {
      const width = columnsOf(table).length;
      const result = await client.query(bulkInsert(table, returning), columnsOfRows(list, width));
      if (!returning) continue;
      const key = keyColumns(table);
      for (const returned of result.rows as Record<string, unknown>[]) {
        inserted.add(
          `${table}\u0000${key.map((column) => String(returned[column])).join('\u0000')}`,
        );
      }
    }
    return inserted;
  }

  /** Moves the seq tracks of the batch's new messages, from what is committed (under lock). */
  async #moveTracks(client: pg.PoolClient, points: readonly SeqPoint[]): Promise<void> {
    if (points.length === 0) return;
    const buses = [...new Set(points.map((p) => p.busId))];
    const result = await client.query(`SELECT * FROM ${SEQ_TABLE.name} WHERE bus_id = ANY($1)`, [
      buses,
    ]);
    const known = new Map<string, SeqTrack>();
    for (const row of result.rows as Record<string, string | number>[]) {
      const track = trackFromRow(row);
      known.set(trackKey(track.busId, track.source, track.stream), track);
    }
    const staged = [...stageTracks(known, points).values()];
    const column = (name: keyof SeqTrack) => staged.map((t) => t[name]);
    await client.query(UPSERT_TRACKS, [
      column('busId'),
      column('source'),
      column('stream'),
      column('messages'),
      column('firstSeq'),
      column('lastSeq'),
      column('gaps'),
      column('missing'),
      column('restarts'),
      column('late'),
    ]);
  }

  async query<T>(sql: string, params: readonly (string | number | null)[] = []): Promise<T[]> {
    const result = await this.#pool.query(numberedPlaceholders(sql), [...params]);
    return result.rows as T[];
  }

  async tracks(): Promise<SeqTrack[]> {
    const result = await this.#pool.query(`SELECT * FROM ${SEQ_TABLE.name}`);
    return (result.rows as Record<string, string | number>[]).map(trackFromRow);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** A row's key as an insert returns it: table, then its key columns' values as text. */
function keyOf(row: Row): string {
  const columns = columnsOf(row.table).map(([name]) => name);
  const values = keyColumns(row.table).map((column) => String(row.values[columns.indexOf(column)]));
  return `${row.table}\u0000${values.join('\u0000')}`;
}

/** The month of a partitioned row (its `ts`). */
function rowMonth(row: Row): string {
  const columns = columnsOf(row.table).map(([name]) => name);
  return monthOf(String(row.values[columns.indexOf('ts')]));
}
