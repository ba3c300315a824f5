// People: on board now (from the door counter), and visits and opinions at this stop and today
// (from the bridge's attendance); the on-board count can be set right, after a confirmation.
import { Users } from 'lucide-react';
import type { AttendanceMessage, OccupancyMessage } from '@fsbus/shared';
import { useText } from '../../i18n/i18n.js';
import { ResetOccupancy } from './ResetOccupancy.js';

export interface PeoplePanelProps {
  readonly occupancy: OccupancyMessage | null;
  readonly attendance: AttendanceMessage | null;
  /** The planned stop the bus stands at, null between stops. */
  readonly stopId: string | null;
  readonly today: string;
  readonly connected: boolean;
  readonly onReset: (onBoard: number) => Promise<void>;
}

export function PeoplePanel({
  occupancy,
  attendance,
  stopId,
  today,
  connected,
  onReset,
}: PeoplePanelProps) {
  const { t } = useText();
  const day = attendance?.date === today ? attendance : null;
  const atStop = day?.stops.find((s) => s.stopId === stopId) ?? null;
  const doorsToday = occupancy?.date === today ? occupancy.today.in : null;
  return (
    <section
      className="panel people-panel"
      aria-labelledby="people-title"
      data-testid="people-panel"
    >
      <h2 id="people-title">{t('people.title')}</h2>
      <div className="on-board">
        <Users aria-hidden="true" />
        <p>
          <span className="big-number" data-testid="people-on-board">
            {occupancy === null ? '—' : String(occupancy.onBoard)}
          </span>{' '}
          <span>{t('people.onBoard')}</span>
        </p>
      </div>
      {doorsToday === null ? null : (
        <p className="muted">{t('people.inToday', { count: doorsToday })}</p>
      )}
      <table className="counts" data-testid="people-counts">
        <thead>
          <tr>
            <td />
            <th scope="col">{t('people.atStop')}</th>
            <th scope="col">{t('people.today')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('people.visits')}</th>
            <td>{stopId === null ? '—' : String(atStop?.visits ?? 0)}</td>
            <td data-testid="visits-today">{String(day?.today.visits ?? 0)}</td>
          </tr>
          <tr>
            <th scope="row">{t('people.opinions')}</th>
            <td>{stopId === null ? '—' : String(atStop?.opinions ?? 0)}</td>
            <td data-testid="opinions-today">{String(day?.today.opinions ?? 0)}</td>
          </tr>
        </tbody>
      </table>
      <ResetOccupancy
        onBoard={occupancy?.onBoard ?? null}
        connected={connected}
        onReset={onReset}
      />
    </section>
  );
}
