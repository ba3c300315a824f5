// The recorder on SQLite (better-sqlite3, its only importer in broker/): WAL, one transaction per
// batch, synced before it counts as committed (a PUBACK follows it).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RecorderStore, PreparedMessage } from './store.js';
import type { SeqTrack } from './seq-tracker.js';
import { SEQ_TABLE, TABLES, insertStatement, schemaStatements } from './tables.js';

type Statement = Database.Statement;

/** Opens (creating it) the recorder database at `file`. Throws when it cannot be opened. */
export function openSqliteStore(file: string): SqliteStore {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a committed batch survives a power cut too, since its PUBACKs have left.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = OFF');
    for (const statement of schemaStatements()) db.exec(statement);
    return new SqliteStore(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

export class SqliteStore implements RecorderStore {
  readonly #db: Database.Database;
  readonly #inserts: ReadonlyMap<string, Statement>;
  readonly #upsertTrack: Statement;
  readonly #queries = new Map<string, Statement>();
  readonly #writeBatch: (
    batch: readonly PreparedMessage[],
    track: (fresh: readonly boolean[]) => readonly SeqTrack[],
  ) => boolean[];

  constructor(db: Database.Database) {
    this.#db = db;
    this.#inserts = new Map(
      TABLES.map((table) => [table.name, db.prepare(insertStatement(table.name))]),
    );
    const names = SEQ_TABLE.columns.map(([name]) => name);
    const updates = names.slice(3).map((name) => `${name} = excluded.${name}`);
    this.#upsertTrack = db.prepare(
      `INSERT INTO ${SEQ_TABLE.name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})
       ON CONFLICT (bus_id, source, stream) DO UPDATE SET ${updates.join(', ')}`,
    );
    const writeBatch = (
      batch: readonly PreparedMessage[],
      track: (fresh: readonly boolean[]) => readonly SeqTrack[],
    ): boolean[] => {
      const fresh = batch.map((message) => {
        const [first, ...rest] = message.rows;
        if (!first || this.#insert(first.table).run(...first.values).changes === 0) return false;
        for (const row of rest) this.#insert(row.table).run(...row.values);
        return true;
      });
      for (const t of track(fresh)) {
        this.#upsertTrack.run(
          t.busId,
          t.source,
          t.stream,
          t.messages,
          t.firstSeq,
          t.lastSeq,
          t.gaps,
          t.missing,
          t.restarts,
          t.late,
        );
      }
      return fresh;
    };
    this.#writeBatch = db.transaction(writeBatch);
  }

  /** The connection, for the queries of reports and the API (same process, read-only use). */
  get db(): Database.Database {
    return this.#db;
  }

  #insert(table: string): Statement {
    const statement = this.#inserts.get(table);
    if (!statement) throw new Error(`no insert for table ${table}`);
    return statement;
  }

  // better-sqlite3 is synchronous; the interface is not, for PostgreSQL.
  // eslint-disable-next-line @typescript-eslint/require-await -- see above
  async write(
    batch: readonly PreparedMessage[],
    track: (fresh: readonly boolean[]) => readonly SeqTrack[],
  ): Promise<boolean[]> {
    return this.#writeBatch(batch, track);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- synchronous here, not for PostgreSQL
  async query<T>(sql: string, params: readonly (string | number | null)[] = []): Promise<T[]> {
    let statement = this.#queries.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (this.#queries.size > 200) this.#queries.clear();
      this.#queries.set(sql, statement);
    }
    return statement.all(...params) as T[];
  }

  tracks(): Promise<SeqTrack[]> {
    const rows = this.#db.prepare(`SELECT * FROM ${SEQ_TABLE.name}`).all() as Record<
      string,
      string | number
    >[];
    return Promise.resolve(
      rows.map((row) => ({
        busId: String(row.bus_id),
        source: String(row.source),
        stream: String(row.stream),
        messages: Number(row.messages),
        firstSeq: Number(row.first_seq),
        lastSeq: Number(row.last_seq),
        gaps: Number(row.gaps),
        missing: Number(row.missing),
        restarts: Number(row.restarts),
        late: Number(row.late),
      })),
    );
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }
}
