// One bus's month for the national reporting, laid out to be printed (one A4 page or two):
// the key numbers, requests per partner and theme, each stop's visits and door counts, the
// opinions by rating and reason. The same rows as the API's monthly file, offered as CSV.
import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import { Link } from 'wouter';
import { ReportResponse, type Language } from '@fsbus/shared';
import { number, percent } from '../app/format.js';
import { useText, type MessageKey } from '../i18n/i18n.js';
import type { Api } from '../session/api.js';
import { partnerName, reasonLabel } from './model/report-data.js';
import { CsvButton } from './CsvButton.js';
import './reports.css';

export interface MonthlyPageProps {
  readonly api: Api;
  readonly language: Language;
  readonly busId: string;
  readonly month: string;
}

type Row = ReportResponse['rows'][number];
const valueOf = (row: Row | undefined) => (typeof row?.value === 'number' ? row.value : null);

export default function MonthlyPage({ api, language, busId, month }: MonthlyPageProps) {
  const { t } = useText();
  const [report, setReport] = useState<ReportResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const path = `/reports/monthly/${encodeURIComponent(busId)}?month=${month}`;
  useEffect(() => {
    let stopped = false;
    setReport(null);
    api.get(path, ReportResponse).then(
      (answer) => {
        if (!stopped) setReport(answer);
      },
      (failure: unknown) => {
        if (!stopped) setError((failure as Error).message);
      },
    );
    return () => {
      stopped = true;
    };
  }, [api, path]);

  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    return (
      <p className="problem" role="alert">
        {t('reports.badMonth', { month })}
      </p>
    );
  }
  const monthName = new Intl.DateTimeFormat(language, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${month}-01T12:00:00Z`));
  if (error !== null) {
    return (
      <p className="problem" role="alert">
        {t('reports.failed', { error })}
      </p>
    );
  }
  if (report === null) return <p role="status">{t('reports.loading')}</p>;

  const rows = (indicator: string) => report.rows.filter((row) => row.indicator === indicator);
  const one = (indicator: string) => valueOf(rows(indicator)[0]);
  const list = (indicator: string, caption: MessageKey, label: (row: Row) => string) => {
    const found = rows(indicator);
    return (
      <table className="data-table monthly-table" data-indicator={indicator}>
        <caption>{t(caption)}</caption>
        <tbody>
          {found.length === 0 ? (
            <tr>
              <td colSpan={2}>{t('reports.noRows')}</td>
            </tr>
          ) : (
            found.map((row) => (
              <tr key={String(row.key)}>
                <th scope="row">{label(row)}</th>
                <td className="number">{number(valueOf(row) ?? 0, language)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    );
  };
  const stopName = (row: Row) =>
    row.label === null ? t('reports.noStop') : String(row.label ?? row.key);
  const satisfied = one('satisfied_percent');

  return (
    <article className="monthly" aria-labelledby="monthly-heading">
      <p className="no-print">
        <Link href={`/reports?period=${month}&bus=${encodeURIComponent(busId)}`}>
          {t('reports.back')}
        </Link>
      </p>
      <h2 id="monthly-heading">{t('monthly.title', { bus: busId, month: monthName })}</h2>
      <p className="muted">{t('monthly.intro')}</p>
      <dl className="key-numbers">
        {(
          [
            ['monthly.visits', one('visits')],
            ['monthly.firstVisits', one('first_visits')],
            ['monthly.arrivals', one('stop_arrivals')],
            ['monthly.opinions', one('opinions')],
          ] as const
        ).map(([label, value]) => (
          <div className="key-number" key={label}>
            <dt>{t(label)}</dt>
            <dd>{value === null ? '—' : number(value, language)}</dd>
          </div>
        ))}
        <div className="key-number">
          <dt>{t('monthly.satisfied')}</dt>
          <dd>{satisfied === null ? '—' : percent(satisfied, language)}</dd>
        </div>
      </dl>
      <div className="monthly-grid">
        {list('requests_by_partner', 'monthly.partners', (row) => partnerName(String(row.key)))}
        {list('requests_by_theme', 'monthly.themes', (row) =>
          t(`theme.${String(row.key)}` as MessageKey),
        )}
        {list('visits_by_stop', 'monthly.stopsVisits', stopName)}
        {list('people_in_by_stop', 'monthly.stopsIn', stopName)}
        {list('opinions_by_rating', 'monthly.ratings', (row) =>
          t(`reports.rating.${String(row.key)}` as MessageKey),
        )}
        {list('opinions_by_reason', 'monthly.reasons', (row) =>
          reasonLabel(String(row.key), language),
        )}
      </div>
      <div className="no-print monthly-actions">
        <Button
          className="button primary"
          onPress={() => {
            window.print();
          }}
        >
          {t('monthly.print')}
        </Button>
        <CsvButton api={api} path={`${path}&format=csv`} what={t('monthly.file')} />
      </div>
    </article>
  );
}
