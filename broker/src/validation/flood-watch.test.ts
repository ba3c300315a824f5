import { describe, expect, it } from 'vitest';
import { FLOOD_FACTOR, FLOOD_WINDOW_MS, FloodWatch } from './flood-watch.js';

describe('FloodWatch', () => {
  const rate = { messagesPerSecond: 10, burst: 20 };
  const limit = FLOOD_FACTOR * rate.messagesPerSecond * (FLOOD_WINDOW_MS / 1000);

  it('calls a flood only past FLOOD_FACTOR times the rate within one window', () => {
    let now = 0;
    const watch = new FloodWatch(rate, () => now);
    for (let i = 0; i < limit; i++) expect(watch.dropped()).toBe(false);
    now += 1000;
    expect(watch.dropped()).toBe(true);
  });

  it('forgets the drops of an earlier window: bursts now and then are no flood', () => {
    let now = 0;
    const watch = new FloodWatch(rate, () => now);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < limit; i++) expect(watch.dropped()).toBe(false);
      now += FLOOD_WINDOW_MS;
    }
  });
});
