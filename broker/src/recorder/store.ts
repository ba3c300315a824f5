// What the recorder needs from a database: one interface, so PostgreSQL can follow SQLite.
import type { Row } from './tables.js';
import type { SeqTrack } from './seq-tracker.js';

/** One message to store: its rows (the first decides whether it is new) and where it is from. */
export interface PreparedMessage {
  readonly rows: readonly Row[];
  readonly busId: string;
  readonly source: string;
  readonly stream: string;
  readonly seq: number;
}

export interface RecorderStore {
  /**
   * Stores a batch in one transaction: each message's first row unless its key is already
   * there, and its other rows when it was new; then the tracks `track` computes from which
   * were new. Resolves, once committed, to which messages were new; rejects with nothing of the
   * batch kept.
   */
  write(
    batch: readonly PreparedMessage[],
    track: (fresh: readonly boolean[]) => readonly SeqTrack[],
  ): Promise<boolean[]>;
  /**
   * Rows of a read-only query in portable SQL (`?` placeholders), as objects keyed by column
   * name (aliases in double quotes keep their case).
   */
  query<T>(sql: string, params?: readonly (string | number | null)[]): Promise<T[]>;
  /** Every seq track, to carry on counting after a restart. */
  tracks(): Promise<SeqTrack[]>;
  close(): Promise<void>;
}
