import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Counts, KeptState, PublishOnChange, type StateStore } from './kept-state.js';

/** The outbox's state as a plain map: what was staged reads back. */
function store(initial: Record<string, string> = {}): StateStore & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  return {
    values,
    read: (key) => values.get(key),
    stage: (key, value) => {
      values.set(key, value);
    },
  };
}

const Schema = z.object({ date: z.iso.date(), n: z.int().min(0) });
const fresh = () => ({ date: '2026-12-05', n: 0 });

describe('a state kept in the outbox', () => {
  it('reads back what was staged, and starts fresh without one', () => {
    const states = store();
    const kept = new KeptState(states, 'tally', Schema);
    expect(kept.load(fresh, () => undefined)).toEqual(fresh());
    kept.stage({ date: '2026-12-05', n: 3 });
    expect(new KeptState(states, 'tally', Schema).load(fresh, () => undefined)).toEqual({
      date: '2026-12-05',
      n: 3,
    });
  });

  it('starts fresh from a state that does not read back, and says why', () => {
    for (const damaged of ['{not json', JSON.stringify({ date: 'yesterday', n: -1 })]) {
      const errors: string[] = [];
      const kept = new KeptState(store({ tally: damaged }), 'tally', Schema);
      expect(kept.load(fresh, (error) => errors.push(error.message))).toEqual(fresh());
      expect(errors).toHaveLength(1);
    }
  });

  it('publishes a state only when it changed, or when forced', () => {
    const sent: unknown[] = [];
    const publisher = new PublishOnChange<{ n: number }>((body) => sent.push(body));
    publisher.publish({ n: 1 });
    publisher.publish({ n: 1 });
    publisher.publish({ n: 2 });
    publisher.publish({ n: 2 }, true);
    expect(sent).toEqual([{ n: 1 }, { n: 2 }, { n: 2 }]);
  });

  it('counts by name, as prefixed metrics', () => {
    const counts = new Counts('queue');
    counts.add('repeat');
    counts.add('repeat');
    counts.add('days');
    expect(counts.metrics()).toEqual({ queue_repeat: 2, queue_days: 1 });
  });
});
