import { describe, expect, it } from 'vitest';
import { QueueMessage } from '@fsbus/shared';
import { emptyQueue, Queue, SAMPLES_USED, type QueueSnapshot } from './queue.js';

const DAY = '2026-11-23';
const T0 = Date.parse('2026-11-23T08:30:00Z');
const MIN = 60_000;

let ids = 0;
const id = () => `id-${String((ids += 1))}`;

/** A queue, and helpers that apply visits and calls at minutes after T0. */
function queue(snapshot: QueueSnapshot = emptyQueue(DAY)) {
  const q = new Queue(snapshot);
  return {
    q,
    visit: (minute: number, turn: number, series = 'A') =>
      q.visit({ id: id(), turn, series, date: DAY, at: T0 + minute * MIN }),
    call: (minute: number, stopId: string | null = 'mairie') =>
      q.command({ id: id(), action: 'call_next' }, T0 + minute * MIN, stopId),
    view: (minute: number, stopId: string | null = 'mairie') => q.view(T0 + minute * MIN, stopId),
  };
}

/** A body that passes the `queue` schema, with an envelope around it. */
function valid(view: ReturnType<Queue['view']>) {
  return QueueMessage.parse({
    v: 1,
    busId: 'bfs-87-012',
    id: '019ab2f8-e780-7a91-b3c4-8c9d0e1f2a07',
    seq: 1,
    ts: '2026-11-23T09:40:51.200Z',
    source: 'bridge',
    ...view,
  });
}

