import { describe, expect, it } from 'vitest';
import { DeliveryLine } from './delivery-line.js';

describe('the delivery line', () => {
  it('delivers in the order of arrival, one at a time, whatever order they are ready in', () => {
    const line = new DeliveryLine();
    const [a, b, c, d] = [line.reserve(), line.reserve(), line.reserve(), line.reserve()];
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const task = (name: string) => (done: () => void) => {
      started.push(name);
      finish.set(name, done);
    };
    c.deliver(task('c'));
    b.skip();
    expect(started).toEqual([]);
    a.deliver(task('a'));
    expect(started).toEqual(['a']);
    d.deliver(task('d'));
    // c waits for a to be delivered, d for c.
    expect(started).toEqual(['a']);
    finish.get('a')?.();
    expect(started).toEqual(['a', 'c']);
    finish.get('c')?.();
    expect(started).toEqual(['a', 'c', 'd']);
  });

  it('goes on when a delivery finishes at once, and after the line empties', () => {
    const line = new DeliveryLine();
    const order: number[] = [];
    for (let i = 0; i < 3; i++)
      line.reserve().deliver((done) => {
        order.push(i);
        done();
      });
    line.reserve().deliver((done) => {
      order.push(3);
      done();
    });
    expect(order).toEqual([0, 1, 2, 3]);
  });
});
