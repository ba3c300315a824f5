import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limiter.js';

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
});
