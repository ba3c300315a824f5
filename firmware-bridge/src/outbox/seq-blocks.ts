// The bridge's seqs, per stream, increasing across restarts and crashes: blocks of them are
// reserved in the outbox database before use, and a restart carries on after the last block.
import type { SeqSource, Stream } from '@fsbus/shared';
import type { Logger } from '@fsbus/shared/node';

/**
 * Seqs reserved at a time. A reservation is one synced write: at the bridge's 10 Hz of gnss,
 * one every 17 minutes. A restart skips what was left of each block, so a consumer sees a jump
 * in seq right after the bridge's `startedAt` changes: not a gap (docs/protocol.md).
 */
export const SEQ_BLOCK = 10_000;

/** Where the reserved marks are kept: the outbox's state. */
export interface SeqMarks {
  readState(key: string): string | undefined;
  writeStateNow(key: string, value: string): void;
}

export class SeqBlocks implements SeqSource {
  readonly #marks: SeqMarks;
  readonly #logger: Logger | undefined;
  readonly #streams = new Map<Stream, { next: number; reserved: number }>();

  constructor(marks: SeqMarks, logger?: Logger) {
    this.#marks = marks;
    this.#logger = logger;
  }

  next(stream: Stream): number {
    let entry = this.#streams.get(stream);
    if (entry === undefined) {
      const saved = Number(this.#marks.readState(`seq:${stream}`) ?? 0);
      const start = Number.isSafeInteger(saved) && saved >= 0 ? saved : 0;
      entry = { next: start, reserved: start };
      this.#streams.set(stream, entry);
    }
    if (entry.next >= entry.reserved) this.#reserve(stream, entry);
    const seq = entry.next;
    entry.next += 1;
    return seq;
  }

  #reserve(stream: Stream, entry: { next: number; reserved: number }): void {
    const reserved = entry.next + SEQ_BLOCK;
    try {
      this.#marks.writeStateNow(`seq:${stream}`, String(reserved));
    } catch (error) {
      // A full disk: go on counting; tried again at the next seq. Only a crash before the disk
      // comes back could repeat these seqs.
      this.#logger?.error({ err: error, stream }, 'cannot reserve seqs in the outbox');
      entry.reserved = entry.next + 1;
      return;
    }
    entry.reserved = reserved;
  }
}
