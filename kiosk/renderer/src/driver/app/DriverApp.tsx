// The driver display: the stop, the queue, the people, the day's timeline and the bus's health,
// live from the on-board broker; the driver's switches kept on this display.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { I18nProvider as AriaI18nProvider } from 'react-aria-components';
import { serviceDate } from '@fsbus/shared';
import type { DriverLink } from '../delivery/link.js';
import { setLanguage } from '../i18n/i18n.js';
import { busTime } from '../model/bus-clock.js';
import { healthLines, problems } from '../model/health.js';
import { timeline } from '../model/journey.js';
import { Banner } from '../panels/health/Banner.js';
import { HealthPanel } from '../panels/health/HealthPanel.js';
import { PeoplePanel } from '../panels/people/PeoplePanel.js';
import { QueuePanel } from '../panels/queue/QueuePanel.js';
import { StopPanel } from '../panels/stop/StopPanel.js';
import { TimelinePanel } from '../panels/timeline/TimelinePanel.js';
import { Header } from './Header.js';
import { loadPreferences, savePreferences, type Preferences } from './preferences.js';
import type { DriverSettings } from './settings.js';
import { clockTime, useNow } from '../../time/time.js';

export interface DriverAppProps {
  readonly settings: DriverSettings;
  readonly link: DriverLink;
}

export function DriverApp({ settings, link }: DriverAppProps) {
  const live = useSyncExternalStore(link.subscribe, () => link.state);
  const now = useNow();
  const [preferences, setPreferences] = useState<Preferences>(() =>
    loadPreferences({ language: settings.languages[0], theme: 'day' }, settings.languages),
  );
  const { language, theme } = preferences;
  const choose = (change: Partial<Preferences>) => {
    const next = { ...preferences, ...change };
    setPreferences(next);
    savePreferences(next);
  };
  useEffect(() => {
    setLanguage(language);
  }, [language]);
  useEffect(() => {
    document.documentElement.classList.toggle('night', theme === 'night');
  }, [theme]);

  // The bus's time (a simulated bus's runs faster); the health is judged on the display's own.
  const busNow = busTime(live.statuses.bridge, live.statusSeenAt.bridge, now);
  const timeZone = live.plan?.timeZone ?? 'Europe/Paris';
  const today = serviceDate(busNow, timeZone);
  const lines = healthLines({ statuses: live.statuses, statusSeenAt: live.statusSeenAt, now });
  const stopId =
    live.stop?.state === 'arrived' && live.stop.current !== null ? live.stop.current.stopId : null;

  return (
    <AriaI18nProvider locale={language}>
      <div className="driver" data-connected={live.connected}>
        <Header
          busId={settings.busId}
          time={clockTime(busNow, language, timeZone)}
          languages={settings.languages}
          language={language}
          theme={theme}
          onLanguage={(code) => {
            choose({ language: code });
          }}
          onTheme={(next) => {
            choose({ theme: next });
          }}
        />
        <Banner
          connected={live.connected}
          wasConnected={live.wasConnected}
          problems={problems(lines)}
        />
        <main className="driver-grid">
          <StopPanel stop={live.stop} plan={live.plan} language={language} now={busNow} />
          <QueuePanel
            queue={live.queue}
            today={today}
            connected={live.connected}
            onCommand={(body) => link.send({ stream: 'cmd/queue', body })}
          />
          <PeoplePanel
            occupancy={live.occupancy}
            attendance={live.attendance}
            stopId={stopId}
            today={today}
            connected={live.connected}
            onReset={(onBoard) =>
              link.send({ stream: 'cmd/occupancy', body: { action: 'reset', onBoard } })
            }
          />
          <TimelinePanel
            plan={live.plan}
            rows={timeline(live.plan, live.stop, live.attendance)}
            language={language}
          />
          <HealthPanel lines={lines} />
        </main>
      </div>
    </AriaI18nProvider>
  );
}
