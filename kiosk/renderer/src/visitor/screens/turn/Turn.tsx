// Your turn: the number, big; the people before you and the expected wait, live from the
// bridge's retained queue, with why it is long; a live region announces the number.
import { Button } from 'react-aria-components';
import { useText } from '../../i18n/i18n.js';
import type { QueueMessage } from '@fsbus/shared';
import type { IssuedTurn } from '../../delivery/facts.js';
import { UI } from '../../app/icons.js';
import { Screen } from '../common/Layout.js';

export interface TurnProps {
  readonly turn: IssuedTurn;
  readonly queue: QueueMessage | null;
  readonly onDone: () => void;
}

export const turnLabel = (turn: { series: string; number: number }) =>
  `${turn.series} ${String(turn.number)}`;

/**
 * People before this turn and its wait, from the queue (docs/queue.md): before the bridge has
 * this turn, everyone waiting is before it.
 */
export function position(
  turn: IssuedTurn,
  queue: QueueMessage | null,
): { before: number; waitS: number | null } | null {
  if (queue?.date !== turn.date) return null;
  const list = queue.waitingTurns ?? [];
  const index = list.findIndex((w) => w.series === turn.series && w.number === turn.number);
  const before = index >= 0 ? index : queue.waiting;
  // docs/queue.md: the wait of a turn with `before` people before it.
  const { estimatedWaitS: total, serviceS } = queue;
  const waitS =
    total === null ? null : Math.max(0, total - (queue.waiting - before) * (serviceS ?? 0));
  return { before, waitS };
}

export function Turn({ turn, queue, onDone }: TurnProps) {
  const { t } = useText();
  const Check = UI.check;
  const label = turnLabel(turn);
  const where = position(turn, queue);
  const serving =
    queue?.serving != null
      ? turnLabel({ series: queue.servingSeries ?? 'A', number: queue.serving })
      : null;
  return (
    <Screen title={t('turn.title')}>
      <section className="ticket" aria-labelledby="turn-number">
        <p className="number" id="turn-number" data-testid="turn-number">
          {label}
        </p>
        <p className="visually-hidden" role="status">
          {t('turn.announce', { number: label })}
        </p>
        {where === null ? null : (
          <p className="lead" data-testid="turn-before">
            {t('turn.before', { count: where.before })}
          </p>
        )}
        {where?.waitS == null ? null : (
          <p className="lead" data-testid="turn-wait">
            {t('turn.wait', { minutes: Math.ceil(where.waitS / 60) })}
          </p>
        )}
        {queue?.waitReason == null || where === null ? null : (
          <p className="notice">{t(`turn.reason.${queue.waitReason}` as const)}</p>
        )}
        {serving === null ? null : (
          <p className="muted">{t('turn.serving', { number: serving })}</p>
        )}
        <p className="lead">{t('turn.call')}</p>
      </section>
      <div className="footer">
        <span />
        <Button className="button primary" onPress={onDone}>
          <Check aria-hidden="true" />
          {t('turn.done')}
        </Button>
      </div>
    </Screen>
  );
}
