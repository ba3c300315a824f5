import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageFactory, type MessageOf, type Stream, exampleBody } from '@fsbus/shared';
import { openSqliteStore } from './sqlite-store.js';
import type { ArrivedMessage } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-recorder-store-'));
  dirs.push(dir);
  return path.join(dir, 'central.sqlite');
}

const fix = exampleBody('gnss');

/** `count` fixes of each of `buses` buses, as central receives them. */
function fixes(buses: MessageFactory[], count: number): ArrivedMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const message = buses[i % buses.length]?.create('gnss', fix) as MessageOf<Stream>;
    const payload = Buffer.from(JSON.stringify(message));
    return { stream: 'gnss', message, payload, receivedAt: 0 };
  });
}

describe('SqliteStore', () => {
  it('keeps the WAL small: its checkpoints, in their own thread, let it start over', async () => {
    const at = file();
    const store = openSqliteStore(at, { checkpointEveryMs: 0 });
    const buses = Array.from(
      { length: 20 },
      (_, i) => new MessageFactory({ busId: `bfs-bus-${String(i)}`, source: 'bridge' }),
    );
    let written = 0;
    for (let batch = 0; batch < 60; batch++) {
      const fresh = await store.write(fixes(buses, 500));
      written += fresh.filter(Boolean).length;
    }
    expect(written).toBe(30_000);
    const database = statSync(at).size;
    const wal = statSync(`${at}-wal`).size;
    // Checkpointed, the database holds nearly everything; the WAL only about one batch.
    expect(database).toBeGreaterThan(5_000_000);
    expect(wal).toBeLessThan(database / 4);
    expect(await store.query('SELECT count(*) AS n FROM fixes')).toEqual([{ n: 30_000 }]);
    await store.close();
  });
});
