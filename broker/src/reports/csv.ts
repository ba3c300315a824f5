// A report as CSV for spreadsheet users: a header row, RFC 4180 quoting and CRLF line ends,
// UTF-8 with a byte order mark (so that Excel reads accents right).
import { stringify } from 'csv-stringify/sync';
import type { Report } from './reports.js';

export const CSV_TYPE = 'text/csv; charset=utf-8; header=present';

export function reportCsv(report: Pick<Report, 'columns' | 'rows'>): string {
  return stringify(
    report.rows.map((row) => report.columns.map((column) => row[column] ?? '')),
    {
      bom: true,
      header: true,
      columns: [...report.columns],
      record_delimiter: 'windows',
    },
  );
}
