import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLES, MessageFactory, topicFor, type BodyOf } from '@fsbus/shared';
import { Recorder, type Recorded } from './recorder.js';
import { openSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-recorder-'));
  dirs.push(dir);
  return path.join(dir, 'central.sqlite');
}

/** The recorder's callback as a promise. */
function record(recorder: Recorder, topic: string, payload: Buffer): Promise<Recorded> {
  return new Promise((resolve, reject) => {
    recorder.record(topic, payload, undefined, (error, recorded) => {
      if (error) reject(error);
      else resolve(recorded);
    });
  });
}

const BUS = 'bfs-87-012';
const visitBody = (): BodyOf<'visit'> => {
  const envelope = new Set(['v', 'busId', 'id', 'seq', 'ts', 'source']);
  return Object.fromEntries(
    Object.entries(EXAMPLES.visit).filter(([key]) => !envelope.has(key)),
  ) as BodyOf<'visit'>;
};

describe('Recorder', () => {
  it('stores each message once, in one commit per window, and says which were new', async () => {
    const recorder = new Recorder({ store: openSqliteStore(file()), commitWindowMs: 20 });
    const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
    const first = Buffer.from(JSON.stringify(kiosk.create('visit', visitBody())));
    const second = Buffer.from(JSON.stringify(kiosk.create('visit', visitBody())));
    const topic = topicFor('visit', BUS);
    const results = await Promise.all([
      record(recorder, topic, first),
      record(recorder, topic, second),
      record(recorder, topic, first),
    ]);
    expect(results).toEqual(['new', 'new', 'duplicate']);
    expect(recorder.stats()).toMatchObject({ recorded: 2, duplicates: 1, commits: 1 });
    expect(await record(recorder, topic, first)).toBe('duplicate');
    await recorder.stop();
  });

  it('keeps its seq tracks across a restart', async () => {
    const at = file();
    const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
    const topic = topicFor('visit', BUS);
    const send = (recorder: Recorder) =>
      record(recorder, topic, Buffer.from(JSON.stringify(kiosk.create('visit', visitBody()))));
    const before = new Recorder({ store: openSqliteStore(at), commitWindowMs: 5 });
    await send(before);
    await send(before);
    await before.stop();
    kiosk.create('visit', visitBody()); // a seq that never arrives
    const after = new Recorder({ store: openSqliteStore(at), commitWindowMs: 5 });
    await send(after);
    expect(await after.tracks()).toEqual([
      expect.objectContaining({ messages: 3, firstSeq: 0, lastSeq: 3, gaps: 1, missing: 1 }),
    ]);
    await after.stop();
  });

  it('records the rest of a batch when the database refuses one message of it', async () => {
    const store = openSqliteStore(file());
    const recorder = new Recorder({ store, commitWindowMs: 20 });
    store.db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON visits WHEN NEW.seq = 1 BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
    const topic = topicFor('visit', BUS);
    const payloads = [0, 1, 2].map(() =>
      Buffer.from(JSON.stringify(kiosk.create('visit', visitBody()))),
    );
    const results = await Promise.allSettled(payloads.map((p) => record(recorder, topic, p)));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.value))).toEqual([
      'new',
      'SqliteError: refused',
      'new',
    ]);
    expect(store.db.prepare('SELECT seq FROM visits ORDER BY seq').pluck().all()).toEqual([0, 2]);
    await recorder.stop();
  });

  it('keeps a fix whose time the bridge did not trust (fixTime null), and all its fields', async () => {
    const store = openSqliteStore(file());
    const recorder = new Recorder({ store, commitWindowMs: 5 });
    const bridge = new MessageFactory({ busId: BUS, source: 'bridge' });
    const envelope = new Set(['v', 'busId', 'id', 'seq', 'ts', 'source']);
    const fix = Object.fromEntries(
      Object.entries(EXAMPLES.gnss).filter(([key]) => !envelope.has(key)),
    ) as BodyOf<'gnss'>;
    const message = bridge.create('gnss', { ...fix, fixTime: null, vdop: 1.4, eph: 3.5 });
    expect(
      await record(recorder, topicFor('gnss', BUS), Buffer.from(JSON.stringify(message))),
    ).toBe('new');
    expect(store.db.prepare('SELECT fix_time, vdop, eph FROM fixes').get()).toEqual({
      fix_time: null,
      vdop: 1.4,
      eph: 3.5,
    });
    await recorder.stop();
  });

  it('tells the rest of a batch when the callback of one message throws', async () => {
    const recorder = new Recorder({ store: openSqliteStore(file()), commitWindowMs: 20 });
    const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
    const topic = topicFor('visit', BUS);
    const payload = () => Buffer.from(JSON.stringify(kiosk.create('visit', visitBody())));
    recorder.record(topic, payload(), undefined, () => {
      throw new Error('a broken sender');
    });
    expect(await record(recorder, topic, payload())).toBe('new');
    expect(recorder.stats()).toMatchObject({ recorded: 2, commits: 1 });
    await recorder.stop();
  });

  it('acknowledges nothing of a batch whose commit fails', async () => {
    const store = openSqliteStore(file());
    const recorder = new Recorder({ store, commitWindowMs: 5 });
    store.db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON visits BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
    const payload = Buffer.from(JSON.stringify(kiosk.create('visit', visitBody())));
    await expect(record(recorder, topicFor('visit', BUS), payload)).rejects.toThrow(/disk full/);
    expect(recorder.stats()).toMatchObject({ recorded: 0, commit_failures: 1 });
    expect(await recorder.tracks()).toEqual([]);
    store.db.exec('DROP TRIGGER refuse');
    expect(await record(recorder, topicFor('visit', BUS), payload)).toBe('new');
    await recorder.stop();
  });
});
