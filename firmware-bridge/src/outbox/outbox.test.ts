import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, OutboxError, type DeliveryClass, type OutboxMessage } from './outbox.js';

let dir: string;
const open: Outbox[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fsbus-outbox-'));
});
afterEach(() => {
  for (const outbox of open.splice(0)) outbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function outbox(options: Partial<ConstructorParameters<typeof Outbox>[0]> = {}): Outbox {
  const created = new Outbox({
    file: path.join(dir, 'outbox.sqlite'),
    commitWindowMs: 50,
    telemetryCapBytes: 10_000_000,
    hardCapBytes: 20_000_000,
    ...options,
  });
  open.push(created);
  return created;
}

let serial = 0;
function message(deliveryClass: DeliveryClass, stream = 'door', size = 100): OutboxMessage {
  serial += 1;
  const id = `0190a0c0-0000-7000-8000-${String(serial).padStart(12, '0')}`;
  return {
    id,
    stream,
    topic: `fsbus/v1/bus-1/${stream}`,
    payload: JSON.stringify({ id, pad: 'x'.repeat(size) }),
    class: deliveryClass,
  };
}

const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);

describe('Outbox', () => {
  it('commits what arrives within a window in one transaction, then resolves each add', async () => {
    const box = outbox();
    const messages = Array.from({ length: 100 }, () => message('event'));
    let resolved = 0;
    const adds = messages.map((m) => box.add(m).then(() => (resolved += 1)));
    expect(resolved).toBe(0);
    expect(box.next('event', 0, 1000)).toEqual([]); // not committed yet: not sendable
    await Promise.all(adds);
    expect(box.stats()).toMatchObject({ commits: 1, accepted: 100, events_pending: 100 });
    expect(ids(box.next('event', 0, 1000))).toEqual(ids(messages));
  });

  it('keeps committed messages across a reopen, oldest first, until acknowledged', async () => {
    const first = outbox();
    const messages = [message('event'), message('telemetry', 'gnss'), message('event')];
    await Promise.all(messages.map((m) => first.add(m)));
    const [oldest] = first.next('event', 0, 10);
    if (oldest) first.ack(oldest);
    // Acknowledged but not yet deleted: not offered again.
    expect(ids(first.next('event', 0, 10))).toEqual([messages[2]?.id]);
    first.close();

    const second = outbox();
    // The acknowledgement was committed on close.
    expect(ids(second.next('event', 0, 10))).toEqual([messages[2]?.id]);
    expect(ids(second.next('telemetry', 0, 10))).toEqual([messages[1]?.id]);
    expect(second.stats()).toMatchObject({ events_pending: 1, telemetry_pending: 1 });
  });

  it('stores a message whose id it already holds once (a re-delivery after a crash)', async () => {
    const box = outbox();
    const m = message('event');
    await box.add(m);
    await box.add({ ...m });
    expect(box.next('event', 0, 10)).toHaveLength(1);
    expect(box.stats()).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('pages through a class after a seq, so a sender can keep a window in flight', async () => {
    const box = outbox();
    const messages = Array.from({ length: 10 }, () => message('event'));
    await Promise.all(messages.map((m) => box.add(m)));
    const page = box.next('event', 0, 4);
    const rest = box.next('event', page.at(-1)?.seq ?? 0, 100);
    expect(ids([...page, ...rest])).toEqual(ids(messages));
  });

  it('past the telemetry cap, thins the older half per stream, then drops the oldest; never events', async () => {
    // Rows of about 300 bytes, a cap of 30 kB: about 100 rows.
    const box = outbox({ telemetryCapBytes: 30_000, commitWindowMs: 1 });
    const events = Array.from({ length: 50 }, () => message('event'));
    await Promise.all(events.map((m) => box.add(m)));
    const sent: OutboxMessage[] = [];
    for (let i = 0; i < 600; i++) {
      const m = message('telemetry', i % 3 === 0 ? 'occupancy' : 'gnss');
      sent.push(m);
      await box.add(m);
    }
    const stats = box.stats();
    expect(stats.telemetry_bytes).toBeLessThanOrEqual(30_000);
    expect(stats.telemetry_thinned).toBeGreaterThan(0);
    expect(ids(box.next('event', 0, 1000))).toEqual(ids(events));
    const kept = box.next('telemetry', 0, 1000);
    // The newest is always kept; within each stream the order is the order sent.
    expect(kept.at(-1)?.id).toBe(sent.at(-1)?.id);
    for (const stream of ['gnss', 'occupancy']) {
      const order = kept
        .filter((r) => r.stream === stream)
        .map((r) => sent.findIndex((m) => m.id === r.id));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('makes room for events by dropping telemetry, then refuses events past the hard cap', async () => {
    const box = outbox({ telemetryCapBytes: 20_000, hardCapBytes: 40_000, commitWindowMs: 1 });
    for (let i = 0; i < 60; i++) await box.add(message('telemetry', 'gnss'));
    const before = box.stats().telemetry_pending;
    expect(before).toBeGreaterThan(0);
    let accepted = 0;
    let refusal: unknown;
    for (let i = 0; i < 400 && refusal === undefined; i++) {
      await box.add(message('event')).then(
        () => (accepted += 1),
        (error: unknown) => (refusal = error),
      );
    }
    expect(refusal).toBeInstanceOf(OutboxError);
    expect((refusal as OutboxError).code).toBe('hard_cap');
    expect(box.stats().telemetry_pending).toBe(0);
    expect(box.stats().events_pending).toBe(accepted);
    expect(box.stats().events_refused).toBe(1);
    // Central catches up: room again.
    for (const row of box.next('event', 0, 50)) box.ack(row);
    box.flush();
    await expect(box.add(message('event'))).resolves.toBeUndefined();
  });

  it('commits acknowledgements with the next messages, not in a commit of their own', async () => {
    const box = outbox();
    await Promise.all([box.add(message('event')), box.add(message('event'))]);
    const commits = box.stats().commits;
    for (const row of box.next('event', 0, 10)) box.ack(row);
    // No longer pending at once, though not yet deleted.
    expect(box.stats()).toMatchObject({ events_pending: 0, sent: 2, commits });
    await box.add(message('telemetry', 'gnss'));
    expect(box.stats().commits).toBe(commits + 1);
    box.close();
    const reopened = outbox();
    expect(reopened.stats()).toMatchObject({ events_pending: 0, telemetry_pending: 1 });
  });

  it('pages past acknowledged rows that wait for their deletion', async () => {
    const box = outbox();
    const messages = Array.from({ length: 30 }, () => message('event'));
    await Promise.all(messages.map((m) => box.add(m)));
    for (const row of box.next('event', 0, 20)) box.ack(row);
    expect(ids(box.next('event', 0, 5))).toEqual(ids(messages.slice(20, 25)));
  });

  it('commits a full window at once on a healthy disk instead of refusing messages', async () => {
    const box = outbox({ maxUncommitted: 100, commitWindowMs: 5000 });
    const adds = Array.from({ length: 250 }, () => box.add(message('telemetry', 'gnss')));
    const results = await Promise.allSettled(adds.slice(0, 200));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(box.stats().commits).toBe(2);
    box.flush();
    await Promise.all(adds);
    expect(box.stats().telemetry_pending).toBe(250);
  });

  it('reports its size on disk and the age of the oldest message of each class', async () => {
    let clock = 1_000_000;
    const box = outbox({ now: () => clock });
    await box.add(message('event'));
    clock += 90_000;
    expect(box.stats()).toMatchObject({ oldest_event_age_s: 90, oldest_telemetry_age_s: 0 });
    expect(box.fileBytes()).toBeGreaterThan(0);
  });
});
