// Plans: the fleet's plans of a day and whether each bus acknowledged its plan (live), and the
// editor of a bus's plan (from its current plan, from a file, or empty), which planners publish.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { useLocation, useSearch } from 'wouter';
import {
  DayPlansResponse,
  SessionResponse,
  serviceDate,
  type Language,
  type PlanMessage,
} from '@fsbus/shared';
import { SERVICE_ZONE, clock } from '../app/format.js';
import { useText } from '../i18n/i18n.js';
import { PlanLink } from '../live/plan-link.js';
import type { Api } from '../session/api.js';
import { PlanEditor } from './PlanEditor.js';
import './plans.css';
import {
  PlanFileProblem,
  draftFromFile,
  draftFromPlan,
  emptyDraft,
  type PlanDraft,
} from './model/plan-draft.js';

export interface PlansScreenProps {
  readonly session: SessionResponse;
  readonly api: Api;
  readonly language: Language;
}

type Notice =
  | { readonly kind: 'published'; readonly planId: string; readonly busId: string }
  | { readonly kind: 'refused' | 'offline' };

export function PlansScreen({ session, api, language }: PlansScreenProps) {
  const { t } = useText();
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const askedDate = search.get('date') ?? '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(askedDate)
    ? askedDate
    : serviceDate(Date.now(), SERVICE_ZONE);
  const editing = search.get('bus');
  const [plans, setPlans] = useState<DayPlansResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<PlanDraft | null>(null);
  const [fileProblem, setFileProblem] = useState<PlanFileProblem | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const link = useRef<PlanLink | null>(null);
  const planner = session.role === 'planner';

  // The day asked for last: an answer about another day (a slow one) is dropped.
  const asked = useRef(date);
  const load = useCallback(() => {
    asked.current = date;
    api.get(`/plans?date=${date}`, DayPlansResponse).then(
      (answer) => {
        if (answer.date !== asked.current) return;
        setPlans(answer);
        setError(null);
      },
      (failure: unknown) => {
        setError((failure as Error).message);
      },
    );
  }, [api, date]);
  useEffect(() => {
    // Another day: nothing of the previous one stays on screen meanwhile.
    setPlans((shown) => (shown?.date === date ? shown : null));
    load();
  }, [load, date]);

  // Acknowledgements arrive live: the table is read again (once for a burst).
  useEffect(() => {
    let again: ReturnType<typeof setTimeout> | undefined;
    const created = new PlanLink({
      username: session.username,
      token: session.token,
      onAck: () => {
        clearTimeout(again);
        again = setTimeout(load, 300);
      },
      onRefused: () => {
        void api.get('/session', SessionResponse).catch(() => undefined);
      },
    });
    link.current = created;
    return () => {
      clearTimeout(again);
      created.close();
      link.current = null;
    };
  }, [session, load, api]);

  // The editor starts from the bus's plan of the day, or empty.
  const shown = plans?.buses.find((bus) => bus.busId === editing)?.plan ?? null;
  const plansLoaded = plans !== null;
  useEffect(() => {
    if (editing === null || !plansLoaded) {
      setDraft(null);
      return;
    }
    setFileProblem(null);
    setDraft(shown === null ? emptyDraft(editing, date) : draftFromPlan(shown));
    // Only when another bus or day is opened, not each time the table is read again (which
    // would lose what is being typed): `shown` is left out of the dependencies on purpose.
  }, [editing, date, plansLoaded]);

  const open = (busId: string | null) => {
    const query = new URLSearchParams({ date });
    if (busId !== null) query.set('bus', busId);
    navigate(`/plans?${query.toString()}`);
  };
  const publish = async (message: PlanMessage) => {
    const current = link.current;
    const refusal = current === null ? 'offline' : await current.publish(message);
    if (refusal !== null) {
      setNotice({ kind: refusal });
      return;
    }
    setNotice({ kind: 'published', planId: message.planId, busId: message.busId });
    // Further changes make the next version: a plan id is published once.
    setDraft(draftFromPlan(message));
    load();
  };

  return (
    <section className="plans" aria-labelledby="plans-title">
      <h2 id="plans-title">{t('plans.title', { date })}</h2>
      <form
        className="pick-form"
        onSubmit={(event) => {
          event.preventDefault();
          const when = new FormData(event.currentTarget).get('date');
          if (typeof when === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(when)) {
            navigate(`/plans?date=${when}`);
          }
        }}
      >
        <label className="field">
          <span>{t('plans.date')}</span>
          <input type="date" name="date" defaultValue={date} key={date} required />
        </label>
        <button type="submit" className="button primary">
          {t('day.show')}
        </button>
      </form>
      {!planner && <p className="note">{t('plans.staffOnly')}</p>}
      {/* Always in the page, so that what appears in it is announced. */}
      <p
        className={notice === null ? '' : notice.kind === 'published' ? 'notice' : 'problem'}
        role="status"
      >
        {notice === null
          ? ''
          : notice.kind === 'published'
            ? t('plans.published', { plan: notice.planId, bus: notice.busId })
            : t(`plans.${notice.kind}`)}
      </p>
      {error !== null && (
        <p className="problem" role="alert">
          {t('plans.failed', { error })}
        </p>
      )}
      {plans === null ? (
        error === null && <p role="status">{t('plans.loading')}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="plans-caption">
          <table className="data-table plans-table">
            <caption id="plans-caption">{t('plans.table', { date })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('fleet.col.bus')}</th>
                <th scope="col">{t('plans.col.plan')}</th>
                <th scope="col">{t('plans.col.stops')}</th>
                <th scope="col">{t('plans.col.published')}</th>
                <th scope="col">{t('plans.col.ack')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('plans.col.action')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {plans.buses.map((bus) => (
                <tr key={bus.busId} data-bus={bus.busId}>
                  <th scope="row">{bus.busId}</th>
                  <td>{bus.plan?.planId ?? t('plans.none')}</td>
                  <td className="number">{bus.plan?.stops.length ?? '—'}</td>
                  <td>{clock(bus.publishedAt, language)}</td>
                  <td data-ack={bus.acknowledged?.outcome ?? (bus.plan ? 'waiting' : 'none')}>
                    {bus.plan === null
                      ? '—'
                      : bus.acknowledged === null
                        ? t('plans.ack.waiting')
                        : bus.acknowledged.outcome === 'accepted'
                          ? t('plans.ack.accepted', { time: clock(bus.acknowledged.ts, language) })
                          : t('plans.ack.ignored', {
                              time: clock(bus.acknowledged.ts, language),
                              reason: bus.acknowledged.reason ?? '',
                            })}
                  </td>
                  <td>
                    <Button
                      className="button"
                      aria-label={t(planner ? 'plans.editOf' : 'plans.viewOf', { bus: bus.busId })}
                      onPress={() => {
                        open(bus.busId);
                      }}
                    >
                      {planner ? t('plans.edit') : t('plans.view')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing !== null && draft !== null && (
        <PlanEditor
          busId={editing}
          draft={draft}
          onDraft={setDraft}
          canPublish={planner}
          publishedId={shown?.planId ?? null}
          onPublish={publish}
          fileProblem={fileProblem}
          onLoadFile={(text) => {
            try {
              setDraft(draftFromFile(text, editing));
              setFileProblem(null);
            } catch (failure) {
              setFileProblem(
                failure instanceof PlanFileProblem
                  ? failure
                  : new PlanFileProblem({ key: 'plans.problem.invalid' }),
              );
            }
          }}
        />
      )}
    </section>
  );
}
