import { describe, expect, it } from 'vitest';
import { parsePeriod, PeriodError, serviceDate } from './period.js';

describe('report periods', () => {
  it('takes a day in Paris time: its UTC bounds follow winter and summer time', () => {
    expect(parsePeriod('2026-11-23')).toEqual({
      kind: 'day',
      label: '2026-11-23',
      from: '2026-11-22T23:00:00.000Z',
      to: '2026-11-23T23:00:00.000Z',
      firstDay: '2026-11-23',
      lastDay: '2026-11-23',
    });
    expect(parsePeriod('2026-07-14')).toMatchObject({
      from: '2026-07-13T22:00:00.000Z',
      to: '2026-07-14T22:00:00.000Z',
    });
    // The day summer time starts has 23 hours.
    expect(parsePeriod('2026-03-29')).toMatchObject({
      from: '2026-03-28T23:00:00.000Z',
      to: '2026-03-29T22:00:00.000Z',
    });
  });

  it('takes a month, December into January', () => {
    expect(parsePeriod('2026-12')).toEqual({
      kind: 'month',
      label: '2026-12',
      from: '2026-11-30T23:00:00.000Z',
      to: '2026-12-31T23:00:00.000Z',
      firstDay: '2026-12-01',
      lastDay: '2026-12-31',
    });
    expect(parsePeriod('2028-02')).toMatchObject({ lastDay: '2028-02-29' });
  });

  it('refuses what is no day nor month, saying what it expects', () => {
    expect(() => parsePeriod('2026-02-30')).toThrow(PeriodError);
    expect(() => parsePeriod('2026-13')).toThrow(/no such month/);
    expect(() => parsePeriod('last month')).toThrow(/expected a day \(2026-11-23\) or a month/);
  });

  it('gives the Paris service day of an instant', () => {
    expect(serviceDate(Date.parse('2026-11-22T23:30:00Z'))).toBe('2026-11-23');
    expect(serviceDate(Date.parse('2026-11-23T22:59:59Z'))).toBe('2026-11-23');
  });
});
