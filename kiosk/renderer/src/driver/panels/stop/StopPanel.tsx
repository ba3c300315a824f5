// The stop now: where the bus is against its plan, the delay in words and colour, the time left
// at the stop, and the next stop with its ETA.
import type { Language, PlanMessage, StopMessage } from '@fsbus/shared';
import { useText } from '../../i18n/i18n.js';
import { clockTime } from '../../../time/time.js';
import { communeOf, delayOf, minutesUntil } from '../../model/journey.js';

export interface StopPanelProps {
  readonly stop: StopMessage | null;
  readonly plan: PlanMessage | null;
  readonly language: Language;
  readonly now: number;
}

/** A distance in km with one decimal, in the display's language (4,5 in French). */
function kilometres(metres: number, language: Language): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(metres / 1000);
}

export function StopPanel({ stop, plan, language, now }: StopPanelProps) {
  const { t } = useText();
  const timeZone = plan?.timeZone ?? 'Europe/Paris';
  const time = (iso: string) => clockTime(iso, language, timeZone);
  const state = stop?.state ?? 'no_plan';
  const current = stop?.current ?? null;
  const next = stop?.next ?? null;
  const delay = delayOf(stop?.delayS ?? null);
  const left =
    state === 'arrived' && current ? minutesUntil(current.scheduledDeparture, now) : null;
  const where = (name: string, stopId: string) => {
    const commune = communeOf(plan, stopId);
    return commune === null ? name : t('stop.place', { name, commune });
  };
  return (
    <section className="panel stop-panel" aria-labelledby="stop-title" data-testid="stop-panel">
      <h2 id="stop-title">{t('stop.title')}</h2>
      <p className={`stop-state state-${state}`} data-testid="stop-state">
        {t(`stop.state.${state}`)}
      </p>
      {current === null ? null : (
        <div className="current">
          <p className="place" data-testid="stop-current">
            {where(current.name, current.stopId)}
          </p>
          <p>
            {t('stop.scheduled', {
              from: time(current.scheduledArrival),
              to: time(current.scheduledDeparture),
            })}
          </p>
          {current.actualArrival === null ? null : (
            <p>{t('stop.arrivedAt', { time: time(current.actualArrival) })}</p>
          )}
        </div>
      )}
      {delay === null ? null : (
        <p className={`delay level-${delay.level}`} data-testid="stop-delay">
          {t(`stop.delay.${delay.kind}`, { minutes: delay.minutes })}
        </p>
      )}
      {left === null ? null : (
        <p className={left < 0 ? 'level-warn' : ''} data-testid="stop-left">
          {left >= 0 ? t('stop.left', { minutes: left }) : t('stop.overdue', { minutes: -left })}
        </p>
      )}
      {next === null ? null : (
        <div className="next" data-testid="stop-next">
          <h3>{t('stop.next')}</h3>
          <p className="place">{where(next.name, next.stopId)}</p>
          <p>
            {next.eta === null
              ? t('stop.nextAt', { scheduled: time(next.scheduledArrival) })
              : t('stop.nextEta', { scheduled: time(next.scheduledArrival), eta: time(next.eta) })}
          </p>
          {next.distanceM === null ? null : (
            <p className="muted">
              {t('stop.distance', { km: kilometres(next.distanceM, language) })}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
