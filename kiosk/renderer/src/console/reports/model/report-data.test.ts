import { describe, expect, it } from 'vitest';
import type { ReportResponse } from '@fsbus/shared';
import {
  partnerName,
  reasonLabel,
  reportPath,
  satisfaction,
  totals,
  REPORT_PARTS,
} from './report-data.js';

const report = (
  columns: string[],
  rows: Record<string, string | number | null>[],
): ReportResponse => ({
  report: 'visits',
  period: { kind: 'month', label: '2026-11', from: '', to: '' },
  by: 'partner',
  buses: [],
  columns,
  rows,
});

describe('the reports in the console', () => {
  it('asks the API for each part, narrowed to the chosen buses', () => {
    const [visits] = REPORT_PARTS;
    expect(reportPath(visits, '2026-11', [])).toBe('/reports/visits?period=2026-11&by=bus');
    expect(reportPath(visits, '2026-11-23', ['bfs-1', 'bfs-2'], 'csv')).toBe(
      '/reports/visits?period=2026-11-23&by=bus&bus=bfs-1%2Cbfs-2&format=csv',
    );
  });

  it('adds the buses up per key, largest first', () => {
    const perPartner = report(
      ['busId', 'partner', 'requests'],
      [
        { busId: 'a', partner: 'caf', requests: 3 },
        { busId: 'b', partner: 'caf', requests: 4 },
        { busId: 'a', partner: 'la_poste', requests: 9 },
      ],
    );
    expect(totals(perPartner, 'partner', 'requests')).toEqual([
      { key: 'la_poste', value: 9 },
      { key: 'caf', value: 7 },
    ]);
  });

  it('gives the ratings over the buses and the share satisfied', () => {
    const opinions = report(
      ['busId', 'rating1', 'rating2', 'rating3', 'rating4'],
      [
        { busId: 'a', rating1: 1, rating2: 0, rating3: 2, rating4: 0 },
        { busId: 'b', rating1: 0, rating2: 0, rating3: 0, rating4: 3 },
      ],
    );
    expect(satisfaction(opinions)).toEqual({
      counts: [1, 0, 2, 3],
      total: 6,
      satisfiedPercent: 83.3,
    });
    expect(satisfaction(report([], [])).satisfiedPercent).toBeNull();
  });

  it('names partners by operator and reasons in the language', () => {
    expect(partnerName('caf')).toMatch(/CAF/);
    expect(partnerName('local-france-renov')).toBe('local-france-renov');
    expect(reasonLabel('friendly_welcome', 'en')).toBe('Friendly welcome');
  });
});
