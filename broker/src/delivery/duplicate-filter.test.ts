// Unit tests of DuplicateFilter: every publish passes once, whatever the order, copies do not.
import { describe, expect, it } from 'vitest';
import { DuplicateFilter } from './duplicate-filter.js';

describe('DuplicateFilter', () => {
  it('passes every publish once, whatever the order of the counters', () => {
    const filter = new DuplicateFilter();
    // aedes's own check dropped 2 and 3 here: they come after 4.
    expect([1, 4, 2, 3, 7, 5].map((counter) => filter.repeated('broker-a', counter))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('stops the copies of one publish for overlapping subscriptions', () => {
    const filter = new DuplicateFilter();
    expect(filter.repeated('broker-a', 10)).toBe(false);
    expect(filter.repeated('broker-a', 10)).toBe(true);
    expect(filter.repeated('broker-a', 10)).toBe(true);
    expect(filter.repeated('broker-a', 11)).toBe(false);
  });

  it('tells brokers apart', () => {
    const filter = new DuplicateFilter();
    expect(filter.repeated('broker-a', 3)).toBe(false);
    expect(filter.repeated('broker-b', 3)).toBe(false);
    expect(filter.repeated('broker-b', 3)).toBe(true);
  });

  it('forgets the oldest publish once full, so its memory stays small', () => {
    const filter = new DuplicateFilter(2);
    filter.repeated('broker-a', 1);
    filter.repeated('broker-a', 2);
    filter.repeated('broker-a', 3);
    expect(filter.repeated('broker-a', 1)).toBe(false);
    expect(filter.repeated('broker-a', 3)).toBe(true);
  });
});
