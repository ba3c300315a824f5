// What the recorder needs from a database: one interface, so PostgreSQL can follow SQLite.
import type { MessageOf, Stream } from '@fsbus/shared';
import type { SeqTrack } from './seq-tracker.js';

/** One message to store, as it arrived: it passed its schema. */
export interface ArrivedMessage {
  readonly stream: Stream;
  readonly message: MessageOf<Stream>;
  /** Its payload (UTF-8 JSON), which some tables keep whole. */
  readonly payload: Buffer;
  /** When central received it, ms since the epoch (statuses keep it; 0 for the others). */
  readonly receivedAt: number;
}

export interface RecorderStore {
  /**
   * Stores a batch in one transaction: each message's rows unless its key is already there
   * (the envelope `id`; for fixes, and on PostgreSQL for all the telemetry, bus, time and `id`),
   * and the seq tracks of those that were new. Resolves, once committed, to which messages
   * were new; rejects with nothing of the batch kept.
   */
  write(batch: readonly ArrivedMessage[]): Promise<boolean[]>;
  /**
   * Rows of a read-only query in portable SQL (`?` placeholders), as objects keyed by column
   * name (aliases in double quotes keep their case).
   */
  query<T>(sql: string, params?: readonly (string | number | null)[]): Promise<T[]>;
  /** Every seq track, as committed. */
  tracks(): Promise<SeqTrack[]>;
  close(): Promise<void>;
}
