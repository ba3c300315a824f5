import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXAMPLES, type PlanMessage } from '@fsbus/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StopTracker, type TrackerSnapshot } from '../src/domain/stop-tracker.js';
import { PLAN_STORE_FILE, PlanStore, PlanStoreError } from '../src/store/plan-store.js';

const plan: PlanMessage = EXAMPLES.plan;
const first = plan.stops.at(0) ?? expect.unreachable('the example plan has stops');
const arrivedAt = Date.parse('2026-11-23T08:36:40.000Z');

/** A real snapshot: the tracker at the first stop of the example plan since 08:36:40 UTC. */
function snapshotAtFirstStop(): TrackerSnapshot {
  const tracker = new StopTracker();
  tracker.setPlan(plan, arrivedAt);
  for (let at = arrivedAt; at <= arrivedAt + 30_000; at += 1000) {
    tracker.update({ at, lat: first.lat, lon: first.lon, speed: 0 });
  }
  return tracker.snapshot();
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fsbus-plan-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, PLAN_STORE_FILE);
const writeRaw = (content: unknown) =>
  writeFile(file(), typeof content === 'string' ? content : JSON.stringify(content));

describe('PlanStore', () => {
  it('gives back the plan and the snapshot it saved, and a tracker resumes from them', async () => {
    const snapshot = snapshotAtFirstStop();
    expect(snapshot.visits).toEqual([{ stopId: first.stopId, arrivedAt, departedAt: null }]);
    await new PlanStore({ dir }).save({ plan, snapshot });
    const { stored, error } = await new PlanStore({ dir }).load();
    expect(error).toBeNull();
    expect(stored).toEqual({ plan, snapshot });
    const resumed = new StopTracker({}, stored.snapshot ?? undefined);
    resumed.setPlan(stored.plan, arrivedAt + 60_000);
    expect(resumed.view(arrivedAt + 60_000)).toMatchObject({
      state: 'arrived',
      current: { stopId: first.stopId, actualArrival: '2026-11-23T08:36:40.000Z' },
    });
  });

  it('has nothing, and no error, before the first save (even without its directory)', async () => {
    const store = new PlanStore({ dir: path.join(dir, 'not', 'yet') });
    expect(await store.load()).toEqual({ stored: { plan: null, snapshot: null }, error: null });
    await store.save({ plan, snapshot: null });
    expect((await store.load()).stored.plan).toEqual(plan);
  });

  it('replaces the file through a renamed temporary file, leaving nothing else behind', async () => {
    const store = new PlanStore({ dir });
    await store.save({ plan, snapshot: null });
    await store.save({ plan: { ...plan, planId: 'v3' }, snapshot: snapshotAtFirstStop() });
    expect(await readdir(dir)).toEqual([PLAN_STORE_FILE]);
    expect((await store.load()).stored.plan?.planId).toBe('v3');
  });

  it('runs overlapping saves one after the other: the last one wins', async () => {
    const store = new PlanStore({ dir });
    const ids = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
    await Promise.all(
      ids.map((planId) => store.save({ plan: { ...plan, planId }, snapshot: null })),
    );
    const { stored, error } = await store.load();
    expect(error).toBeNull();
    expect(stored.plan?.planId).toBe('v6');
  });

  it('keeps the old file when a write was cut before its rename (a stale temporary file)', async () => {
    const store = new PlanStore({ dir });
    await store.save({ plan, snapshot: null });
    await writeFile(`${file()}.tmp`, '{"version":1,"plan":{"planId":"half-writ');
    expect((await store.load()).stored.plan).toEqual(plan);
    await store.save({ plan: { ...plan, planId: 'v3' }, snapshot: null });
    expect((await store.load()).stored.plan?.planId).toBe('v3');
  });

  it('reports a truncated file as bad_json, with the file, and the tracker starts without a plan', async () => {
    const whole = JSON.stringify({ version: 1, plan, snapshot: null });
    await writeRaw(whole.slice(0, whole.length / 2));
    const { stored, error } = await new PlanStore({ dir }).load();
    expect(error).toBeInstanceOf(PlanStoreError);
    expect(error?.code).toBe('bad_json');
    expect(error?.message).toMatch(new RegExp(`^${file()}: not JSON \\(`));
    expect(stored).toEqual({ plan: null, snapshot: null });
    const tracker = new StopTracker({}, stored.snapshot ?? undefined);
    tracker.setPlan(stored.plan, arrivedAt);
    expect(tracker.view(arrivedAt).state).toBe('no_plan');
  });

  it('reports a plan that breaks the PlanMessage schema as invalid_plan, saying where', async () => {
    const [stop] = plan.stops;
    const bad = { ...plan, timeZone: 'Europe/Atlantis', stops: [{ ...stop, lat: 91 }] };
    await writeRaw({ version: 1, plan: bad, snapshot: snapshotAtFirstStop() });
    const { stored, error } = await new PlanStore({ dir }).load();
    expect(error?.code).toBe('invalid_plan');
    expect(error?.message).toContain(`${file()}: invalid plan: `);
    expect(error?.message).toContain('plan.timeZone: an IANA time zone');
    expect(error?.message).toContain('plan.stops.0.lat: ');
    expect(stored).toEqual({ plan: null, snapshot: null });
  });

  it('drops a snapshot of the wrong shape but keeps a valid plan, saying where', async () => {
    const snapshot = {
      date: '23/11/2026',
      planId: plan.planId,
      visits: [
        { stopId: 'a', arrivedAt: 5, departedAt: 2 },
        { stopId: 'b', arrivedAt: 1, departedAt: null },
        { stopId: 'b', arrivedAt: 'x', departedAt: null },
      ],
      lastDeparture: { stopId: 'a' },
      offPlan: { lat: 95, lon: 0, since: 1 },
    };
    await writeRaw({ version: 1, plan, snapshot });
    const { stored, error } = await new PlanStore({ dir }).load();
    expect(stored).toEqual({ plan, snapshot: null });
    expect(error?.code).toBe('invalid_snapshot');
    expect(error?.message).toBe(
      `${file()}: invalid tracker snapshot, dropped: ` +
        [
          'snapshot.date: null or YYYY-MM-DD',
          'snapshot.visits.0.departedAt: null or after arrivedAt',
          'snapshot.visits.2.stopId: a stop id, once',
          'snapshot.visits.2.arrivedAt: ms since 1970',
          'snapshot.visits: at most one visit without departure',
          'snapshot.lastDeparture: null or { stopId, detectedAt }',
          'snapshot.offPlan: null or { lat, lon, since }',
        ].join('; '),
    );
  });

  it('reports a file of another format or version as bad_format', async () => {
    await writeRaw([plan]);
    expect((await new PlanStore({ dir }).load()).error?.code).toBe('bad_format');
    await writeRaw({ version: 2, plan, snapshot: null });
    const { stored, error } = await new PlanStore({ dir }).load();
    expect(error?.message).toBe(`${file()}: version: expected 1, found 2`);
    expect(stored.plan).toBeNull();
  });

  it('reports a file it cannot read as unreadable', async () => {
    await mkdir(file()); // a directory where the file should be
    const { stored, error } = await new PlanStore({ dir }).load();
    expect(error?.code).toBe('unreadable');
    expect(error?.message).toMatch(new RegExp(`^${file()}: cannot be read \\(EISDIR`));
    expect(stored.plan).toBeNull();
  });

  it('rejects a save it cannot write with write_failed, and keeps working afterwards', async () => {
    const blocked = path.join(dir, 'blocked');
    await writeFile(blocked, 'a file where the directory should be');
    const store = new PlanStore({ dir: blocked });
    const failed = store.save({ plan, snapshot: null });
    await expect(failed).rejects.toBeInstanceOf(PlanStoreError);
    await expect(failed).rejects.toMatchObject({ code: 'write_failed' });
    await rm(blocked);
    await store.save({ plan, snapshot: null });
    expect(JSON.parse(await readFile(path.join(blocked, PLAN_STORE_FILE), 'utf8'))).toMatchObject({
      version: 1,
      plan: { planId: plan.planId },
    });
  });
});
