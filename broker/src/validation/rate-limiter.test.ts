import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateGate, TokenBucket } from './rate-limiter.js';

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate as time passes', () => {
    let now = 0;
    const bucket = new TokenBucket({ messagesPerSecond: 10, burst: 5 }, () => now);
    const takes = (n: number) =>
      Array.from({ length: n }, () => bucket.take()).filter(Boolean).length;
    expect(takes(8)).toBe(5);
    now += 500; // half a second: five more
    expect(takes(8)).toBe(5);
    now += 10_000; // a long pause refills only up to the burst
    expect(takes(20)).toBe(5);
  });

  it('says how long until the next token', () => {
    let now = 0;
    const bucket = new TokenBucket({ messagesPerSecond: 10, burst: 1 }, () => now);
    expect(bucket.msUntilToken()).toBe(0);
    bucket.take();
    expect(bucket.msUntilToken()).toBeCloseTo(100);
    now += 40;
    expect(bucket.msUntilToken()).toBeCloseTo(60);
  });
});

describe('RateGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets every waiter through in arrival order at the sustained rate, none lost', () => {
    const gate = new RateGate({ messagesPerSecond: 10, burst: 3 }, () => Date.now());
    const passed: number[] = [];
    for (let i = 0; i < 13; i++)
      gate.enter(
        () => passed.push(i),
        () => false,
      );
    expect(passed).toEqual([0, 1, 2]);
    expect(gate.waiting).toBe(10);
    vi.advanceTimersByTime(500);
    expect(passed).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    vi.advanceTimersByTime(500);
    expect(passed).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(gate.waiting).toBe(0);
  });

  it('never lets a droppable message jump the queue of waiting ones', () => {
    const gate = new RateGate({ messagesPerSecond: 10, burst: 1 }, () => Date.now());
    const passed: string[] = [];
    gate.enter(
      () => passed.push('a'),
      () => false,
    );
    gate.enter(
      () => passed.push('b'),
      () => false,
    );
    vi.advanceTimersByTime(100); // b's token
    expect(gate.tryTake()).toBe(false);
    gate.enter(
      () => passed.push('c'),
      () => false,
    );
    vi.advanceTimersByTime(99);
    expect(gate.tryTake()).toBe(false); // c waits for the token that comes at 200 ms
    vi.advanceTimersByTime(1);
    expect(passed).toEqual(['a', 'b', 'c']);
  });

  it('skips the waiters of a closed connection without spending tokens on them', () => {
    const gate = new RateGate({ messagesPerSecond: 10, burst: 1 }, () => Date.now());
    const passed: string[] = [];
    gate.enter(
      () => passed.push('first'),
      () => false,
    );
    let closed = false;
    for (let i = 0; i < 5; i++)
      gate.enter(
        () => passed.push('gone'),
        () => closed,
      );
    gate.enter(
      () => passed.push('next'),
      () => false,
    );
    closed = true;
    vi.advanceTimersByTime(100);
    expect(passed).toEqual(['first', 'next']);
  });
});