describe('the queue', () => {
  it('calls the turns in the order the visits came, across kiosks’ series', () => {
    const { visit, call, view } = queue();
    expect(visit(0, 1, 'A')).toBe('issued');
    expect(visit(1, 1, 'B')).toBe('issued');
    expect(visit(2, 2, 'A')).toBe('issued');
    expect(view(2)).toMatchObject({
      issued: 3,
      serving: null,
      waiting: 3,
      lastIssued: { A: 2, B: 1 },
      waitingTurns: [
        { series: 'A', number: 1 },
        { series: 'B', number: 1 },
        { series: 'A', number: 2 },
      ],
    });
    expect(call(3)).toBe('called');
    expect(call(12)).toBe('called');
    expect(view(12)).toMatchObject({
      serving: 1,
      servingSeries: 'B',
      waiting: 1,
      waitingTurns: [{ series: 'A', number: 2 }],
    });
    valid(view(12));
  });

  it('changes nothing when a message is delivered again (same id)', () => {
    const { q } = queue();
    const visit = { id: 'v1', turn: 1, series: 'A', date: DAY, at: T0 };
    expect(q.visit(visit)).toBe('issued');
    expect(q.visit(visit)).toBe('repeat');
    const call = { id: 'c1', action: 'call_next' as const };
    expect(q.command(call, T0 + MIN, null)).toBe('called');
    q.visit({ ...visit, id: 'v2', turn: 2 });
    expect(q.command(call, T0 + 2 * MIN, null)).toBe('repeat');
    expect(q.view(T0 + 2 * MIN, null)).toMatchObject({ issued: 2, serving: 1, waiting: 1 });
  });

  it('reads a visit or a command without a series (from before series) as series A', () => {
    const { q } = queue();
    q.visit({ id: 'v1', turn: 4, date: DAY, at: T0 });
    expect(q.view(T0, null).waitingTurns).toEqual([{ series: 'A', number: 4 }]);
    expect(q.command({ id: 'c1', action: 'skip', turn: 4 }, T0, null)).toBe('skipped');
    expect(q.view(T0, null).waiting).toBe(0);
  });

  it('says when a kiosk hands out a turn it already issued today, and keeps both visitors', () => {
    const { visit, view } = queue();
    visit(0, 1);
    expect(visit(1, 1)).toBe('duplicate_turn');
    expect(view(1).waiting).toBe(2);
  });

  it('recalls a called or skipped turn, and skips a waiting or served one', () => {
    const { q, visit, call, view } = queue();
    visit(0, 1);
    visit(0, 2);
    visit(0, 3);
    call(1);
    const at = T0 + 2 * MIN;
    // Turn 1 does not come: skipped, nobody served; turn 2 is called next.
    expect(q.command({ id: id(), action: 'skip', turn: 1, series: 'A' }, at, null)).toBe('skipped');
    expect(view(2)).toMatchObject({ serving: null, waiting: 2 });
    call(3);
    // Turn 1 turns up: recalled, served now.
    expect(q.command({ id: id(), action: 'recall', turn: 1, series: 'A' }, at, null)).toBe(
      'recalled',
    );
    expect(view(3)).toMatchObject({ serving: 1, waitingTurns: [{ series: 'A', number: 3 }] });
    // A waiting turn recalled is served out of order.
    expect(q.command({ id: id(), action: 'recall', turn: 3 }, at, null)).toBe('recalled');
    expect(view(3)).toMatchObject({ serving: 3, waiting: 0 });
    expect(q.command({ id: id(), action: 'recall', turn: 9 }, at, null)).toBe('unknown_turn');
    expect(q.command({ id: id(), action: 'skip', turn: 9 }, at, null)).toBe('unknown_turn');
  });

  it('says nobody is waiting when call_next finds no one, and keeps serving the last', () => {
    const { visit, call, view } = queue();
    visit(0, 1);
    call(1);
    expect(call(2)).toBe('nobody_waiting');
    expect(view(2)).toMatchObject({ serving: 1, waiting: 0 });
  });

  it('empties the queue on reset, and numbering goes on (no number twice a day)', () => {
    const { q, visit, view } = queue();
    visit(0, 1);
    visit(0, 2);
    expect(q.command({ id: id(), action: 'reset' }, T0 + MIN, null)).toBe('reset');
    expect(view(1)).toMatchObject({ issued: 2, lastIssued: { A: 2 }, serving: null, waiting: 0 });
  });

  it('starts a new day from 0, keeping the stops’ service times; yesterday’s late visits stay out', () => {
    const { q, visit, call } = queue();
    for (let i = 0; i < 4; i++) visit(0, i + 1);
    for (let i = 0; i < 4; i++) call(10 * i);
    expect(q.startDay(DAY)).toBe(false);
    expect(q.startDay('2026-11-24')).toBe(true);
    expect(q.view(T0, 'mairie')).toMatchObject({
      date: '2026-11-24',
      issued: 0,
      serving: null,
      waiting: 0,
      lastIssued: {},
      serviceS: 600,
    });
    expect(q.visit({ id: id(), turn: 5, series: 'A', date: DAY, at: T0 })).toBe('late');
    expect(q.view(T0, 'mairie').issued).toBe(0);
    // A visit of a later day starts that day.
    q.visit({ id: id(), turn: 1, series: 'A', date: '2026-11-25', at: T0 });
    expect(q.view(T0, 'mairie')).toMatchObject({ date: '2026-11-25', issued: 1 });
  });

  it('goes on with the day under another date, earlier or later (a plan in another zone)', () => {
    const { q, visit } = queue();
    visit(0, 1);
    expect(q.redate(DAY)).toBe(false);
    expect(q.redate('2026-11-22')).toBe(true);
    expect(q.view(T0, null)).toMatchObject({ date: '2026-11-22', issued: 1, waiting: 1 });
    expect(q.visit({ id: id(), turn: 2, series: 'A', date: '2026-11-22', at: T0 })).toBe('issued');
    expect(q.redate('2026-11-23')).toBe(true);
    expect(q.view(T0, null)).toMatchObject({ date: DAY, issued: 2, waiting: 2 });
  });
});

