// The day's plan as a timeline: each stop with its hours, done, here now, next or later, and the
// visits and opinions taken there.
import type { Language, PlanMessage } from '@fsbus/shared';
import { useText } from '../../i18n/i18n.js';
import { clockTime } from '../../../time/time.js';
import type { TimelineRow } from '../../model/journey.js';

export interface TimelinePanelProps {
  readonly plan: PlanMessage | null;
  readonly rows: readonly TimelineRow[];
  readonly language: Language;
}

export function TimelinePanel({ plan, rows, language }: TimelinePanelProps) {
  const { t } = useText();
  const timeZone = plan?.timeZone ?? 'Europe/Paris';
  const time = (iso: string) => clockTime(iso, language, timeZone);
  return (
    <section className="panel timeline-panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('timeline.title')}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t('timeline.none')}</p>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {rows.map((row) => (
            <li key={row.stopId} className={`stop-${row.status}`} data-status={row.status}>
              <span className="hours">
                {t('timeline.hours', { from: time(row.arrival), to: time(row.departure) })}
              </span>
              <span className="where">
                {t('stop.place', { name: row.name, commune: row.commune })}
              </span>
              <span className="status">{t(`timeline.status.${row.status}`)}</span>
              <span className="tally">
                {t('timeline.tally', { visits: row.visits, opinions: row.opinions })}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
