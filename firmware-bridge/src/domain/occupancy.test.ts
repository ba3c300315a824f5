import { describe, expect, it } from 'vitest';
import { MessageFactory, validatePayload } from '@fsbus/shared';
import { Occupancy } from './occupancy.js';

const at = (hms: string, date = '2026-11-23') => Date.parse(`${date}T${hms}+01:00`);
const event = (time: number, inCount: number, out: number, door = 1) => ({
  at: time,
  door,
  in: inCount,
  out,
  quality: 'ok' as const,
});
const paris = () => 'Europe/Paris';
const options = { timeZone: paris, at: at('07:00:00') };

describe('Occupancy', () => {
  it('counts people on board, the day and the current stop', () => {
    const occupancy = new Occupancy(options);
    occupancy.atStop('ambazac-mairie');
    occupancy.add(event(at('09:31:00'), 3, 0), 'ambazac-mairie');
    occupancy.add(event(at('09:45:00'), 1, 2, 2), 'ambazac-mairie');
    expect(occupancy.view(at('09:46:00'))).toEqual({
      onBoard: 2,
      date: '2026-11-23',
      today: { in: 4, out: 2 },
      stop: { stopId: 'ambazac-mairie', in: 4, out: 2 },
      lastReset: { at: '2026-11-23T06:00:00.000Z', reason: 'start' },
    });
    occupancy.atStop(null);
    expect(occupancy.view(at('12:01:00')).stop).toBeNull();
    occupancy.atStop('st-sylvestre');
    occupancy.add(event(at('13:50:00'), 1, 0), 'st-sylvestre');
    expect(occupancy.view(at('13:51:00'))).toMatchObject({
      onBoard: 3,
      today: { in: 5, out: 2 },
      stop: { stopId: 'st-sylvestre', in: 1, out: 0 },
    });
  });

  it('never goes below 0 (more outs than ins: people who came in before the count)', () => {
    const occupancy = new Occupancy(options);
    occupancy.add(event(at('09:31:00'), 1, 3), null);
    expect(occupancy.view(at('09:32:00'))).toMatchObject({ onBoard: 0, today: { in: 1, out: 3 } });
    occupancy.add(event(at('09:33:00'), 2, 0), null);
    expect(occupancy.view(at('09:34:00')).onBoard).toBe(2);
  });

  it('is set by the driver and at the depot, and says when and why', () => {
    const occupancy = new Occupancy(options);
    occupancy.add(event(at('09:31:00'), 5, 0), null);
    occupancy.reset(2, 'driver', at('10:00:00'));
    expect(occupancy.view(at('10:00:01'))).toMatchObject({
      onBoard: 2,
      today: { in: 5, out: 0 },
      lastReset: { at: '2026-11-23T09:00:00.000Z', reason: 'driver' },
    });
    occupancy.reset(0, 'depot', at('18:00:00'));
    expect(occupancy.view(at('18:00:01'))).toMatchObject({
      onBoard: 0,
      lastReset: { reason: 'depot' },
    });
  });

  it('goes to 0 when the bus enters its depot, once per entry', () => {
    const occupancy = new Occupancy(options);
    occupancy.add(event(at('17:40:00'), 3, 0), null);
    expect(occupancy.inDepot(false, at('17:50:00'))).toBe(false);
    expect(occupancy.inDepot(true, at('18:00:00'))).toBe(true);
    expect(occupancy.view(at('18:00:01'))).toMatchObject({
      onBoard: 0,
      lastReset: { at: '2026-11-23T17:00:00.000Z', reason: 'depot' },
    });
    occupancy.add(event(at('18:05:00'), 1, 0), null); // the driver steps in for the night check
    expect(occupancy.inDepot(true, at('18:06:00'))).toBe(false);
    expect(occupancy.view(at('18:06:01')).onBoard).toBe(1);
    occupancy.inDepot(false, at('18:30:00'));
    expect(occupancy.inDepot(true, at('19:00:00'))).toBe(true);
    expect(occupancy.view(at('19:00:01')).onBoard).toBe(0);
  });

  it('starts a new service day at midnight in the bus time zone', () => {
    const occupancy = new Occupancy(options);
    occupancy.add(event(at('23:30:00'), 2, 0), null);
    // 23:30 UTC is 00:30 in Paris the next day.
    expect(occupancy.view(Date.parse('2026-11-23T23:30:00Z'))).toEqual({
      onBoard: 0,
      date: '2026-11-24',
      today: { in: 0, out: 0 },
      stop: null,
      lastReset: { at: '2026-11-23T23:30:00.000Z', reason: 'new_day' },
    });
  });

  it('resumes from a snapshot of the same day, and starts afresh from one of another day', () => {
    const occupancy = new Occupancy(options);
    occupancy.add(event(at('09:31:00'), 4, 1), 'a');
    const saved = JSON.parse(JSON.stringify(occupancy.snapshot())) as ReturnType<
      Occupancy['snapshot']
    >;
    const same = new Occupancy({ timeZone: paris, at: at('10:00:00') }, saved);
    expect(same.view(at('10:00:00'))).toMatchObject({ onBoard: 3, today: { in: 4, out: 1 } });
    const next = new Occupancy({ timeZone: paris, at: at('07:00:00', '2026-11-24') }, saved);
    expect(next.view(at('07:00:00', '2026-11-24'))).toMatchObject({
      onBoard: 0,
      date: '2026-11-24',
      lastReset: { reason: 'new_day' },
    });
  });

  it('goes on with the day under its date in a new time zone, then starts the next at its midnight', () => {
    let zone = 'Europe/Paris';
    const occupancy = new Occupancy({ timeZone: () => zone, at: at('17:00:00') });
    occupancy.add(event(at('17:30:00'), 4, 1), null);
    // A plan in Guadeloupe (UTC-4): at 19:00 in Paris it is 14:00 the same day there.
    zone = 'America/Guadeloupe';
    expect(occupancy.view(at('19:00:00'))).toMatchObject({
      onBoard: 3,
      date: '2026-11-23',
      today: { in: 4, out: 1 },
    });
    // Past midnight in Paris, still the 23rd there.
    occupancy.add(event(at('00:30:00', '2026-11-24'), 1, 0), null);
    expect(occupancy.view(at('00:30:00', '2026-11-24'))).toMatchObject({
      onBoard: 4,
      date: '2026-11-23',
    });
    // Midnight in Guadeloupe: a new day.
    expect(occupancy.view(at('05:01:00', '2026-11-24'))).toMatchObject({
      onBoard: 0,
      date: '2026-11-24',
      today: { in: 0, out: 0 },
    });
  });

  it('gives views the occupancy schema accepts', () => {
    const occupancy = new Occupancy(options);
    occupancy.add(event(at('09:31:00'), 4, 1), 'a');
    const factory = new MessageFactory({ busId: 'bfs-87-012', source: 'bridge' });
    expect(() =>
      validatePayload('occupancy', factory.create('occupancy', occupancy.view(at('09:32:00')))),
    ).not.toThrow();
  });
});
