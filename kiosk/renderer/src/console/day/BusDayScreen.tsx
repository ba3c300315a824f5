// A bus's day: pick a bus and a day; the track and the stops on the map, the stops planned
// against actual with door counts, visits and opinions, and the plan's acknowledgement.
import { lazy, Suspense, useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import {
  BusDayResponse,
  FleetResponse,
  ReportResponse,
  serviceDate,
  type Language,
  type SessionResponse,
} from '@fsbus/shared';
import { SERVICE_ZONE, clock } from '../app/format.js';
import { useText } from '../i18n/i18n.js';
import type { Api } from '../session/api.js';
import { DayStops } from './DayStops.js';
import { dayPath } from './paths.js';

const DayMap = lazy(() => import('../map/DayMap.js'));

export interface BusDayScreenProps {
  readonly session: SessionResponse;
  readonly api: Api;
  readonly language: Language;
  readonly busId: string | null;
  readonly date: string | null;
}

interface Loaded {
  readonly day: BusDayResponse;
  readonly opinions: ReportResponse;
}

export function BusDayScreen({ session, api, language, busId, date }: BusDayScreenProps) {
  const { t } = useText();
  const [, navigate] = useLocation();
  const [buses, setBuses] = useState<readonly string[] | null>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const day = date ?? serviceDate(Date.now(), SERVICE_ZONE);

  useEffect(() => {
    let stopped = false;
    api.get('/fleet', FleetResponse).then(
      (fleet) => {
        if (!stopped) setBuses(fleet.buses.map((bus) => bus.busId));
      },
      (failure: unknown) => {
        if (!stopped) setError((failure as Error).message);
      },
    );
    return () => {
      stopped = true;
    };
  }, [api]);

  // Without a bus in the address, the first bus of the fleet, today.
  const first = buses?.[0];
  useEffect(() => {
    if (busId === null && first !== undefined) navigate(dayPath(first, day), { replace: true });
  }, [busId, first, day, navigate]);

  useEffect(() => {
    if (busId === null) return;
    let stopped = false;
    setLoaded(null);
    setError(null);
    const bus = encodeURIComponent(busId);
    Promise.all([
      api.get(`/buses/${bus}/days/${day}`, BusDayResponse),
      api.get(`/reports/opinions?period=${day}&by=stop&bus=${bus}`, ReportResponse),
    ]).then(
      ([busDay, opinions]) => {
        if (!stopped) setLoaded({ day: busDay, opinions });
      },
      (failure: unknown) => {
        if (!stopped) setError((failure as Error).message);
      },
    );
    return () => {
      stopped = true;
    };
  }, [api, busId, day]);

  return (
    <section className="bus-day" aria-labelledby="day-title">
      <h2 id="day-title">
        {busId === null ? t('day.title') : t('day.titleOf', { bus: busId, date: day })}
      </h2>
      <form
        className="pick-form"
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const bus = data.get('bus');
          const when = data.get('date');
          if (typeof bus !== 'string' || typeof when !== 'string') return;
          if (bus !== '' && /^\d{4}-\d{2}-\d{2}$/.test(when)) navigate(dayPath(bus, when));
        }}
      >
        <label className="field">
          <span>{t('day.bus')}</span>
          <select
            name="bus"
            defaultValue={busId ?? ''}
            key={`${busId ?? ''}-${String(buses?.length)}`}
          >
            {(buses ?? []).map((bus) => (
              <option key={bus} value={bus}>
                {bus}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('day.date')}</span>
          <input type="date" name="date" defaultValue={day} key={day} required />
        </label>
        <button type="submit" className="button primary">
          {t('day.show')}
        </button>
      </form>
      {error !== null && (
        <p className="problem" role="alert">
          {t('day.failed', { error })}
        </p>
      )}
      {loaded === null ? (
        error === null && <p role="status">{t('day.loading')}</p>
      ) : (
        <>
          <p className="plan-line">
            {loaded.day.plan === null
              ? t('day.noPlan')
              : loaded.day.plan.acknowledged === null
                ? t('day.planNotAcked', {
                    plan: loaded.day.plan.planId,
                    published: clock(loaded.day.plan.publishedAt, language),
                  })
                : t('day.planAcked', {
                    plan: loaded.day.plan.planId,
                    published: clock(loaded.day.plan.publishedAt, language),
                    outcome: loaded.day.plan.acknowledged.outcome,
                    acked: clock(loaded.day.plan.acknowledged.ts, language),
                  })}
          </p>
          <Suspense fallback={<p role="status">{t('map.loading')}</p>}>
            <DayMap day={loaded.day} session={session} language={language} />
          </Suspense>
          <DayStops day={loaded.day} opinions={loaded.opinions} language={language} />
        </>
      )}
    </section>
  );
}
