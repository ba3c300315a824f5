// One API report as a table, its columns named in the console's language and its codes
// (partner, theme, reason) in words, folded under its summary; with the download of the same
// report as CSV.
import type { Language, ReportResponse } from '@fsbus/shared';
import { number } from '../app/format.js';
import { useText, type MessageKey } from '../i18n/i18n.js';
import type { Api } from '../session/api.js';
import { CsvButton } from './CsvButton.js';
import { partnerName, reasonLabel } from './model/report-data.js';

export interface ReportTableProps {
  readonly id: string;
  readonly caption: string;
  readonly report: ReportResponse;
  readonly language: Language;
  readonly api: Api;
  /** The API path of the same report as CSV. */
  readonly csvPath: string;
  /** Shown at first (long tables start folded: the chart above sums them up). */
  readonly open?: boolean;
}

export function ReportTable({
  id,
  caption,
  report,
  language,
  api,
  csvPath,
  open = false,
}: ReportTableProps) {
  const { t } = useText();
  const cell = (column: string, value: string | number | null | undefined): string => {
    if (value === null || value === undefined) return '—';
    if (typeof value === 'number') return number(value, language);
    if (column === 'partner') return partnerName(value);
    if (column === 'theme') return t(`theme.${value}` as MessageKey);
    if (column === 'reason') return reasonLabel(value, language);
    return value;
  };
  const numeric = (column: string) =>
    !['busId', 'stopId', 'stopName', 'commune', 'partner', 'theme', 'reason'].includes(column);
  return (
    <div className="report-table">
      <details open={open}>
        <summary>{t('reports.rows', { what: caption, count: report.rows.length })}</summary>
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={`${id}-caption`}>
          <table className="data-table" data-report={id}>
            <caption id={`${id}-caption`}>{caption}</caption>
            <thead>
              <tr>
                {report.columns.map((column) => (
                  <th key={column} scope="col" className={numeric(column) ? 'number' : ''}>
                    {t(`report.col.${column}` as MessageKey)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.rows.length === 0 ? (
                <tr>
                  <td colSpan={report.columns.length}>{t('reports.noRows')}</td>
                </tr>
              ) : (
                report.rows.map((row, index) => (
                  <tr key={index}>
                    {report.columns.map((column) => (
                      <td key={column} className={numeric(column) ? 'number' : ''}>
                        {cell(column, row[column])}
                      </td>
                    ))}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </details>
      <CsvButton api={api} path={csvPath} what={caption} />
    </div>
  );
}
