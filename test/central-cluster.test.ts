// fsbus-central as a cluster: two nodes sharing a real Redis (subscriptions, retained messages,
// persistent sessions) and a real PostgreSQL (the recorder), each bus able to land on either.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageFactory, topicFor, exampleBody } from '@fsbus/shared';
import { PASSWORD, startTestBroker, testConfig, until } from '../broker/test/harness.js';
import { connectionString } from '../broker/src/recorder/postgres-store.js';
import { Outbox } from '../firmware-bridge/src/outbox/outbox.js';
import { builtBridge } from './bus-and-central.js';
import {
  anotherNode,
  centralProcess,
  centralSetup,
  connectToCentral,
  connected,
  secretOf,
  startCentralHere,
  type CentralSetup,
} from './central-harness.js';
import { startPostgres, startRedis, type TestPostgres, type TestRedis } from './db-servers.js';
import { freePort } from './central-stand-in.js';
import { startTcpBalancer } from './tcp-balancer.js';

const BUS = 'bfs-87-012';
const OTHER = 'bfs-23-004';
const ACCOUNTS = [
  { username: BUS, role: 'bus' as const },
  { username: OTHER, role: 'bus' as const },
  { username: 'marie', role: 'staff' as const },
  { username: 'paul', role: 'planner' as const },
];

let postgres: TestPostgres;
let redis: TestRedis;
let databases = 0;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([postgres.stop(), redis.stop()]);
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two nodes' setups on a new database (its URL) and a new Redis database number. */
async function twoNodes(): Promise<{ a: CentralSetup; b: CentralSetup; url: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-cluster-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  databases += 1;
  const url = await postgres.createDatabase(`cluster_${String(databases)}`);
  const a = await centralSetup(
    path.join(dir, 'a'),
    ACCOUNTS,
    // Backlogs drain here: central's per-bus pace is not what these tests are about.
    { rateLimit: { messagesPerSecond: 20_000, burst: 20_000 } },
    {},
    {
      recorder: { storage: 'postgres', postgres: { url, passwordFile: postgres.passwordFile } },
      cluster: { redisUrl: `${redis.url}/${String(databases)}` },
    },
  );
  return { a, b: await anotherNode(a, path.join(dir, 'b')), url };
}

/** A client of `setup`'s node, connected; ended by the cleanups. */
async function client(setup: CentralSetup, username: string, options = {}): Promise<MqttClient> {
  const opened = await connected(connectToCentral(setup, username, options));
  cleanups.push(() => opened.endAsync(true));
  return opened;
}

