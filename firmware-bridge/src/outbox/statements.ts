// The outbox's table and the SQL it runs, prepared once per connection.
import type Database from 'better-sqlite3';

/** Bytes a row costs beyond its text: the row header, seq, class, time and index entry. */
export const ROW_OVERHEAD = 40;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT    NOT NULL UNIQUE,
  class      INTEGER NOT NULL,  -- 0 event, 1 telemetry
  stream     TEXT    NOT NULL,
  topic      TEXT    NOT NULL,
  payload    TEXT    NOT NULL,
  created_at INTEGER NOT NULL   -- ms since the epoch
);
CREATE INDEX IF NOT EXISTS messages_by_class ON messages (class, seq);
-- The bridge's own state that must agree with what it sent: the door counts and occupancy a door
-- event was computed from, committed in the event's transaction; the seq blocks it reserved.
CREATE TABLE IF NOT EXISTS state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

export type OutboxStatements = Readonly<
  Record<
    | 'insert'
    | 'remove'
    | 'next'
    | 'oldest'
    | 'tally'
    | 'nthTelemetry'
    | 'thin'
    | 'oldestTelemetry'
    | 'dropTelemetryUpTo'
    | 'readState'
    | 'writeState',
    Database.Statement
  >
>;

/** The outbox's statements on `db` (the table must exist). */
export function prepare(db: Database.Database): OutboxStatements {
  const bytes = `length(CAST(payload AS BLOB)) + length(topic) + length(id) + ${String(ROW_OVERHEAD)}`;
  return {
    insert: db.prepare(
      'INSERT OR IGNORE INTO messages (id, class, stream, topic, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    remove: db.prepare(`DELETE FROM messages WHERE seq = ? RETURNING class, ${bytes} AS bytes`),
    next: db.prepare(
      'SELECT seq, id, stream, topic, payload, created_at FROM messages WHERE class = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    oldest: db.prepare('SELECT created_at FROM messages WHERE class = ? ORDER BY seq LIMIT 1'),
    tally: db.prepare(
      `SELECT class, count(*) AS rows, coalesce(sum(${bytes}), 0) AS bytes FROM messages GROUP BY class`,
    ),
    nthTelemetry: db.prepare(
      'SELECT seq FROM messages WHERE class = 1 ORDER BY seq LIMIT 1 OFFSET ?',
    ),
    // Every other row of each stream among the older telemetry: the track keeps its shape.
    thin: db.prepare(
      `DELETE FROM messages WHERE seq IN (
         SELECT seq FROM (
           SELECT seq, row_number() OVER (PARTITION BY stream ORDER BY seq) AS n
           FROM messages WHERE class = 1 AND seq < ?
         ) WHERE n % 2 = 0
       )`,
    ),
    oldestTelemetry: db.prepare(
      `SELECT seq, ${bytes} AS bytes FROM messages WHERE class = 1 AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    dropTelemetryUpTo: db.prepare('DELETE FROM messages WHERE class = 1 AND seq <= ?'),
    readState: db.prepare('SELECT value FROM state WHERE key = ?'),
    writeState: db.prepare(
      'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };
}
