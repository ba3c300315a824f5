import { describe, expect, it } from 'vitest';
import type { ClassicLevel } from 'classic-level';
import { withSyncedWrites } from './level.js';

/** Records the options each write is given (the fsync itself is LevelDB's to do). */
function recorder() {
  const calls: { method: string; options: unknown }[] = [];
  const db = {
    put: (_key: string, _value: string, options?: object) => calls.push({ method: 'put', options }),
    del: (_key: string, options?: object) => calls.push({ method: 'del', options }),
    batch: (operations?: unknown[], options?: object) => {
      if (operations === undefined) {
        return {
          write: (writeOptions?: object) =>
            calls.push({ method: 'chained write', options: writeOptions }),
        };
      }
      return calls.push({ method: 'batch', options });
    },
    get: (_key: string, options?: object) => calls.push({ method: 'get', options }),
  };
  return { db: db as unknown as ClassicLevel, calls };
}

describe('withSyncedWrites', () => {
  it('adds sync: true to every put, del and batch, keeping the other options, and leaves reads alone', async () => {
    const { db, calls } = recorder();
    const synced = withSyncedWrites(db);
    await synced.put('k', 'v', { valueEncoding: 'buffer' });
    await synced.del('k');
    await synced.batch([{ type: 'del', key: 'k' }], { valueEncoding: 'buffer' });
    await synced.batch().write();
    await synced.get('k', { valueEncoding: 'buffer' });
    expect(calls).toEqual([
      { method: 'put', options: { valueEncoding: 'buffer', sync: true } },
      { method: 'del', options: { sync: true } },
      { method: 'batch', options: { valueEncoding: 'buffer', sync: true } },
      { method: 'chained write', options: { sync: true } },
      { method: 'get', options: { valueEncoding: 'buffer' } },
    ]);
  });
});
