// The store-and-forward outbox towards central, on SQLite (better-sqlite3, its only importer):
// every message bound for central is committed here before it counts as accepted, and deleted
// only once central has acknowledged it. Writes are grouped in one transaction per window to
// spare the SD card; telemetry is thinned, then dropped oldest first, past its cap; events are
// never dropped, and past the hard cap they are refused loudly instead.
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '@fsbus/shared/node';
import { prepare, ROW_OVERHEAD, SCHEMA, type OutboxStatements } from './statements.js';

/** `event`: never dropped. `telemetry`: thinned, then dropped oldest first, past its cap. */
export type DeliveryClass = 'event' | 'telemetry';

/** A message for central, as the bridge hands it over. */
export interface OutboxMessage {
  /** The envelope id: a message already in the outbox is not stored twice. */
  readonly id: string;
  readonly stream: string;
  readonly topic: string;
  readonly payload: string;
  readonly class: DeliveryClass;
}

/** A committed message waiting for central's acknowledgement. */
export interface OutboxRow extends OutboxMessage {
  /** Insertion order: oldest first is ascending seq. */
  readonly seq: number;
  /** When it was accepted, ms. */
  readonly createdAt: number;
}

export type OutboxErrorCode = 'hard_cap' | 'backlog_in_memory' | 'closed';

