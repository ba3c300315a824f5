import { describe, expect, it } from 'vitest';
import { AttendanceMessage } from '@fsbus/shared';
import { Attendance, emptyAttendance, type Counted } from './attendance.js';

const DAY = '2026-11-23';
let ids = 0;
const message = (kind: Counted['kind'], stopId: string | null, date = DAY): Counted => ({
  kind,
  id: `id-${String((ids += 1))}`,
  stopId,
  date,
});

describe('the attendance of the day', () => {
  it('counts visits and opinions in all and per stop, stops in the order first seen', () => {
    const attendance = new Attendance(emptyAttendance(DAY));
    attendance.count(message('visit', 'mairie'));
    attendance.count(message('visit', 'mairie'));
    attendance.count(message('opinion', 'mairie'));
    attendance.count(message('visit', 'eglise'));
    attendance.count(message('visit', null));
    attendance.count(message('opinion', null));
    const view = attendance.view();
    expect(view).toEqual({
      date: DAY,
      today: { visits: 4, opinions: 2 },
      stops: [
        { stopId: 'mairie', visits: 2, opinions: 1 },
        { stopId: 'eglise', visits: 1, opinions: 0 },
      ],
    });
    // What the bridge publishes passes the stream's schema.
    expect(() =>
      AttendanceMessage.parse({
        v: 1,
        busId: 'bfs-87-012',
        id: '019ab2f8-e781-7b02-8c1d-2e3f4a5b6c0d',
        seq: 1,
        ts: '2026-11-23T09:40:51.210Z',
        source: 'bridge',
        ...view,
      }),
    ).not.toThrow();
  });

  it('counts a message delivered again once, also across a restart from its snapshot', () => {
    const attendance = new Attendance(emptyAttendance(DAY));
    const visit = message('visit', 'mairie');
    expect(attendance.count(visit)).toBe('counted');
    expect(attendance.count(visit)).toBe('repeat');
    const restarted = new Attendance(
      JSON.parse(JSON.stringify(attendance.snapshot())) as ReturnType<Attendance['snapshot']>,
    );
    expect(restarted.count(visit)).toBe('repeat');
    expect(restarted.view().today.visits).toBe(1);
  });

  it('starts each service day at zero, and leaves a message of another day out', () => {
    const attendance = new Attendance(emptyAttendance(DAY));
    attendance.count(message('visit', 'mairie'));
    expect(attendance.startDay(DAY)).toBe(false);
    expect(attendance.startDay('2026-11-24')).toBe(true);
    expect(attendance.view()).toEqual({
      date: '2026-11-24',
      today: { visits: 0, opinions: 0 },
      stops: [],
    });
    expect(attendance.count(message('opinion', 'mairie', DAY))).toBe('other_day');
    expect(attendance.view().today.opinions).toBe(0);
    // A kiosk a few seconds ahead of the bridge at midnight: its visit starts the next day.
    expect(attendance.count(message('visit', null, '2026-11-25'))).toBe('counted');
    expect(attendance.view()).toMatchObject({ date: '2026-11-25', today: { visits: 1 } });
  });

  it('goes on counting the day under another date (a plan in another zone)', () => {
    const attendance = new Attendance(emptyAttendance(DAY));
    attendance.count(message('visit', 'mairie'));
    expect(attendance.redate(DAY)).toBe(false);
    expect(attendance.redate('2026-11-22')).toBe(true);
    expect(attendance.count(message('opinion', 'mairie', '2026-11-22'))).toBe('counted');
    expect(attendance.view()).toEqual({
      date: '2026-11-22',
      today: { visits: 1, opinions: 1 },
      stops: [{ stopId: 'mairie', visits: 1, opinions: 1 }],
    });
  });
});
