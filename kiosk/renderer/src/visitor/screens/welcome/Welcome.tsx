// Welcome: what the bus is, where it is today and when it is open, the language, the display
// switches, and the two big actions.
import { Button, ToggleButton } from 'react-aria-components';
import { useText } from '../../i18n/i18n.js';
import { LANGUAGES, type Language, type PlanMessage, type StopMessage } from '@fsbus/shared';
import { UI } from '../../app/icons.js';
import { Screen } from '../common/Layout.js';
import { StaffCorner } from '../staff/StaffCorner.js';
import type { StaffInfo } from '../staff/StaffCorner.js';

export interface WelcomeProps {
  readonly languages: readonly Language[];
  readonly language: Language;
  readonly largeText: boolean;
  readonly contrast: boolean;
  readonly stop: StopMessage | null;
  readonly plan: PlanMessage | null;
  readonly staff: boolean;
  readonly staffInfo: () => Promise<StaffInfo>;
  readonly onLanguage: (language: Language) => void;
  readonly onLargeText: (on: boolean) => void;
  readonly onContrast: (on: boolean) => void;
  readonly onProcedure: () => void;
  readonly onOpinion: () => void;
}

function timeOf(iso: string, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', timeZone }).format(
    new Date(iso),
  );
}

function StopToday({ stop, plan, language }: Pick<WelcomeProps, 'stop' | 'plan' | 'language'>) {
  const { t } = useText();
  const timeZone = plan?.timeZone ?? 'Europe/Paris';
  const planned = (stopId: string) => plan?.stops.find((s) => s.stopId === stopId);
  if (stop?.state === 'arrived' && stop.current !== null) {
    const here = planned(stop.current.stopId);
    return (
      <section className="stop-card" aria-labelledby="stop-today">
        <p id="stop-today">{t('welcome.today')}</p>
        <p className="lead">
          <strong>
            {t('welcome.stop', { name: stop.current.name, commune: here?.commune ?? '' })}
          </strong>
        </p>
        <p>
          {t('welcome.hours', {
            from: timeOf(stop.current.scheduledArrival, language, timeZone),
            to: timeOf(stop.current.scheduledDeparture, language, timeZone),
          })}
        </p>
      </section>
    );
  }
  if (stop?.next) {
    const next = planned(stop.next.stopId);
    return (
      <section className="stop-card">
        <p>
          {t('welcome.enRoute', {
            name: stop.next.name,
            commune: next?.commune ?? '',
            time: timeOf(stop.next.eta ?? stop.next.scheduledArrival, language, timeZone),
          })}
        </p>
      </section>
    );
  }
  return (
    <section className="stop-card">
      <p>{t('welcome.noStop')}</p>
    </section>
  );
}

export function Welcome(props: WelcomeProps) {
  const { t } = useText();
  const Procedure = UI.procedure;
  const Opinion = UI.opinion;
  const LargeText = UI.largeText;
  const Contrast = UI.contrast;
  const title = t('welcome.title');
  return (
    <Screen title={title} headerExtra={props.staff ? <StaffCorner info={props.staffInfo} /> : null}>
      <p className="lead">{t('welcome.what')}</p>
      <StopToday stop={props.stop} plan={props.plan} language={props.language} />
      <div role="group" aria-label={t('welcome.language')} className="languages">
        {props.languages.map((code) => (
          <ToggleButton
            key={code}
            className="button"
            isSelected={code === props.language}
            onChange={() => {
              props.onLanguage(code);
            }}
            lang={code}
          >
            {LANGUAGES[code].name}
          </ToggleButton>
        ))}
      </div>
      <div role="group" aria-label={t('welcome.display')} className="toggles">
        <ToggleButton className="button" isSelected={props.largeText} onChange={props.onLargeText}>
          <LargeText aria-hidden="true" />
          {t('welcome.largeText')}
        </ToggleButton>
        <ToggleButton className="button" isSelected={props.contrast} onChange={props.onContrast}>
          <Contrast aria-hidden="true" />
          {t('welcome.contrast')}
        </ToggleButton>
      </div>
      <div className="big-actions">
        <Button className="button primary" onPress={props.onProcedure}>
          <Procedure aria-hidden="true" />
          {t('welcome.procedure')}
        </Button>
        <Button className="button" onPress={props.onOpinion}>
          <Opinion aria-hidden="true" />
          {t('welcome.opinion')}
        </Button>
      </div>
    </Screen>
  );
}
