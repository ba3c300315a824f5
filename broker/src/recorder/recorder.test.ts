// The recorder on each storage (SQLite, and a real PostgreSQL server): the same tests.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageFactory, topicFor, type MessageOf, type Stream, exampleBody } from '@fsbus/shared';
import { STORAGES } from '../../../test/recorder-storages.js';
import { Recorder, type Recorded } from './recorder.js';
import type { ArrivedMessage, RecorderStore } from './store.js';

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
const visitBody = () => exampleBody('visit');

describe.each(STORAGES.map((make) => make()))('Recorder on $name', (storage) => {
  beforeAll(() => storage.setUp(), 60_000);
  afterAll(() => storage.tearDown());
  const stores: RecorderStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  });
  /** A new, empty store. */
  const fresh = async () => storage.open(await storage.place());

  it('stores each message once, in one commit per window, and says which were new', async () => {
    const recorder = new Recorder({ store: await fresh(), commitWindowMs: 20 });
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
    const at = await storage.place();
    const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
    const topic = topicFor('visit', BUS);
    const send = (recorder: Recorder) =>
      record(recorder, topic, Buffer.from(JSON.stringify(kiosk.create('visit', visitBody()))));
    const before = new Recorder({ store: await storage.open(at), commitWindowMs: 5 });
    await send(before);
    await send(before);
    await before.stop();
    kiosk.create('visit', visitBody()); // a seq that never arrives
    const after = new Recorder({ store: await storage.open(at), commitWindowMs: 5 });
    await send(after);
    expect(await after.tracks()).toEqual([
      expect.objectContaining({ messages: 3, firstSeq: 0, lastSeq: 3, gaps: 1, missing: 1 }),
    ]);
    await after.stop();
  });

  it('records the rest of a batch when the database refuses one message of it', async () => {
    const store = await fresh();
    const recorder = new Recorder({ store, commitWindowMs: 20 });
    await storage.exec(store, {
      sqlite:
        "CREATE TRIGGER refuse BEFORE INSERT ON visits WHEN NEW.seq = 1 BEGIN SELECT RAISE(ABORT, 'refused'); END",
      postgres: refuseOnPostgres('refused', 'WHEN (NEW.seq = 1)'),
    });
    const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
    const topic = topicFor('visit', BUS);
    const payloads = [0, 1, 2].map(() =>
      Buffer.from(JSON.stringify(kiosk.create('visit', visitBody()))),
    );
    const results = await Promise.allSettled(payloads.map((p) => record(recorder, topic, p)));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.value))).toEqual([
      'new',
      expect.stringMatching(/refused/),
      'new',
    ]);
    expect(await store.query('SELECT seq FROM visits ORDER BY seq')).toEqual([
      { seq: 0 },
      { seq: 2 },
    ]);
    await recorder.stop();
  });

  it('keeps a fix whose time the bridge did not trust (fixTime null), and all its fields', async () => {
    const store = await fresh();
    const recorder = new Recorder({ store, commitWindowMs: 5 });
    const bridge = new MessageFactory({ busId: BUS, source: 'bridge' });
    const fix = exampleBody('gnss');
    const message = bridge.create('gnss', { ...fix, fixTime: null, vdop: 1.4, eph: 3.5 });
    expect(
      await record(recorder, topicFor('gnss', BUS), Buffer.from(JSON.stringify(message))),
    ).toBe('new');
    expect(await store.query('SELECT fix_time, vdop, eph FROM fixes')).toEqual([
      { fix_time: null, vdop: 1.4, eph: 3.5 },
    ]);
    await recorder.stop();
  });

  it('tells the rest of a batch when the callback of one message throws', async () => {
    const recorder = new Recorder({ store: await fresh(), commitWindowMs: 20 });
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
    const store = await fresh();
    const recorder = new Recorder({ store, commitWindowMs: 5 });
    await storage.exec(store, {
      sqlite:
        "CREATE TRIGGER refuse BEFORE INSERT ON visits BEGIN SELECT RAISE(ABORT, 'disk full'); END",
      postgres: refuseOnPostgres('disk full', ''),
    });
    const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
    const payload = Buffer.from(JSON.stringify(kiosk.create('visit', visitBody())));
    await expect(record(recorder, topicFor('visit', BUS), payload)).rejects.toThrow(/disk full/);
    expect(recorder.stats()).toMatchObject({ recorded: 0, commit_failures: 1 });
    expect(await recorder.tracks()).toEqual([]);
    await storage.exec(store, {
      sqlite: 'DROP TRIGGER refuse',
      postgres: 'DROP TRIGGER refuse ON visits',
    });
    expect(await record(recorder, topicFor('visit', BUS), payload)).toBe('new');
    await recorder.stop();
  });

  it('refuses a re-sent fix by its key, and a message twice in one batch once', async () => {
    const store = await fresh();
    const bus = new MessageFactory({ busId: BUS, source: 'bridge' });
    const fix = exampleBody('gnss');
    const arrived = (message: MessageOf<Stream>): ArrivedMessage => ({
      stream: 'gnss',
      message,
      payload: Buffer.from(JSON.stringify(message)),
      receivedAt: 0,
    });
    const batch = [0, 1, 2].map(() => arrived(bus.create('gnss', fix) as MessageOf<Stream>));
    expect(await store.write(batch)).toEqual([true, true, true]);
    expect(await store.write(batch.slice(1))).toEqual([false, false]);
    const again = arrived(bus.create('gnss', fix));
    expect(await store.write([again, again])).toEqual([true, false]);
    const rows = await store.query<{ seq: number }>('SELECT seq FROM fixes ORDER BY seq');
    expect(rows.map((row) => row.seq)).toEqual([0, 1, 2, 3]);
    expect(await store.tracks()).toEqual([
      expect.objectContaining({ messages: 4, firstSeq: 0, lastSeq: 3, gaps: 0 }),
    ]);
    stores.push(store);
  });
});

