// A report as CSV for spreadsheet users: a header row, RFC 4180 quoting and CRLF line ends,
// UTF-8 with a byte order mark (so that Excel reads accents right).
import { stringify } from 'csv-stringify/sync';
import type { Report } from './reports.js';

export const CSV_TYPE = 'text/csv; charset=utf-8; header=present';

/**
 * A text cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR first): stop
 * names are typed by planners. It gets a leading apostrophe, as OWASP advises; numbers stay.
 */
function safeCell(value: string | number | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function reportCsv(report: Pick<Report, 'columns' | 'rows'>): string {
  return stringify(
    report.rows.map((row) => report.columns.map((column) => safeCell(row[column]))),
    {
      bom: true,
      header: true,
      columns: [...report.columns],
      record_delimiter: 'windows',
      // RFC 4180: a field with a line break is quoted (the record delimiter is CRLF).
      quoted_match: /[\r\n]/,
    },
  );
}
