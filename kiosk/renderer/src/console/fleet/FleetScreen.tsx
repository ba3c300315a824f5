// Fleet now: the summary, the map and the table of every bus, alerts first, live.
import { lazy, Suspense, useMemo, useState } from 'react';
import { Input, Label, SearchField } from 'react-aria-components';
import type { Language, SessionResponse } from '@fsbus/shared';
import { useText } from '../i18n/i18n.js';
import type { Api } from '../session/api.js';
import { useNow } from '../../time/time.js';
import { AlertList } from './AlertList.js';
import { FleetTable } from './FleetTable.js';
import { fleetRows } from './model/fleet.js';
import { useFleet } from './useFleet.js';
import './fleet.css';

// Leaflet and the basemap load on their own, after the table.
const FleetMap = lazy(() => import('../map/FleetMap.js'));

export interface FleetScreenProps {
  readonly session: SessionResponse;
  readonly api: Api;
  readonly language: Language;
}

export function FleetScreen({ session, api, language }: FleetScreenProps) {
  const { t } = useText();
  const now = useNow(15_000);
  const { fleet, alerts, loaded, error, live } = useFleet(api, session);
  const [filter, setFilter] = useState('');
  const rows = useMemo(() => fleetRows(fleet, alerts, now), [fleet, alerts, now]);
  const shown = useMemo(() => {
    const wanted = filter.trim().toLowerCase();
    return wanted === '' ? rows : rows.filter((row) => row.bus.busId.includes(wanted));
  }, [rows, filter]);
  const count = (condition: string) => rows.filter((row) => row.condition === condition).length;

  return (
    <section className="fleet" aria-labelledby="fleet-title">
      <div className="screen-title">
        <h2 id="fleet-title">{t('fleet.title')}</h2>
        <p className={`live ${live ? 'on' : 'off'}`} role="status">
          {live ? t('app.live.on') : t('app.live.off')}
        </p>
      </div>
      {error !== null && (
        <p className="problem" role="alert">
          {t('fleet.failed', { error })}
        </p>
      )}
      {!loaded && error === null ? (
        <p role="status">{t('fleet.loading')}</p>
      ) : (
        <>
          <p className="summary">
            {t('fleet.summary', {
              total: rows.length,
              alerts: count('alert'),
              silent: count('silent'),
            })}
          </p>
          <div className="fleet-layout">
            <Suspense fallback={<p role="status">{t('map.loading')}</p>}>
              <FleetMap rows={rows} session={session} language={language} />
            </Suspense>
            <AlertList alerts={alerts} />
          </div>
          <SearchField className="field search" value={filter} onChange={setFilter}>
            <Label>{t('fleet.filter')}</Label>
            <Input />
          </SearchField>
          {rows.length === 0 ? <p>{t('fleet.empty')}</p> : <FleetTable rows={shown} now={now} />}
        </>
      )}
    </section>
  );
}
