import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PAIRING_WINDOW_MS, PubackQueue } from './puback-order.js';

describe('PubackQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends PUBACKs in the order the publishes came, each once its message is delivered', () => {
    const queue = new PubackQueue(() => Date.now());
    const sent: number[] = [];
    const slots = [1, 2, 3].map((n) => queue.reserve(() => sent.push(n)));
    slots[2]?.ready();
    slots[1]?.ready();
    expect(sent).toEqual([]);
    slots[0]?.ready();
    expect(sent).toEqual([1, 2, 3]);
  });

  it('holds a ready PUBACK until the client acknowledges what it was just sent', () => {
    const queue = new PubackQueue(() => Date.now());
    const sent: string[] = [];
    queue.delivered();
    queue.reserve(() => sent.push('puback')).ready();
    expect(sent).toEqual([]);
    queue.acknowledged();
    expect(sent).toEqual(['puback']);
  });

  it('waits for an acknowledgement at most the pairing window', () => {
    const queue = new PubackQueue(() => Date.now());
    const sent: string[] = [];
    queue.delivered();
    queue.reserve(() => sent.push('puback')).ready();
    vi.advanceTimersByTime(PAIRING_WINDOW_MS - 1);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['puback']);
  });

  it('does not wait when the client owes nothing, or only for deliveries long past', () => {
    const queue = new PubackQueue(() => Date.now());
    const sent: string[] = [];
    queue.reserve(() => sent.push('first')).ready();
    expect(sent).toEqual(['first']);
    queue.delivered(); // never acknowledged, e.g. lowered to QoS 0 on the way
    vi.advanceTimersByTime(PAIRING_WINDOW_MS);
    queue.reserve(() => sent.push('second')).ready();
    expect(sent).toEqual(['first', 'second']);
  });

  it('does not hold a PUBACK while bytes of the client wait unread: they may be its acks', () => {
    let unread = true;
    const queue = new PubackQueue(
      () => Date.now(),
      () => unread,
    );
    const sent: string[] = [];
    queue.delivered();
    queue.reserve(() => sent.push('first')).ready();
    expect(sent).toEqual(['first']);
    unread = false;
    queue.delivered();
    queue.reserve(() => sent.push('second')).ready();
    expect(sent).toEqual(['first']);
    queue.acknowledged();
    expect(sent).toEqual(['first', 'second']);
  });
});
