// Gaps in `seq` per bus, publisher and stream: what central counts to show what never arrived.

/** What the recorder knows of one publisher's stream of one bus. */
export interface SeqTrack {
  readonly busId: string;
  readonly source: string;
  readonly stream: string;
  /** New messages recorded. */
  messages: number;
  firstSeq: number;
  lastSeq: number;
  /** Jumps forward past seqs never seen (not restarts). */
  gaps: number;
  /** Seqs skipped by those jumps and not arrived since. */
  missing: number;
  /** Jumps a publisher makes when it restarts (docs/protocol.md): not gaps. */
  restarts: number;
  /** New messages with a seq at or below the last one: late, or after a wiped store. */
  late: number;
}

/** The bridge reserves its seqs in blocks of this many (firmware-bridge/src/outbox/seq-blocks.ts). */
const BRIDGE_SEQ_BLOCK = 10_000;
/** A kiosk starts each run's seqs at its start time in ms: any seq past this is one. */
const KIOSK_RUN_START = 1_000_000_000_000;

/**
 * True when a jump forward is a publisher's restart as docs/protocol.md describes: the bridge
 * carries on at the start of a new block of 10,000, a kiosk at its run's start time in ms.
 */
export function isRestartJump(seq: number): boolean {
  return seq % BRIDGE_SEQ_BLOCK === 0 || seq >= KIOSK_RUN_START;
}

/** The key of a track. */
export function trackKey(busId: string, source: string, stream: string): string {
  return `${busId}\u0000${source}\u0000${stream}`;
}

/** The track after one more new message (a copy: the caller keeps it once committed). */
export function advance(
  track: SeqTrack | undefined,
  at: { busId: string; source: string; stream: string; seq: number },
): SeqTrack {
  const { seq } = at;
  if (!track) {
    return {
      busId: at.busId,
      source: at.source,
      stream: at.stream,
      messages: 1,
      firstSeq: seq,
      lastSeq: seq,
      gaps: 0,
      missing: 0,
      restarts: 0,
      late: 0,
    };
  }
  const next = { ...track, messages: track.messages + 1 };
  if (seq === track.lastSeq + 1) {
    next.lastSeq = seq;
  } else if (seq > track.lastSeq) {
    if (isRestartJump(seq)) next.restarts += 1;
    else {
      next.gaps += 1;
      next.missing += seq - track.lastSeq - 1;
    }
    next.lastSeq = seq;
  } else {
    // Below the last: a message that fills a gap (sent late), or a publisher that lost its count.
    next.late += 1;
    if (next.missing > 0) next.missing -= 1;
    next.firstSeq = Math.min(next.firstSeq, seq);
  }
  return next;
}
