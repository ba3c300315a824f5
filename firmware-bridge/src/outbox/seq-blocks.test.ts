import { describe, expect, it } from 'vitest';
import { SEQ_BLOCK, SeqBlocks, type SeqMarks } from './seq-blocks.js';

function marks(): SeqMarks & { writes: number; failing: boolean } {
  const values = new Map<string, string>();
  return {
    writes: 0,
    failing: false,
    readState: (key) => values.get(key),
    writeStateNow(key, value) {
      if (this.failing) throw new Error('SQLITE_FULL');
      this.writes += 1;
      values.set(key, value);
    },
  };
}

describe('SeqBlocks', () => {
  it('counts from 0 per stream, one reservation per block', () => {
    const store = marks();
    const seqs = new SeqBlocks(store);
    const door = Array.from({ length: SEQ_BLOCK + 1 }, () => seqs.next('door'));
    expect(door.slice(0, 3)).toEqual([0, 1, 2]);
    expect(door.at(-1)).toBe(SEQ_BLOCK);
    expect(seqs.next('gnss')).toBe(0);
    expect(store.writes).toBe(3);
  });

  it('carries on after the last reserved block when it starts again: never a repeat', () => {
    const store = marks();
    const first = new SeqBlocks(store);
    for (let i = 0; i < 5; i++) first.next('door');
    const again = new SeqBlocks(store);
    expect(again.next('door')).toBe(SEQ_BLOCK);
    expect(again.next('occupancy')).toBe(0);
  });

  it('goes on counting when the disk refuses the reservation', () => {
    const store = marks();
    store.failing = true;
    const seqs = new SeqBlocks(store);
    expect([seqs.next('stop'), seqs.next('stop')]).toEqual([0, 1]);
    store.failing = false;
    expect(seqs.next('stop')).toBe(2);
    expect(new SeqBlocks(store).next('stop')).toBe(2 + SEQ_BLOCK);
  });
});
