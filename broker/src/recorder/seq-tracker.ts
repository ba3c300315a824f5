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

/** A track as a row of seq_tracks holds it (snake_case columns). */
export function trackFromRow(row: Record<string, string | number>): SeqTrack {
  return {
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
  };
}

/** The key of a track. */
export function trackKey(busId: string, source: string, stream: string): string {
  return `${busId}\u0000${source}\u0000${stream}`;
}

/** A new track, for the first message of a publisher's stream. */
export function startTrack(at: {
  busId: string;
  source: string;
  stream: string;
  seq: number;
}): SeqTrack {
  return {
    busId: at.busId,
    source: at.source,
    stream: at.stream,
    messages: 1,
    firstSeq: at.seq,
    lastSeq: at.seq,
    gaps: 0,
    missing: 0,
    restarts: 0,
    late: 0,
  };
}

/** Counts one more new message on a track (in place: the recorder works on a copy). */
export function advance(track: SeqTrack, seq: number): void {
  track.messages += 1;
  if (seq === track.lastSeq + 1) {
    track.lastSeq = seq;
  } else if (seq > track.lastSeq) {
    if (isRestartJump(seq)) track.restarts += 1;
    else {
      track.gaps += 1;
      track.missing += seq - track.lastSeq - 1;
    }
    track.lastSeq = seq;
  } else {
    // Below the last: a message that fills a gap (sent late), or a publisher that lost its count.
    track.late += 1;
    if (track.missing > 0) track.missing -= 1;
    track.firstSeq = Math.min(track.firstSeq, seq);
  }
}

/** Where one new message sits on its track. */
export interface SeqPoint {
  readonly busId: string;
  readonly source: string;
  readonly stream: string;
  readonly seq: number;
}

/**
 * The tracks a batch's new messages move, as copies: `known` changes only once the batch is
 * committed (the caller sets them), so a failed commit counts nothing.
 */
export function stageTracks(
  known: ReadonlyMap<string, SeqTrack>,
  fresh: Iterable<SeqPoint>,
): Map<string, SeqTrack> {
  const staged = new Map<string, SeqTrack>();
  for (const point of fresh) {
    const key = trackKey(point.busId, point.source, point.stream);
    const track = staged.get(key);
    if (track) {
      advance(track, point.seq);
      continue;
    }
    const before = known.get(key);
    if (before) {
      const copy = { ...before };
      advance(copy, point.seq);
      staged.set(key, copy);
    } else staged.set(key, startTrack(point));
  }
  return staged;
}
