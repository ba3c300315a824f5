// The table of every bus: one row each, its condition in words and colour, alerts first.
import { memo } from 'react';
import { Link } from 'wouter';
import { serviceDate } from '@fsbus/shared';
import { SERVICE_ZONE } from '../app/format.js';
import { dayPath } from '../day/paths.js';
import { useText } from '../i18n/i18n.js';
import { agoText, delayText, healthText, stopText } from './describe.js';
import { sameRow, type FleetRow } from './model/fleet.js';

export interface FleetTableProps {
  readonly rows: readonly FleetRow[];
  readonly now: number;
}

export function FleetTable({ rows, now }: FleetTableProps) {
  const { t } = useText();
  const today = serviceDate(now, SERVICE_ZONE);
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="fleet-caption">
      <table className="data-table fleet-table">
        <caption id="fleet-caption">{t('fleet.table')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fleet.col.bus')}</th>
            <th scope="col">{t('fleet.col.condition')}</th>
            <th scope="col">{t('fleet.col.stop')}</th>
            <th scope="col">{t('fleet.col.delay')}</th>
            <th scope="col">{t('fleet.col.onBoard')}</th>
            <th scope="col">{t('fleet.col.visits')}</th>
            <th scope="col">{t('fleet.col.health')}</th>
            <th scope="col">{t('fleet.col.lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <Row key={row.bus.busId} row={row} now={now} today={today} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

// A row renders again only when its bus, its alerts or the clock change (150 buses move every
// second: the others keep their row as it is).
const Row = memo(
  function Row({
    row,
    now,
    today,
  }: {
    readonly row: FleetRow;
    readonly now: number;
    readonly today: string;
  }) {
    const { t } = useText();
    const { bus } = row;
    return (
      <tr data-bus={bus.busId} data-condition={row.condition}>
        <th scope="row">
          <Link
            href={dayPath(bus.busId, today)}
            aria-label={t('fleet.dayLink', { bus: bus.busId })}
          >
            {bus.busId}
          </Link>
        </th>
        <td>
          <span className={`condition ${row.condition}`}>
            {t(`fleet.condition.${row.condition}`)}
          </span>
          {row.alerts.map((alert) => (
            <span key={alert.code} className="alert-code">
              {t(`alert.${alert.code}`)}
            </span>
          ))}
        </td>
        <td>{stopText(t, bus.stop)}</td>
        <td className="number">{delayText(t, bus.stop?.delayS)}</td>
        <td className="number">{bus.onBoard ?? '—'}</td>
        <td className="number">{bus.today.visits}</td>
        <td>{healthText(t, row)}</td>
        <td>{agoText(t, bus.lastSeen, now)}</td>
      </tr>
    );
  },
  (before, after) =>
    before.now === after.now && before.today === after.today && sameRow(before.row, after.row),
);
