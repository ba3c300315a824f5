// Reports: a period (a month or a day) and buses (none: the fleet), read from the address so a
// report can be shared; the key numbers, charts and tables of each API report, each table
// downloadable as the API's own CSV; and each bus's printable monthly page.
import { useEffect, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { FleetResponse, ReportResponse, serviceDate, type Language } from '@fsbus/shared';
import { SERVICE_ZONE, number } from '../app/format.js';
import { useText, type MessageKey } from '../i18n/i18n.js';
import type { Api } from '../session/api.js';
import { BarChart } from './BarChart.js';
import { ReportTable } from './ReportTable.js';
import { ReportsForm } from './ReportsForm.js';
import {
  REPORT_PARTS,
  partnerName,
  reasonLabel,
  reportPath,
  satisfaction,
  sum,
  totals,
  type ReportPartId,
} from './model/report-data.js';
import { monthlyPath } from './paths.js';
import './reports.css';

export interface ReportsScreenProps {
  readonly api: Api;
  readonly language: Language;
}

type Loaded = Readonly<Record<ReportPartId, ReportResponse>>;

/** The period and buses of the address; the current month and the fleet by default. */
export function reportQuery(search: string): { period: string; buses: string[] } {
  const params = new URLSearchParams(search);
  const asked = params.get('period') ?? '';
  const period = /^\d{4}-\d{2}(-\d{2})?$/.test(asked)
    ? asked
    : serviceDate(Date.now(), SERVICE_ZONE).slice(0, 7);
  const buses = (params.get('bus') ?? '').split(',').filter((bus) => bus !== '');
  return { period, buses };
}

export default function ReportsScreen({ api, language }: ReportsScreenProps) {
  const { t } = useText();
  const search = useSearch();
  const [, navigate] = useLocation();
  const { period, buses } = reportQuery(search);
  const busKey = buses.join(',');
  const [fleet, setFleet] = useState<readonly string[]>([]);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    api.get('/fleet', FleetResponse).then(
      (answer) => {
        if (!stopped) setFleet(answer.buses.map((bus) => bus.busId));
      },
      () => undefined,
    );
    return () => {
      stopped = true;
    };
  }, [api]);

  useEffect(() => {
    let stopped = false;
    setLoaded(null);
    setError(null);
    const chosen = busKey === '' ? [] : busKey.split(',');
    Promise.all(
      REPORT_PARTS.map(
        async (part) =>
          [part.id, await api.get(reportPath(part, period, chosen), ReportResponse)] as const,
      ),
    ).then(
      (parts) => {
        if (!stopped) setLoaded(Object.fromEntries(parts) as Loaded);
      },
      (failure: unknown) => {
        if (!stopped) setError((failure as Error).message);
      },
    );
    return () => {
      stopped = true;
    };
  }, [api, period, busKey]);

  const part = (id: ReportPartId) => {
    const found = REPORT_PARTS.find((candidate) => candidate.id === id);
    if (found === undefined) throw new Error(`no report part ${id}`);
    return found;
  };
  const csv = (id: ReportPartId) => reportPath(part(id), period, buses, 'csv');
  const table = (id: ReportPartId, caption: MessageKey) =>
    loaded && (
      <ReportTable
        id={id}
        caption={t(caption)}
        report={loaded[id]}
        language={language}
        api={api}
        csvPath={csv(id)}
      />
    );
  const isMonth = period.length === 7;
  const monthlyBuses = buses.length > 0 ? buses : fleet;

  return (
    <section className="reports" aria-labelledby="reports-title">
      <h2 id="reports-title">{t('reports.title')}</h2>
      <ReportsForm
        // Back and forward change the address: the form starts again from it.
        key={search}
        period={period}
        buses={buses}
        fleet={fleet}
        onChange={(next) => {
          const query = new URLSearchParams({ period: next.period });
          if (next.buses.length > 0) query.set('bus', next.buses.join(','));
          navigate(`/reports?${query.toString()}`);
        }}
      />
      {error !== null && (
        <p className="problem" role="alert">
          {t('reports.failed', { error })}
        </p>
      )}
      {loaded === null ? (
        error === null && <p role="status">{t('reports.loading')}</p>
      ) : (
        <ReportBody
          loaded={loaded}
          language={language}
          table={table}
          monthly={
            isMonth && (
              <section className="report-part">
                <h3>{t('reports.monthly')}</h3>
                <ul className="monthly-links">
                  {monthlyBuses.map((bus) => (
                    <li key={bus}>
                      <Link href={monthlyPath(bus, period)}>
                        {t('reports.monthlyOf', { bus, month: period })}
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            )
          }
        />
      )}
    </section>
  );
}

interface ReportBodyProps {
  readonly loaded: Loaded;
  readonly language: Language;
  readonly table: (id: ReportPartId, caption: MessageKey) => React.ReactNode;
  readonly monthly: React.ReactNode;
}

function ReportBody({ loaded, language, table, monthly }: ReportBodyProps) {
  const { t } = useText();
  const ratings = satisfaction(loaded['opinions-bus']);
  const key = (label: MessageKey, value: number | null) => (
    <div className="key-number">
      <dt>{t(label)}</dt>
      <dd>{value === null ? '—' : number(value, language)}</dd>
    </div>
  );
  return (
    <>
      <dl className="key-numbers" aria-label={t('reports.keyNumbers')}>
        {key('reports.key.visits', sum(loaded['visits-bus'], 'visits'))}
        {key('reports.key.firstVisits', sum(loaded['visits-bus'], 'firstVisits'))}
        {key('reports.key.peopleIn', sum(loaded['doors-stop'], 'in'))}
        {key('reports.key.opinions', ratings.total)}
        {key('reports.key.satisfied', ratings.satisfiedPercent)}
      </dl>
      <section className="report-part">
        <h3>{t('reports.partners')}</h3>
        <BarChart
          title={t('reports.partners')}
          unit={t('reports.unit.requests')}
          bars={totals(loaded['visits-partner'], 'partner', 'requests').map((bar) => ({
            label: partnerName(bar.key),
            value: bar.value,
          }))}
        />
        {table('visits-partner', 'reports.partners')}
      </section>
      <section className="report-part">
        <h3>{t('reports.themes')}</h3>
        <BarChart
          title={t('reports.themes')}
          unit={t('reports.unit.requests')}
          bars={totals(loaded['visits-theme'], 'theme', 'requests').map((bar) => ({
            label: t(`theme.${bar.key}` as MessageKey),
            value: bar.value,
          }))}
        />
        {table('visits-theme', 'reports.themes')}
      </section>
      <section className="report-part">
        <h3>{t('reports.stops')}</h3>
        {table('visits-stop', 'reports.stopsVisits')}
        {table('doors-stop', 'reports.stopsDoors')}
      </section>
      <section className="report-part">
        <h3>{t('reports.satisfaction')}</h3>
        <BarChart
          title={t('reports.ratings')}
          unit={t('reports.unit.opinions')}
          colour="#1e5c1e"
          bars={ratings.counts.map((value, index) => ({
            label: t(`reports.rating.${String(index + 1)}` as MessageKey),
            value,
          }))}
        />
        {table('opinions-bus', 'reports.ratings')}
        <BarChart
          title={t('reports.reasons')}
          unit={t('reports.unit.times')}
          colour="#4a4a4a"
          bars={totals(loaded['opinion-reasons-bus'], 'reason', 'count').map((bar) => ({
            label: reasonLabel(bar.key, language),
            value: bar.value,
          }))}
        />
        {table('opinion-reasons-bus', 'reports.reasons')}
      </section>
      {monthly}
    </>
  );
}
