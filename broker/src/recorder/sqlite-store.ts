// The recorder on SQLite (better-sqlite3, its only importer in broker/ with checkpointer.ts): WAL,
// one transaction per batch, synced before it counts as committed (a PUBACK follows it), and the
// WAL copied into the database by a thread of its own.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import {
  stageTracks,
  trackFromRow,
  trackKey,
  type SeqPoint,
  type SeqTrack,
} from './seq-tracker.js';
import type { ArrivedMessage, RecorderStore } from './store.js';
import { SEQ_TABLE, TABLES, insertStatement, rowsOf, schemaStatements } from './tables.js';

type Statement = Database.Statement;

/** How often the WAL is copied into the database while messages arrive, ms (by default). */
const CHECKPOINT_EVERY_MS = 1000;

/** SQLite's own default, when the checkpoint thread is gone: every 1,000 pages, in the writer. */
const AUTOMATIC_CHECKPOINT_PAGES = 1000;

export interface SqliteStoreOptions {
  /** How often the WAL is copied into the database while messages arrive, ms. */
  readonly checkpointEveryMs?: number;
  /** The checkpoint thread failed: SQLite checkpoints in the writer again. */
  readonly onCheckpointFailure?: (error: Error) => void;
}

/** Opens (creating it) the recorder database at `file`. Throws when it cannot be opened. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a committed batch survives a power cut too, since its PUBACKs have left.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = OFF');
    db.pragma('wal_autocheckpoint = 0');
    for (const statement of schemaStatements()) db.exec(statement);
  } catch (error) {
    db.close();
    throw error;
  }
  const checkpointer = startCheckpointer(file);
  try {
    return new SqliteStore(db, checkpointer, options);
  } catch (error) {
    void checkpointer.stop();
    db.close();
    throw error;
  }
}

export class SqliteStore implements RecorderStore {
  readonly #db: Database.Database;
  readonly #checkpointer: Checkpointer;
  readonly #onCheckpointFailure: ((error: Error) => void) | undefined;
  readonly #checkpointEveryMs: number;
  /** The checkpoint under way: the next commit waits for it. */
  #checkpoint: Promise<void> = Promise.resolve();
  #lastCheckpoint = Date.now();
  readonly #inserts: ReadonlyMap<string, Statement>;
  readonly #upsertTrack: Statement;
  readonly #queries = new Map<string, Statement>();
  /** The tracks as committed. */
  readonly #tracks = new Map<string, SeqTrack>();
  readonly #writeBatch: (batch: readonly ArrivedMessage[]) => {
    fresh: boolean[];
    staged: Map<string, SeqTrack>;
  };

  constructor(db: Database.Database, checkpointer: Checkpointer, options: SqliteStoreOptions) {
    this.#db = db;
    this.#checkpointer = checkpointer;
    this.#onCheckpointFailure = options.onCheckpointFailure;
    this.#checkpointEveryMs = options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS;
    this.#inserts = new Map(
      TABLES.map((table) => [table.name, db.prepare(insertStatement(table.name))]),
    );
    const names = SEQ_TABLE.columns.map(([name]) => name);
    const updates = names.slice(3).map((name) => `${name} = excluded.${name}`);
    this.#upsertTrack = db.prepare(
      `INSERT INTO ${SEQ_TABLE.name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})
       ON CONFLICT (bus_id, source, stream) DO UPDATE SET ${updates.join(', ')}`,
    );
    for (const track of readTracks(db))
      this.#tracks.set(trackKey(track.busId, track.source, track.stream), track);
    const writeBatch = (batch: readonly ArrivedMessage[]) => {
      const fresh: boolean[] = [];
      const points: SeqPoint[] = [];
      for (const { stream, message, payload, receivedAt } of batch) {
        const [first, ...rest] = rowsOf(
          stream,
          message,
          () => payload.toString('utf8'),
          () => new Date(receivedAt).toISOString(),
        );
        const isNew =
          first !== undefined && this.#insert(first.table).run(...first.values).changes > 0;
        fresh.push(isNew);
        if (!isNew) continue;
        for (const row of rest) this.#insert(row.table).run(...row.values);
        points.push({ busId: message.busId, source: message.source, stream, seq: message.seq });
      }
      const staged = stageTracks(this.#tracks, points);
      for (const t of staged.values()) {
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
      return { fresh, staged };
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

  async write(batch: readonly ArrivedMessage[]): Promise<boolean[]> {
    await this.#checkpoint;
    const { fresh, staged } = this.#writeBatch(batch);
    // Counted only once committed: a batch the database refused moved no track.
    for (const [key, track] of staged) this.#tracks.set(key, track);
    if (Date.now() - this.#lastCheckpoint >= this.#checkpointEveryMs) this.#startCheckpoint();
    return fresh;
  }

  #startCheckpoint(): void {
    this.#lastCheckpoint = Date.now();
    this.#checkpoint = this.#checkpointer.run().catch((error: unknown) => {
      // The WAL must not grow for ever: SQLite checkpoints in this connection again.
      this.#db.pragma(`wal_autocheckpoint = ${String(AUTOMATIC_CHECKPOINT_PAGES)}`);
      this.#lastCheckpoint = Number.POSITIVE_INFINITY;
      this.#onCheckpointFailure?.(error as Error);
    });
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
    return Promise.resolve([...this.#tracks.values()].map((track) => ({ ...track })));
  }

  /** Waits for the checkpoint under way, ends its thread, and closes the database. */
  async close(): Promise<void> {
    await this.#checkpoint;
    await this.#checkpointer.stop();
    this.#db.close();
  }
}

/** Every seq track in the database. */
function readTracks(db: Database.Database): SeqTrack[] {
  const rows = db.prepare(`SELECT * FROM ${SEQ_TABLE.name}`).all() as Record<
    string,
    string | number
  >[];
  return rows.map(trackFromRow);
}
