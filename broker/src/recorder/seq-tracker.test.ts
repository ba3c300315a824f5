import { describe, expect, it } from 'vitest';
import { advance, isRestartJump, startTrack, type SeqTrack } from './seq-tracker.js';

function track(...seqs: number[]): SeqTrack {
  const [first = 0, ...rest] = seqs;
  const result = startTrack({ busId: 'bfs-1', source: 'bridge', stream: 'door', seq: first });
  for (const seq of rest) advance(result, seq);
  return result;
}

describe('seq tracking', () => {
  it('counts a run without gaps', () => {
    expect(track(5, 6, 7, 8)).toMatchObject({
      messages: 4,
      firstSeq: 5,
      lastSeq: 8,
      gaps: 0,
      missing: 0,
    });
  });

  it('counts a jump as a gap with the seqs it skipped', () => {
    expect(track(1, 2, 5, 6, 10)).toMatchObject({ gaps: 2, missing: 5, lastSeq: 10 });
  });

  it('takes a late message as filling a gap', () => {
    expect(track(1, 2, 5, 3)).toMatchObject({ gaps: 1, missing: 1, late: 1, lastSeq: 5 });
  });

  it('does not count a publisher’s documented restart jumps as gaps', () => {
    // The bridge carries on at its next block of 10,000; a kiosk at its start time in ms.
    expect(isRestartJump(20_000)).toBe(true);
    expect(isRestartJump(1_764_000_000_000)).toBe(true);
    expect(isRestartJump(20_001)).toBe(false);
    expect(track(9_998, 9_999, 20_000, 20_001)).toMatchObject({ gaps: 0, missing: 0, restarts: 1 });
  });
});