describe('central in a cluster', () => {
  it('shares subscriptions, retained messages and persistent sessions between its nodes', async () => {
    const { a, b } = await twoNodes();
    for (const setup of [a, b]) {
      const node = await startCentralHere(setup);
      cleanups.push(() => node.stop());
      expect(node.logs.find((line) => line.msg === 'central listening')).toMatchObject({
        storage: 'postgres',
        clustered: true,
      });
    }

    // The bus's session starts on node A: its plan subscription, then it goes away.
    const planTopic = topicFor('plan', BUS);
    const session = { clientId: `${BUS}-uplink`, clean: false };
    const first = await client(a, BUS, session);
    await first.subscribeAsync(planTopic, { qos: 1 });
    await first.endAsync();

    // Staff watch the fleet on node A; the other bus publishes on node B.
    const staff = await client(a, 'marie');
    const live: string[] = [];
    staff.on('message', (topic) => live.push(topic));
    await staff.subscribeAsync('fsbus/v1/+/visit', { qos: 1 });
    const other = await client(b, OTHER);
    const visit = new MessageFactory({ busId: OTHER, source: 'kiosk-1' }).create(
      'visit',
      exampleBody('visit'),
    );
    await other.publishAsync(topicFor('visit', OTHER), JSON.stringify(visit), { qos: 1 });
    await until(() => live.includes(topicFor('visit', OTHER)), 'the visit seen on node A');

    // The planner publishes the bus's plan on node B while the bus is away: it waits in the
    // bus's session, which the bus finds on node B.
    const planner = await client(b, 'paul');
    const plan = new MessageFactory({ busId: BUS, source: 'central' }).create(
      'plan',
      exampleBody('plan'),
    );
    await planner.publishAsync(planTopic, JSON.stringify(plan), { qos: 1, retain: true });
    const back = connectToCentral(b, BUS, session);
    const received: string[] = [];
    back.on('message', (_topic, payload) => {
      received.push((JSON.parse(payload.toString()) as { id: string }).id);
    });
    await connected(back);
    cleanups.push(() => back.endAsync(true));
    await until(() => received.length > 0, 'the queued plan delivered on node B');
    // No subscription was made on this connection: the plan comes from the session's queue.
    expect(received).toEqual([plan.id]);

    // A new subscriber on node A gets the plan retained on node B.
    const fresh = await client(a, BUS);
    const retained = new Promise<string>((resolve) => {
      fresh.once('message', (_topic, payload) => {
        resolve((JSON.parse(payload.toString()) as { id: string }).id);
      });
    });
    await fresh.subscribeAsync(planTopic, { qos: 1 });
    expect(await retained).toBe(plan.id);
  }, 60_000);

  it('refuses to start, saying which server, when PostgreSQL or Redis does not answer', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-cluster-down-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const closed = await freePort();
    const noDatabase = await centralSetup(
      path.join(dir, 'pg'),
      ACCOUNTS,
      {},
      {},
      {
        recorder: {
          storage: 'postgres',
          postgres: { url: `postgres://fsbus@127.0.0.1:${String(closed)}/fsbus` },
        },
      },
    );
    await expect(startCentralHere(noDatabase)).rejects.toThrow(
      `recorder: cannot use PostgreSQL at postgres://fsbus@127.0.0.1:${String(closed)}/fsbus: connect ECONNREFUSED`,
    );
    const url = await postgres.createDatabase('cluster_down');
    const noRedis = await centralSetup(
      path.join(dir, 'redis'),
      ACCOUNTS,
      {},
      {},
      {
        recorder: { storage: 'postgres', postgres: { url, passwordFile: postgres.passwordFile } },
        cluster: { redisUrl: `redis://127.0.0.1:${String(closed)}/0` },
      },
    );
    await expect(startCentralHere(noRedis)).rejects.toThrow(
      `cannot reach Redis at redis://127.0.0.1:${String(closed)}/0: connect ECONNREFUSED`,
    );
  });

  it('goes on through a restart of Redis and of PostgreSQL, and records what waited meanwhile', async () => {
    const { a } = await twoNodes();
    const node = await startCentralHere(a);
    cleanups.push(() => node.stop());
    const bus = await client(a, BUS, {
      clientId: `${BUS}-uplink`,
      clean: false,
      reconnectPeriod: 200,
    });
    const kiosk = new MessageFactory({ busId: BUS, source: 'kiosk-1' });
    const sent: string[] = [];
    /** Visits one after the other, each once acknowledged, while `restart` runs. */
    const visitsDuring = async (restart: () => Promise<void>) => {
      const state = { restarting: true };
      const visits = (async () => {
        do {
          const visit = kiosk.create('visit', exampleBody('visit'));
          await bus.publishAsync(topicFor('visit', BUS), JSON.stringify(visit), { qos: 1 });
          sent.push(visit.id);
        } while (state.restarting);
      })();
      await restart();
      state.restarting = false;
      await visits;
    };
    // Each server stays down until the node has met the failure: its connections refused.
    const logged = (what: RegExp) => () =>
      until(
        () => node.logs.some((line) => what.test(String(line.msg))),
        `a log: ${String(what)}`,
        20_000,
      );
    await visitsDuring(() => redis.restart(logged(/^Redis connection failed/)));
    await visitsDuring(() => postgres.restart(logged(/^recorder commit failed/)));
    const rows = await node.central.store.query<{ id: string }>('SELECT id FROM visits');
    expect(rows.map((row) => row.id).sort()).toEqual([...sent].sort());
  }, 60_000);

  it('records every event once when a node is killed mid-drain; the bus’s session goes on on the other node', async () => {
    const { a, b, url } = await twoNodes();
    const nodes = [await centralProcess(a, 'marie'), await centralProcess(b, 'marie')];
    for (const node of nodes) cleanups.push(() => node.stop('SIGKILL'));
    const balancer = await startTcpBalancer([a.tlsPort, b.tlsPort]);
    cleanups.push(() => balancer.close());
    const database = new pg.Client({ connectionString: connectionString(url, postgres.password) });
    await database.connect();
    cleanups.push(() => database.end());
    const count = async (sql: string) =>
      Number((await database.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
    const recorded = () =>
      count(
        'SELECT count(*) AS n FROM (SELECT id FROM visits UNION ALL SELECT id FROM opinions) AS e',
      );

    // Two buses back from a day without network: 8,000 visits and opinions each in the outbox.
    const buses = await Promise.all(
      [BUS, OTHER].map(async (busId) => {
        const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-cluster-bus-'));
        cleanups.push(() => {
          rmSync(dir, { recursive: true, force: true });
        });
        const onboard = await startTestBroker(testConfig(path.join(dir, 'onboard'), {}, { busId }));
        cleanups.push(() => onboard.stop());
        writeFileSync(path.join(dir, 'bridge.password'), PASSWORD);
        writeFileSync(path.join(dir, 'central.password'), secretOf(busId));
        const dataDir = path.join(dir, 'bus');
        const backlog = await fillOutbox(path.join(dataDir, 'outbox.sqlite'), busId, 8000);
        const bridge = builtBridge(
          { dir, pki: a.pki, central: { port: balancer.port }, onboard },
          { dataDir, counter: '{ protocol: none }', busId },
        );
        cleanups.push(() => {
          bridge.child?.kill('SIGKILL');
        });
        return { busId, bridge, backlog };
      }),
    );
    const total = buses.reduce((sum, bus) => sum + bus.backlog.visits + bus.backlog.opinions, 0);
    // One bus lands on each node (the balancer takes them in turn).
    for (const [index, bus] of buses.entries()) {
      bus.bridge.start();
      await until(() => balancer.landed.length > index, `${bus.busId} connected`, 20_000);
    }
    expect(new Set(balancer.landed)).toEqual(new Set([0, 1]));

    // Mid-drain, node A dies; the buses cannot reconnect for a while.
    await until(async () => (await recorded()) >= 3000, 'the drain under way', 60_000);
    balancer.hold();
    await nodes[0]?.stop('SIGKILL');
    expect(await recorded()).toBeLessThan(total);
    // Meanwhile the planner publishes each bus's plan on node B, not retained: the plan of the
    // bus that node A had reaches it only through its session's queue, kept in Redis.
    const planner = await client(b, 'paul');
    const plans = buses.map(({ busId }) =>
      new MessageFactory({ busId, source: 'central' }).create('plan', {
        ...exampleBody('plan'),
        planId: `${busId}-after-failover`,
      }),
    );
    for (const plan of plans) {
      await planner.publishAsync(topicFor('plan', plan.busId), JSON.stringify(plan), { qos: 1 });
    }
    balancer.release();

    // Every event recorded once; each plan reached its bus, which acknowledged it.
    let seen = 0;
    await until(
      async () => (seen = await recorded()) >= total,
      () => `every event recorded: ${String(seen)} of ${String(total)}`,
      120_000,
    );
    for (const bus of buses) {
      for (const [table, stream] of [
        ['visits', 'visit'],
        ['opinions', 'opinion'],
      ] as const) {
        const sent = bus.backlog[table];
        expect(
          await count(`SELECT count(*) AS n FROM ${table} WHERE bus_id = '${bus.busId}'`),
        ).toBe(sent);
        // Counted new once, by whichever node recorded it: a copy re-sent to node B of what
        // node A had committed was a duplicate there.
        expect(
          await count(
            `SELECT messages AS n FROM seq_tracks WHERE bus_id = '${bus.busId}' AND source = 'kiosk-1' AND stream = '${stream}'`,
          ),
        ).toBe(sent);
      }
    }
    await until(
      async () =>
        (await count(
          "SELECT count(*) AS n FROM plan_acks WHERE plan_id LIKE '%-after-failover' AND outcome = 'accepted'",
        )) === 2,
      'both plans acknowledged by their buses',
      30_000,
    );
    // The bus of node A came back through the balancer, to node B.
    expect(balancer.landed.length).toBeGreaterThan(2);
    expect(balancer.landed.slice(2).every((node) => node === 1)).toBe(true);
    // Node B dropped the last will node A kept for it: no bus is said offline while online.
    const wills = new Redis(`${redis.url}/${String(databases)}`);
    cleanups.push(() => {
      wills.disconnect();
    });
    const willsOf = async () => {
      const keys = await wills.keys('will:*');
      return buses.map(
        ({ busId }) => keys.filter((key) => key.endsWith(`:${busId}-uplink`)).length,
      );
    };
    let found: number[] = [];
    await until(
      async () => (found = await willsOf()).every((n) => n === 1),
      () => `one will per bus, its node's: ${JSON.stringify(found)}`,
      10_000,
    );
  }, 240_000);
});

/** Fills a bus's outbox with `count` visits and opinions (one in four), as after a day offline. */
async function fillOutbox(file: string, busId: string, count: number) {
  const kiosk = new MessageFactory({ busId, source: 'kiosk-1' });
  const outbox = new Outbox({
    file,
    commitWindowMs: 50,
    telemetryCapBytes: 1e8,
    hardCapBytes: 1e9,
  });
  const made = { visits: 0, opinions: 0 };
  try {
    const adds = [];
    for (let i = 0; i < count; i++) {
      const stream = i % 4 === 3 ? ('opinion' as const) : ('visit' as const);
      const message = kiosk.create(stream, exampleBody(stream));
      made[stream === 'visit' ? 'visits' : 'opinions'] += 1;
      adds.push(
        outbox.add({
          stream,
          id: message.id,
          topic: topicFor(stream, busId),
          payload: JSON.stringify(message),
          class: 'event' as const,
        }),
      );
    }
    await Promise.all(adds);
  } finally {
    outbox.close();
  }
  return made;
}
