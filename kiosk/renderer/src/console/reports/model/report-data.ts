// The reports as the console shows them (pure): which API reports a screen reads, their rows
// summed over the chosen buses for the charts, and the labels of codes.
import {
  NATIONAL_PARTNERS,
  OPINION_REASONS,
  type Labels,
  type Language,
  type ReportName,
  type ReportResponse,
} from '@fsbus/shared';

/** The API reports the reports screen reads, each with its grouping. */
export const REPORT_PARTS = [
  { id: 'visits-bus', report: 'visits', by: 'bus' },
  { id: 'visits-partner', report: 'visits', by: 'partner' },
  { id: 'visits-theme', report: 'visits', by: 'theme' },
  { id: 'visits-stop', report: 'visits', by: 'stop' },
  { id: 'doors-stop', report: 'doors', by: 'stop' },
  { id: 'opinions-bus', report: 'opinions', by: 'bus' },
  { id: 'opinion-reasons-bus', report: 'opinion-reasons', by: 'bus' },
] as const satisfies readonly { id: string; report: ReportName; by: string }[];

export type ReportPartId = (typeof REPORT_PARTS)[number]['id'];

/** The API path of a report part over a period and buses (none: the fleet), JSON or CSV. */
export function reportPath(
  part: (typeof REPORT_PARTS)[number],
  period: string,
  buses: readonly string[],
  format: 'json' | 'csv' = 'json',
): string {
  const query = new URLSearchParams({ period, by: part.by });
  if (buses.length > 0) query.set('bus', buses.join(','));
  if (format === 'csv') query.set('format', 'csv');
  return `/reports/${part.report}?${query.toString()}`;
}

const numberOf = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** A column summed over rows, per key (the rows' buses added up), largest first. */
export function totals(
  report: ReportResponse,
  key: string,
  value: string,
): { key: string; value: number }[] {
  const sums = new Map<string, number>();
  for (const row of report.rows) {
    const name = row[key] === null || row[key] === undefined ? '' : String(row[key]);
    sums.set(name, (sums.get(name) ?? 0) + numberOf(row[value]));
  }
  return [...sums.entries()]
    .map(([name, sum]) => ({ key: name, value: sum }))
    .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
}

/** A column summed over every row. */
export function sum(report: ReportResponse, column: string): number {
  return report.rows.reduce((total, row) => total + numberOf(row[column]), 0);
}

/** Ratings 1 to 4 summed over the buses, and the share of 3 and 4 (one decimal; null: none). */
export function satisfaction(opinions: ReportResponse): {
  counts: [number, number, number, number];
  total: number;
  satisfiedPercent: number | null;
} {
  const counts = [1, 2, 3, 4].map((face) => sum(opinions, `rating${String(face)}`)) as [
    number,
    number,
    number,
    number,
  ];
  const total = counts.reduce((a, b) => a + b, 0);
  const satisfiedPercent =
    total === 0 ? null : Math.round(((counts[2] + counts[3]) * 1000) / total) / 10;
  return { counts, total, satisfiedPercent };
}

const PARTNERS = new Map<string, string>(
  NATIONAL_PARTNERS.map((partner) => [partner.code, partner.operator]),
);
const REASONS = new Map<string, Labels>(
  OPINION_REASONS.map((reason) => [reason.code, reason.label]),
);

/** A partner's name for staff: its operator (a local partner: its code). */
export function partnerName(code: string): string {
  return PARTNERS.get(code) ?? code;
}

/** A reason's words in the console's language. */
export function reasonLabel(code: string, language: Language): string {
  return REASONS.get(code)?.[language] ?? code;
}