describe('PostgreSQL written by two nodes at once', () => {
  const storage = STORAGES[1]();
  beforeAll(() => storage.setUp(), 60_000);
  afterAll(() => storage.tearDown());

  it('counts each bus’s seqs once, whichever node recorded them, and keeps a message once', async () => {
    const place = await storage.place();
    const nodes = [await storage.open(place), await storage.open(place)];
    const busIds = ['bfs-87-012', 'bfs-23-004', 'bfs-19-001'];
    const buses = busIds.map((busId) => new MessageFactory({ busId, source: 'kiosk-1' }));
    const arrived = (message: MessageOf<Stream>): ArrivedMessage => ({
      stream: 'visit',
      message,
      payload: Buffer.from(JSON.stringify(message)),
      receivedAt: 0,
    });
    // 20 rounds of 30 visits (10 per bus): half to each node at once, as buses landing on
    // either; and the whole round again to the other node, as a bus re-sending there what the
    // first had not acknowledged yet.
    const fresh: boolean[][] = [];
    for (let round = 0; round < 20; round++) {
      const batch = Array.from({ length: 30 }, (_, i) =>
        arrived(buses[i % 3]?.create('visit', visitBody()) as MessageOf<Stream>),
      );
      const [a, b] = nodes;
      if (!a || !b) throw new Error('two nodes');
      fresh.push(...(await Promise.all([a.write(batch.slice(0, 15)), b.write(batch.slice(15))])));
      fresh.push(...(await Promise.all([b.write(batch.slice(0, 15)), a.write(batch.slice(15))])));
    }
    // Each message new on exactly one node.
    const news = fresh.flat().filter(Boolean).length;
    expect(news).toBe(600);
    const tracks = await nodes[0]?.tracks();
    // Every seq counted once; some came after a later one (the other node committed first),
    // and none is missing in the end.
    expect(tracks?.map((t) => [t.busId, t.messages, t.firstSeq, t.lastSeq, t.missing])).toEqual(
      expect.arrayContaining(busIds.map((busId) => [busId, 200, 0, 199, 0])),
    );
    expect(tracks).toHaveLength(3);
    for (const node of nodes) await node.close();
  });
});

/** A trigger that refuses inserts into visits (`when`: which), on PostgreSQL. */
function refuseOnPostgres(message: string, when: string): string {
  return `CREATE OR REPLACE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '${message}'; END $$;
    CREATE TRIGGER refuse BEFORE INSERT ON visits FOR EACH ROW ${when} EXECUTE FUNCTION refuse();`;
}
