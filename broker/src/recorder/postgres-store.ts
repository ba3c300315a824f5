// The recorder on PostgreSQL (pg, its only importer in broker/): one transaction per batch, each
// table's rows in one statement (arrays unnested), committed before any PUBACK leaves. Several
// central nodes may write at once: a batch first locks its buses (in order, so no two batches
// wait for each other), then reads and moves their seq tracks.
import pg from 'pg';
import { rowsOf, SEQ_TABLE, TABLES, type Row } from './tables.js';
import {
  arrayType,
  columnsOf,
  keyColumns,
  monthOf,
  nextMonth,
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
  /** Connections for the queries (default 10); the recorder writes on two of its own. */
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

// Creating tables and partitions, one node at a time.
const LOCK_SCHEMA = "SELECT pg_advisory_xact_lock(hashtextextended('fsbus.schema', 0))";

/**
 * Runs `run` in a transaction on a connection of the pool: committed when it resolves, rolled
 * back when it throws (a connection that cannot even roll back is dropped from the pool).
 */
async function transaction<T>(
  pool: pg.Pool,
  run: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // Checked out, a connection's errors are ours to hear (the pool hears idle ones): unheard, a
  // server restart would end the process. The query under way fails with it.
  const lost = () => {
    broken = true;
  };
  client.on('error', lost);
  try {
    await client.query('BEGIN');
    const result = await run(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.off('error', lost);
    client.release(broken);
  }
}

/**
 * Limits on each connection, so that a node that froze holding its locks (a host that lost its
 * network mid-transaction) cannot hold the others back for long: its transaction ends after
 * `IDLE_IN_TRANSACTION_MS` idle, a wait for a lock after `LOCK_WAIT_MS` (the batch is tried
 * again), and TCP keepalives find a dead peer in minutes rather than hours.
 */
const IDLE_IN_TRANSACTION_MS = 30_000;
const LOCK_WAIT_MS = 30_000;
/** A report may read months; one that runs longer is stopped. */
const STATEMENT_MS = 300_000;

function pool(options: PostgresStoreOptions, max: number, name: string): pg.Pool {
  const opened = new pg.Pool({
    connectionString: connectionString(options.url, options.password),
    max,
    types,
    application_name: name,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    lock_timeout: LOCK_WAIT_MS,
    statement_timeout: STATEMENT_MS,
  });
  opened.on('error', (error) => options.onConnectionError?.(error));
  return opened;
}

/** The months from `now`'s to `ahead` after it, `YYYY-MM`. */
function monthsFrom(now: number, ahead: number): string[] {
  const months = [monthOf(new Date(now).toISOString())];
  for (let i = 0; i < ahead; i++) months.push(nextMonth(months.at(-1) ?? ''));
  return months;
}

/** Partitions are made ahead for this many months after the current one, checked this often. */
const MONTHS_AHEAD = 2;
const PARTITIONS_EVERY_MS = 6 * 3_600_000;

/** Opens the recorder database at `url`, creating its tables. Rejects when it cannot. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  // The recorder writes on connections of its own: slow reports cannot hold its commits back.
  const writer = pool(options, 2, 'fsbus-central recorder');
  const reader = pool(options, options.poolSize ?? 10, 'fsbus-central');
  try {
    // Two nodes starting together create the tables one after the other.
    await transaction(writer, async (client) => {
      await client.query(LOCK_SCHEMA);
      for (const statement of postgresSchema()) await client.query(statement);
    });
    const store = new PostgresStore(writer, reader, options.onConnectionError);
    await store.ensurePartitions(monthsFrom(Date.now(), MONTHS_AHEAD));
    return store;
  } catch (error) {
    await Promise.all([writer.end(), reader.end()]);
    throw error;
  }
}

export class PostgresStore implements RecorderStore {
  readonly #writer: pg.Pool;
  readonly #reader: pg.Pool;
  /** `table month` of the partitions known to exist. */
  readonly #partitions = new Set<string>();
  /** Makes the coming months' partitions ahead, while the traffic does not need them yet. */
  readonly #ahead: NodeJS.Timeout;

  constructor(writer: pg.Pool, reader: pg.Pool, onError?: (error: Error) => void) {
    this.#writer = writer;
    this.#reader = reader;
    this.#ahead = setInterval(() => {
      this.ensurePartitions(monthsFrom(Date.now(), MONTHS_AHEAD)).catch((error: unknown) => {
        onError?.(error as Error);
      });
    }, PARTITIONS_EVERY_MS);
    this.#ahead.unref();
  }

  /**
   * Creates the partitions of these months that may be missing (every partitioned table), each
   * in a transaction of its own: creating one locks its table for a moment, and one table at a
   * time never waits on a batch that waits on it.
   */
  async ensurePartitions(months: Iterable<string>): Promise<void> {
    const wanted = [...new Set(months)];
    for (const table of PARTITIONED) {
      for (const month of wanted) {
        const key = `${table} ${month}`;
        if (this.#partitions.has(key)) continue;
        await transaction(this.#writer, async (client) => {
          await client.query(LOCK_SCHEMA);
          await client.query(partitionStatement(table, month));
        });
        this.#partitions.add(key);
      }
    }
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
    return transaction(this.#writer, async (client) => {
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
      return fresh;
    });
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
    const result = await this.#reader.query(numberedPlaceholders(sql), [...params]);
    return result.rows as T[];
  }

  async tracks(): Promise<SeqTrack[]> {
    const result = await this.#reader.query(`SELECT * FROM ${SEQ_TABLE.name}`);
    return (result.rows as Record<string, string | number>[]).map(trackFromRow);
  }

  async close(): Promise<void> {
    clearInterval(this.#ahead);
    await Promise.all([this.#writer.end(), this.#reader.end()]);
  }
}

/** A row's key as an insert returns it: table, then its key columns' values as text. */
function keyOf(row: Row): string {
  const values = positionsOf(row.table).key.map((at) => String(row.values[at]));
  return `${row.table}\u0000${values.join('\u0000')}`;
}

/** The month of a partitioned row (its `ts`). */
function rowMonth(row: Row): string {
  return monthOf(String(row.values[positionsOf(row.table).ts]));
}

/** Per table, where its key columns and its `ts` sit in a row's values: found once. */
const POSITIONS = new Map<string, { key: readonly number[]; ts: number }>(
  TABLES.map(({ name }) => {
    const names = columnsOf(name).map(([column]) => column);
    return [
      name,
      { key: keyColumns(name).map((column) => names.indexOf(column)), ts: names.indexOf('ts') },
    ] as const;
  }),
);

function positionsOf(table: string): { key: readonly number[]; ts: number } {
  const positions = POSITIONS.get(table);
  if (!positions) throw new Error(`no table ${table}`);
  return positions;
}