/** Why a message was refused; the caller says so (log, status) and does not acknowledge it. */
export class OutboxError extends Error {
  override readonly name = 'OutboxError';
  constructor(
    readonly code: OutboxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What stops commits now: null when they go through. */
export type OutboxFault = 'disk_full' | 'io_error' | null;

export interface OutboxOptions {
  readonly file: string;
  /** Accepted messages and acknowledgements are committed together once per window, ms. */
  readonly commitWindowMs: number;
  readonly telemetryCapBytes: number;
  readonly hardCapBytes: number;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** After a failed commit (disk full...), the next try, ms (default 5 s). */
  readonly retryMs?: number;
  /** Messages held in memory while commits fail, at most (default 10,000). */
  readonly maxUncommitted?: number;
  /**
   * Central's acknowledgements (row deletions) ride on the next commit of new messages, or are
   * committed on their own after this long (default 60 s) or 5,000 of them: a deletion lost in a
   * crash only sends a message again, which central stores once, and the card is spared a
   * commit per message.
   */
  readonly ackCommitMs?: number;
  /** Some messages were committed (the uplink may have more to send). */
  readonly onCommitted?: () => void;
  /** Commits started failing, or work again (null). */
  readonly onFault?: (fault: OutboxFault) => void;
}

const CLASS_CODE: Readonly<Record<DeliveryClass, number>> = { event: 0, telemetry: 1 };
const CLASS_OF = ['event', 'telemetry'] as const;
/** Acknowledgements waiting for a commit, at most. */
const ACK_BATCH = 5000;

interface Waiting {
  readonly message: OutboxMessage;
  readonly at: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

interface ClassTally {
  rows: number;
  bytes: number;
}

function rowBytes(message: OutboxMessage): number {
  return (
    Buffer.byteLength(message.payload) + message.topic.length + message.id.length + ROW_OVERHEAD
  );
}

/** SQLite's answer to a write that does not fit: the disk, or the file's own page limit. */
function faultOf(error: unknown): OutboxFault {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_FULL') return 'disk_full';
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return 'io_error';
  return null;
}

function newOutboxCounts() {
  return {
    accepted: 0,
    duplicates: 0,
    commits: 0,
    commit_errors: 0,
    sent: 0,
    telemetry_thinned: 0,
    telemetry_dropped: 0,
    events_refused: 0,
  };
}

export class Outbox {
  readonly #options: OutboxOptions;
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  readonly #statements: OutboxStatements;
  #waiting: Waiting[] = [];
  #waitingBytes = 0;
  /** Acknowledged by central, deleted at the next commit: seq -> class. */
  #acked = new Map<number, DeliveryClass>();
  /** State values staged for the next commit, the latest per key. */
  #staged = new Map<string, string>();
  readonly #ackedRows: Record<DeliveryClass, number> = { event: 0, telemetry: 0 };
  #ackTimer: NodeJS.Timeout | undefined;
  readonly #tally: Record<DeliveryClass, ClassTally> = {
    event: { rows: 0, bytes: 0 },
    telemetry: { rows: 0, bytes: 0 },
  };
  #timer: NodeJS.Timeout | undefined;
  #fault: OutboxFault = null;
  #closed = false;
  readonly #counts = newOutboxCounts();

  /** Opens (or creates, with its folder) the outbox file; throws when it cannot. */
  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#log = options.logger;
    mkdirSync(path.dirname(options.file), { recursive: true });
    const db = new Database(options.file);
    try {
      // Incremental vacuum lets the file shrink after a long backlog drained; it only takes
      // effect on a new file (set before the first table).
      db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
      // FULL: a commit is on the card before a visit is acknowledged to the kiosk, so a power
      // cut loses none. With WAL that is one fsync per commit, at most one per window.
      db.pragma('synchronous = FULL');
      db.pragma('journal_size_limit = 4194304');
      db.exec(SCHEMA);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    this.#statements = prepare(db);
    this.#recount();
  }

  /**
   * Takes a message for central; resolves once it is committed (acknowledge it then, not
   * before). Rejects with an OutboxError when it is refused: an event past the hard cap, or
   * too many messages held in memory while the disk refuses writes. `prompt`: someone waits
   * for this commit (a publisher's PUBACK), so it happens now, not at the end of the window.
   */
  add(message: OutboxMessage, { prompt = false } = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new OutboxError('closed', 'the outbox is closed'));
    const bytes = rowBytes(message);
    if (message.class === 'event') {
      const full = () =>
        this.#tally.event.bytes + this.#tally.telemetry.bytes + this.#waitingBytes + bytes >
        this.#options.hardCapBytes;
      // Rows central acknowledged free their room once deleted: delete them now.
      if (full() && this.#acked.size > 0 && this.#fault === null) this.flush();
      const after = this.#tally.event.bytes + this.#waitingBytes + bytes;
      const excess = after + this.#tally.telemetry.bytes - this.#options.hardCapBytes;
      if (excess > 0) this.#dropTelemetryFor(excess);
      if (after > this.#options.hardCapBytes) {
        this.#counts.events_refused += 1;
        return Promise.reject(
          new OutboxError('hard_cap', `outbox events past the hard cap of ${this.#capText()}`),
        );
      }
    }
    const maxUncommitted = this.#options.maxUncommitted ?? 10_000;
    // A healthy disk commits a full window at once; only a failing one makes messages wait.
    if (this.#waiting.length >= maxUncommitted && this.#fault === null) this.flush();
    if (this.#waiting.length >= maxUncommitted) {
      const oldestTelemetry = this.#waiting.findIndex((w) => w.message.class === 'telemetry');
      if (message.class === 'telemetry' || oldestTelemetry < 0) {
        if (message.class === 'telemetry') this.#counts.telemetry_dropped += 1;
        else this.#counts.events_refused += 1;
        return Promise.reject(
          new OutboxError('backlog_in_memory', 'too many messages waiting for the disk'),
        );
      }
      const [dropped] = this.#waiting.splice(oldestTelemetry, 1);
      if (dropped) {
        this.#waitingBytes -= rowBytes(dropped.message);
        this.#counts.telemetry_dropped += 1;
        dropped.reject(new OutboxError('backlog_in_memory', 'dropped for an event'));
      }
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ message, at: this.#now(), resolve, reject });
      this.#waitingBytes += bytes;
      this.#schedule(prompt);
    });
  }

  /**
   * The oldest committed rows of a class after `afterSeq` that are not acknowledged yet, at most
   * `limit` (past acknowledged rows waiting for their deletion).
   */
  next(deliveryClass: DeliveryClass, afterSeq: number, limit: number): OutboxRow[] {
    const found: OutboxRow[] = [];
    let after = afterSeq;
    for (;;) {
      const rows = this.#statements.next.all(CLASS_CODE[deliveryClass], after, limit) as {
        seq: number;
        id: string;
        stream: string;
        topic: string;
        payload: string;
        created_at: number;
      }[];
      for (const row of rows) {
        if (this.#acked.has(row.seq) || found.length >= limit) continue;
        found.push({
          seq: row.seq,
          id: row.id,
          stream: row.stream,
          topic: row.topic,
          payload: row.payload,
          class: deliveryClass,
          createdAt: row.created_at,
        });
      }
      const last = rows.at(-1);
      if (found.length >= limit || rows.length < limit || last === undefined) return found;
      after = last.seq;
    }
  }

  /**
   * Stages a state value for the next commit: it is written in the same transaction as every
   * message added before it (and not yet committed), so after a crash the state and those
   * messages are both there or both gone. Committed at the end of the window, or with a prompt
   * message's commit.
   */
  stage(key: string, value: string): void {
    if (this.#closed) return;
    this.#staged.set(key, value);
    this.#schedule();
  }

  /** The committed (or staged) value of a state key. */
  readState(key: string): string | undefined {
    const staged = this.#staged.get(key);
    if (staged !== undefined) return staged;
    const row = this.#statements.readState.get(key) as { value: string } | undefined;
    return row?.value;
  }

  /** Writes a state value in a transaction of its own, now; throws when the disk refuses it. */
  writeStateNow(key: string, value: string): void {
    if (this.#closed) throw new OutboxError('closed', 'the outbox is closed');
    this.#statements.writeState.run(key, value);
  }

  /** Central acknowledged the row: it is no longer pending, and is deleted at a later commit. */
  ack(row: Pick<OutboxRow, 'seq' | 'class'>): void {
    if (this.#closed || this.#acked.has(row.seq)) return;
    this.#acked.set(row.seq, row.class);
    this.#ackedRows[row.class] += 1;
    this.#counts.sent += 1;
    if (this.#acked.size >= ACK_BATCH) this.#schedule();
    else this.#ackTimer ??= setTimeout(() => this.flush(), this.#options.ackCommitMs ?? 60_000);
  }

  /** Rows, bytes and oldest waiting time per class, the file's size and what went wrong. */
  stats(): Record<
    | keyof ReturnType<typeof newOutboxCounts>
    | 'events_pending'
    | 'telemetry_pending'
    | 'events_bytes'
    | 'telemetry_bytes'
    | 'uncommitted'
    | 'oldest_event_age_s'
    | 'oldest_telemetry_age_s'
    | 'file_bytes',
    number
  > {
    const oldest = (deliveryClass: DeliveryClass) => {
      const row = this.#statements.oldest.get(CLASS_CODE[deliveryClass]) as
        { created_at: number } | undefined;
      return row === undefined ? 0 : Math.max(0, Math.round((this.#now() - row.created_at) / 1000));
    };
    return {
      ...this.#counts,
      events_pending: this.#tally.event.rows - this.#ackedRows.event,
      telemetry_pending: this.#tally.telemetry.rows - this.#ackedRows.telemetry,
      events_bytes: this.#tally.event.bytes,
      telemetry_bytes: this.#tally.telemetry.bytes,
      uncommitted: this.#waiting.length,
      oldest_event_age_s: oldest('event'),
      oldest_telemetry_age_s: oldest('telemetry'),
      file_bytes: this.fileBytes(),
    };
  }

  /** Bytes the outbox takes on disk: the database and its write-ahead log. */
  fileBytes(): number {
    let bytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        bytes += statSync(this.#options.file + suffix).size;
      } catch {
        // No WAL file between checkpoints.
      }
    }
    return bytes;
  }

  get fault(): OutboxFault {
    return this.#fault;
  }

  /** Commits what is waiting now (tests, shutdown); false when the commit failed. */
  flush(): boolean {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    if (this.#waiting.length === 0 && this.#acked.size === 0 && this.#staged.size === 0)
      return true;
    const waiting = this.#waiting;
    const acked = this.#acked;
    const staged = this.#staged;
    try {
      const inserted = this.#commit(waiting, acked, staged);
      this.#waiting = [];
      this.#waitingBytes = 0;
      this.#acked = new Map();
      this.#staged = new Map();
      this.#ackedRows.event = 0;
      this.#ackedRows.telemetry = 0;
      this.#counts.commits += 1;
      this.#setFault(null);
      for (const w of waiting) w.resolve();
      if (inserted > 0) this.#options.onCommitted?.();
      return true;
    } catch (error) {
      this.#counts.commit_errors += 1;
      this.#recount(); // the transaction rolled back, and with it any thinning
      const fault = faultOf(error) ?? 'io_error';
      if (fault !== this.#fault) {
        this.#log?.error(
          { err: error, file: this.#options.file, waiting: waiting.length },
          fault === 'disk_full'
            ? 'outbox: the disk is full; messages wait in memory and on board'
            : 'outbox: cannot write',
        );
      }
      this.#setFault(fault);
      this.#timer = setTimeout(() => this.flush(), this.#options.retryMs ?? 5000);
      return false;
    }
  }

  /** Commits what is waiting (as far as the disk allows) and closes the file. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#ackTimer);
    for (const w of this.#waiting) w.reject(new OutboxError('closed', 'the outbox is closed'));
    this.#waiting = [];
    this.#db.close();
  }

  #schedule(prompt = false): void {
    if (this.#closed) return;
    if (prompt && this.#fault === null) {
      // Now, with whatever else is waiting (after a failure the retry timer stays in charge).
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.flush(), 0);
      return;
    }
    this.#timer ??= setTimeout(() => this.flush(), this.#options.commitWindowMs);
  }

  /**
   * One transaction: the acknowledged rows out, the waiting messages in, the staged state
   * written. Returns rows added.
   */
  #commit(
    waiting: readonly Waiting[],
    acked: ReadonlyMap<number, DeliveryClass>,
    staged: ReadonlyMap<string, string>,
  ): number {
    const { insert, remove, writeState } = this.#statements;
    let inserted = 0;
    this.#db.transaction(() => {
      for (const seq of acked.keys()) {
        const row = remove.get(seq) as { class: number; bytes: number } | undefined;
        const tally = row === undefined ? undefined : this.#tally[CLASS_OF[row.class] ?? 'event'];
        if (row !== undefined && tally !== undefined) {
          tally.rows -= 1;
          tally.bytes -= row.bytes;
        }
      }
      const incoming = waiting
        .filter((w) => w.message.class === 'telemetry')
        .reduce((sum, w) => sum + rowBytes(w.message), 0);
      if (incoming > 0) this.#capTelemetry(incoming);
      for (const { message, at } of waiting) {
        const result = insert.run(
          message.id,
          CLASS_CODE[message.class],
          message.stream,
          message.topic,
          message.payload,
          at,
        );
        if (result.changes === 0) {
          this.#counts.duplicates += 1;
        } else {
          inserted += 1;
          const tally = this.#tally[message.class];
          tally.rows += 1;
          tally.bytes += rowBytes(message);
        }
      }
      for (const [key, value] of staged) writeState.run(key, value);
    })();
    this.#counts.accepted += inserted;
    if (acked.size > 0) this.#vacuum();
    return inserted;
  }

  /**
   * Keeps telemetry under its cap with `incoming` more bytes: first thins the older half (every
   * other row of each stream), then, if that is not enough, drops the oldest rows.
   */
  #capTelemetry(incoming: number): void {
    const cap = this.#options.telemetryCapBytes;
    if (this.#tally.telemetry.bytes + incoming <= cap) return;
    const { rows } = this.#tally.telemetry;
    if (rows >= 4) {
      const middle = this.#statements.nthTelemetry.get(Math.floor(rows / 2)) as
        { seq: number } | undefined;
      if (middle !== undefined) {
        const thinned = this.#statements.thin.run(middle.seq).changes;
        this.#counts.telemetry_thinned += thinned;
        this.#recount();
        this.#log?.warn(
          { thinned, cap, bytes: this.#tally.telemetry.bytes },
          'outbox: telemetry past its cap, the older half thinned',
        );
      }
    }
    const excess = this.#tally.telemetry.bytes + incoming - cap;
    if (excess > 0) this.#dropTelemetry(excess);
  }

  /** Drops the oldest telemetry rows until `bytes` are freed (or none is left). */
  #dropTelemetry(bytes: number): void {
    let freed = 0;
    let dropped = 0;
    let last = 0;
    while (freed < bytes) {
      const rows = this.#statements.oldestTelemetry.all(last, 1000) as {
        seq: number;
        bytes: number;
      }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        if (freed >= bytes) break;
        freed += row.bytes;
        dropped += 1;
        last = row.seq;
      }
    }
    if (dropped === 0) return;
    this.#statements.dropTelemetryUpTo.run(last);
    this.#counts.telemetry_dropped += dropped;
    this.#recount();
    this.#log?.warn({ dropped, freed }, 'outbox: oldest telemetry dropped to stay under its cap');
  }

  /** Makes room for events past the hard cap by dropping telemetry (committed at once). */
  #dropTelemetryFor(bytes: number): void {
    if (this.#tally.telemetry.rows === 0) return;
    try {
      this.#db.transaction(() => {
        this.#dropTelemetry(bytes);
      })();
    } catch (error) {
      this.#recount();
      this.#log?.error({ err: error }, 'outbox: cannot drop telemetry for events');
    }
  }

  /** Gives freed pages back to the file system when a quarter of the file is free. */
  #vacuum(): void {
    const free = this.#db.pragma('freelist_count', { simple: true }) as number;
    const pages = this.#db.pragma('page_count', { simple: true }) as number;
    if (free > 256 && free * 4 > pages) this.#db.pragma('incremental_vacuum');
  }

  #recount(): void {
    this.#tally.event = { rows: 0, bytes: 0 };
    this.#tally.telemetry = { rows: 0, bytes: 0 };
    for (const row of this.#statements.tally.all() as {
      class: number;
      rows: number;
      bytes: number;
    }[]) {
      const deliveryClass = CLASS_OF[row.class];
      if (deliveryClass) this.#tally[deliveryClass] = { rows: row.rows, bytes: row.bytes };
    }
  }

  #setFault(fault: OutboxFault): void {
    if (fault === this.#fault) return;
    if (fault === null) this.#log?.info({ file: this.#options.file }, 'outbox: writing again');
    this.#fault = fault;
    this.#options.onFault?.(fault);
  }

  #capText(): string {
    return `${String(Math.round(this.#options.hardCapBytes / 1e6))} MB`;
  }
}
