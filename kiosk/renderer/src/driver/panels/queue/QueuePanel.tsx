// The queue: the turn served now, big; who waits and for how long; "call next", and recall or
// absent for the turn served. Each press sends one cmd/queue; the bridge's retained queue, and
// the kiosks' estimates with it, follow.
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { BellRing, Megaphone, UserX } from 'lucide-react';
import type { BodyOf, QueueMessage } from '@fsbus/shared';
import { useText } from '../../i18n/i18n.js';

export interface QueuePanelProps {
  readonly queue: QueueMessage | null;
  /** Today's service day: a queue of another day is shown empty. */
  readonly today: string;
  readonly connected: boolean;
  readonly onCommand: (body: BodyOf<'cmd/queue'>) => Promise<void>;
}

/** Waiting turns listed by name; the others are counted. */
const LISTED = 6;

const label = (series: string | null | undefined, number: number) =>
  `${series ?? 'A'} ${String(number)}`;

export function QueuePanel({ queue, today, connected, onCommand }: QueuePanelProps) {
  const { t } = useText();
  const [sending, setSending] = useState<BodyOf<'cmd/queue'>['action'] | null>(null);
  const [failed, setFailed] = useState(false);
  const live = queue?.date === today ? queue : null;
  const serving = live?.serving ?? null;
  const servingSeries = live?.servingSeries ?? 'A';
  const waiting = live?.waiting ?? 0;
  const turns = live?.waitingTurns ?? [];

  const send = (body: BodyOf<'cmd/queue'>) => {
    setSending(body.action);
    setFailed(false);
    onCommand(body)
      .catch(() => {
        setFailed(true);
      })
      .finally(() => {
        setSending(null);
      });
  };
  const busy = !connected || sending !== null;

  return (
    <section className="panel queue-panel" aria-labelledby="queue-title" data-testid="queue-panel">
      <h2 id="queue-title">{t('queue.title')}</h2>
      <p className="muted">{t('queue.serving')}</p>
      <p
        className={serving === null ? 'serving none' : 'serving'}
        data-testid="queue-serving"
        aria-live="polite"
      >
        {serving === null ? t('queue.nobodyServed') : label(servingSeries, serving)}
      </p>
      <p className="lead" data-testid="queue-waiting">
        {t('queue.waiting', { count: waiting })}
      </p>
      {turns.length === 0 ? null : (
        <ol className="waiting-turns" aria-label={t('queue.next')}>
          {turns.slice(0, LISTED).map((turn) => (
            <li key={label(turn.series, turn.number)}>{label(turn.series, turn.number)}</li>
          ))}
          {turns.length > LISTED ? (
            <li className="muted">{t('queue.more', { count: waiting - LISTED })}</li>
          ) : null}
        </ol>
      )}
      {live?.estimatedWaitS == null || waiting === 0 ? null : (
        <p data-testid="queue-wait">
          {t('queue.wait', { minutes: Math.ceil(live.estimatedWaitS / 60) })}
        </p>
      )}
      {live?.waitReason == null ? null : (
        <p className="level-warn">{t(`queue.reason.${live.waitReason}`)}</p>
      )}
      <div className="queue-actions">
        <Button
          className="button primary call-next"
          isDisabled={busy || waiting === 0}
          onPress={() => {
            send({ action: 'call_next' });
          }}
        >
          <Megaphone aria-hidden="true" />
          {sending === 'call_next' ? t('queue.sending') : t('queue.callNext')}
        </Button>
        <div className="row">
          <Button
            className="button"
            isDisabled={busy || serving === null}
            onPress={() => {
              if (serving !== null)
                send({ action: 'recall', turn: serving, series: servingSeries });
            }}
          >
            <BellRing aria-hidden="true" />
            {serving === null
              ? t('queue.recall')
              : t('queue.recallTurn', { turn: label(servingSeries, serving) })}
          </Button>
          <Button
            className="button"
            isDisabled={busy || serving === null}
            onPress={() => {
              if (serving !== null) send({ action: 'skip', turn: serving, series: servingSeries });
            }}
          >
            <UserX aria-hidden="true" />
            {serving === null
              ? t('queue.skip')
              : t('queue.skipTurn', { turn: label(servingSeries, serving) })}
          </Button>
        </div>
      </div>
      {failed ? (
        <p className="level-bad" role="alert">
          {t('queue.failed')}
        </p>
      ) : null}
    </section>
  );
}