describe('the estimated wait', () => {
  it('is unknown before any call, and 0 when nobody waits or is served', () => {
    const { visit, view } = queue();
    expect(view(0)).toMatchObject({ estimatedWaitS: 0, serviceS: null, waitReason: null });
    visit(0, 1);
    expect(view(0)).toMatchObject({ estimatedWaitS: null, serviceS: null });
  });

  it('is the median of the last calls at this stop times the people before, plus what is left of the current service', () => {
    const { visit, call, view } = queue();
    for (let i = 1; i <= 6; i++) visit(0, i);
    // Calls at 0, 5, 15, 22: services of 5, 10 and 7 minutes -> median 7.
    call(0);
    call(5);
    call(15);
    call(22);
    // Serving turn 4 since minute 22; 2 waiting. At minute 24: 2 x 7 + (7 - 2) = 19 minutes.
    expect(view(24)).toMatchObject({ serviceS: 420, waiting: 2, estimatedWaitS: 19 * 60 });
    // Past the usual service time, nothing is left of the current one.
    expect(view(40).estimatedWaitS).toBe(14 * 60);
  });

  it('uses only the latest calls', () => {
    const { visit, call, view } = queue();
    const n = SAMPLES_USED + 6;
    for (let i = 1; i <= n + 1; i++) visit(0, i);
    // Six 30-minute services, then SAMPLES_USED of 4 minutes.
    let minute = 0;
    call(minute);
    for (let i = 0; i < 6; i++) call((minute += 30));
    for (let i = 0; i < SAMPLES_USED; i++) call((minute += 4));
    expect(view(minute).serviceS).toBe(240);
  });

  it('counts from a visitor’s arrival when the adviser was idle, and ignores breaks and no-shows', () => {
    const { visit, call, view } = queue();
    visit(0, 1);
    call(1);
    // Nobody for an hour; turn 2 arrives at 60 and is called at 68: 8 minutes, not 67.
    visit(60, 2);
    visit(60, 3);
    call(68);
    // Two hours of lunch: no sample.
    visit(70, 4);
    visit(70, 5);
    call(190);
    // A no-show passed over within seconds: no sample.
    call(190.05);
    expect(view(190).serviceS).toBe(480);
  });

  it('borrows the bus’s latest service times while this stop has too few', () => {
    const { visit, call, view } = queue();
    for (let i = 1; i <= 5; i++) visit(0, i);
    call(0, 'ambazac');
    call(6, 'ambazac');
    call(12, 'ambazac');
    call(18, 'ambazac');
    expect(view(18, 'st-sylvestre').serviceS).toBe(360);
    expect(view(18, null).serviceS).toBe(360);
  });
});

describe('the wait reason', () => {
  it('says the adviser is away when nobody is called for long while people wait', () => {
    const { visit, call, view } = queue();
    for (let i = 1; i <= 4; i++) visit(0, i);
    call(0);
    call(5);
    call(10);
    expect(view(12).waitReason).toBeNull();
    expect(view(26).waitReason).toBe('adviser_break');
    // Nobody called yet today: counted from the first visitor's arrival.
    const fresh = queue();
    fresh.visit(0, 1);
    expect(fresh.view(14).waitReason).toBeNull();
    expect(fresh.view(15).waitReason).toBe('adviser_break');
  });

  it('says requests take long when the last services are much longer than the stop’s usual', () => {
    const { visit, call, view } = queue();
    for (let i = 1; i <= 11; i++) visit(0, i);
    let minute = 0;
    call(minute);
    for (let i = 0; i < 6; i++) call((minute += 5));
    expect(view(minute).waitReason).toBeNull();
    for (let i = 0; i < 3; i++) call((minute += 12));
    expect(view(minute).waitReason).toBe('long_requests');
    valid(view(minute));
  });

  it('says many are waiting past ten people or half an hour', () => {
    const { visit, call, view } = queue();
    visit(0, 1);
    visit(0, 2);
    call(0);
    call(3);
    // 3-minute services; at minute 5, one minute is left of the current one.
    for (let i = 3; i <= 11; i++) visit(3, i);
    expect(view(5)).toMatchObject({ waiting: 9, estimatedWaitS: 28 * 60, waitReason: null });
    visit(3, 12);
    expect(view(5)).toMatchObject({ waiting: 10, waitReason: 'many_waiting' });
    // Fewer people, but half an hour or more: explained too.
    const slow = queue();
    slow.visit(0, 1);
    slow.visit(0, 2);
    slow.call(0);
    slow.call(10);
    for (let i = 3; i <= 5; i++) slow.visit(10, i);
    expect(slow.view(10)).toMatchObject({ waiting: 3, estimatedWaitS: 40 * 60 });
    expect(slow.view(10).waitReason).toBe('many_waiting');
  });
});
