import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import aedesPersistenceLevel from 'aedes-persistence-level';
import { ClassicLevel } from 'classic-level';
import { describe, expect, it } from 'vitest';
import { settleAcknowledged, withSyncedWrites } from './level.js';

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

describe('settleAcknowledged', () => {
  it('lets the update of a message no longer queued succeed, remembering it as acknowledged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-level-'));
    const db = new ClassicLevel(dir);
    await db.open();
    const persistence = aedesPersistenceLevel(db);
    const client = { id: 'bridge', clean: false };
    const packet = (counter: number) => ({
      cmd: 'publish',
      topic: 'fsbus/v1/b/visit',
      payload: Buffer.from('{}'),
      qos: 1,
      retain: false,
      dup: false,
      brokerId: 'broker-1',
      brokerCounter: counter,
      messageId: counter,
    });
    const gone = packet(1);
    await expect(persistence.outgoingUpdate(client, gone)).rejects.toThrow('no such packet');
    const acknowledged = settleAcknowledged(persistence);
    await persistence.outgoingUpdate(client, gone);
    expect(acknowledged.has(gone)).toBe(true);
    const queued = packet(2);
    await (
      persistence as unknown as {
        outgoingEnqueue(sub: { clientId: string }, p: object): Promise<void>;
      }
    ).outgoingEnqueue({ clientId: 'bridge' }, queued);
    await persistence.outgoingUpdate(client, queued);
    expect(acknowledged.has(queued)).toBe(false);
    await persistence.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
});
