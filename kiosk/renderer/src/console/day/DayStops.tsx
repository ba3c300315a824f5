// A day's stops, planned against actual: times, delay, people in and out, visits, opinions.
import type { BusDayResponse, Language, ReportResponse } from '@fsbus/shared';
import { clock, number } from '../app/format.js';
import { delayText } from '../fleet/describe.js';
import { useText } from '../i18n/i18n.js';

export interface DayStopsProps {
  readonly day: BusDayResponse;
  readonly opinions: ReportResponse;
  readonly language: Language;
}

export function DayStops({ day, opinions, language }: DayStopsProps) {
  const { t } = useText();
  const opinionsAt = new Map(opinions.rows.map((row) => [String(row.stopId), row]));
  const opinionText = (stopId: string | null) => {
    const row = stopId === null ? undefined : opinionsAt.get(stopId);
    const count = typeof row?.opinions === 'number' ? row.opinions : 0;
    if (count === 0) return t('day.opinions.none');
    const satisfied = typeof row?.satisfiedPercent === 'number' ? row.satisfiedPercent : 0;
    return t('day.opinions.some', { count, percent: number(satisfied, language) });
  };
  const opinionsElsewhere = opinions.rows
    .filter((row) => !day.stops.some((stop) => stop.stopId === row.stopId))
    .reduce((sum, row) => sum + (typeof row.opinions === 'number' ? row.opinions : 0), 0);

  return (
    <>
      {day.stops.length === 0 && <p>{t('day.noStops')}</p>}
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="day-caption">
        <table className="data-table day-table">
          <caption id="day-caption">{t('day.stops')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('day.col.stop')}</th>
              <th scope="col">{t('day.col.planned')}</th>
              <th scope="col">{t('day.col.actual')}</th>
              <th scope="col">{t('day.col.delay')}</th>
              <th scope="col">{t('day.col.in')}</th>
              <th scope="col">{t('day.col.out')}</th>
              <th scope="col">{t('day.col.visits')}</th>
              <th scope="col">{t('day.col.opinions')}</th>
            </tr>
          </thead>
          <tbody>
            {day.stops.map((stop, index) => (
              <tr key={stop.stopId} data-stop={stop.stopId}>
                <th scope="row">
                  {t('day.stopName', { n: index + 1, name: stop.name, commune: stop.commune })}
                </th>
                <td>
                  {t('day.range', {
                    from: clock(stop.scheduledArrival, language),
                    to: clock(stop.scheduledDeparture, language),
                  })}
                </td>
                <td>
                  {stop.actualArrival === null
                    ? t('day.notYet')
                    : t('day.range', {
                        from: clock(stop.actualArrival, language),
                        to: clock(stop.actualDeparture, language),
                      })}
                </td>
                <td className="number">{delayText(t, stop.arrivalDelayS)}</td>
                <td className="number">{stop.peopleIn}</td>
                <td className="number">{stop.peopleOut}</td>
                <td className="number">{stop.visits}</td>
                <td>{opinionText(stop.stopId)}</td>
              </tr>
            ))}
            <tr data-stop="elsewhere">
              <th scope="row">{t('day.elsewhere')}</th>
              <td>—</td>
              <td>—</td>
              <td className="number">—</td>
              <td className="number">{day.elsewhere.peopleIn}</td>
              <td className="number">{day.elsewhere.peopleOut}</td>
              <td className="number">{day.elsewhere.visits}</td>
              <td>
                {opinionsElsewhere === 0
                  ? t('day.opinions.none')
                  : t('day.opinions.count', { count: opinionsElsewhere })}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
    </>
  );
}
