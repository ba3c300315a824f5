// The banner across the top when something is wrong: the display lost the bus (reconnecting),
// or a part of the bus needs the driver, the worst first.
import { CircleX, TriangleAlert, WifiOff } from 'lucide-react';
import { useText } from '../../i18n/i18n.js';
import type { HealthLine } from '../../model/health.js';
import { useHealthWords } from './HealthPanel.js';

export function Banner({
  connected,
  wasConnected,
  problems,
}: {
  readonly connected: boolean;
  readonly wasConnected: boolean;
  readonly problems: readonly HealthLine[];
}) {
  const { t } = useText();
  const words = useHealthWords();
  if (!connected) {
    return (
      <div className="banner level-bad" role="alert" data-testid="banner">
        <WifiOff aria-hidden="true" />
        <p>
          <strong>{wasConnected ? t('banner.reconnecting') : t('banner.connecting')}</strong>{' '}
          {t('banner.lastKnown')}
        </p>
      </div>
    );
  }
  if (problems.length === 0) return null;
  const worst = problems[0]?.level === 'bad' ? 'bad' : 'warn';
  const Icon = worst === 'bad' ? CircleX : TriangleAlert;
  return (
    <div className={`banner level-${worst}`} role="alert" data-testid="banner">
      <Icon aria-hidden="true" />
      <ul>
        {problems.map((line) => {
          const { part, state } = words(line);
          return (
            <li key={`${line.part}-${line.service ?? ''}`}>{t('banner.line', { part, state })}</li>
          );
        })}
      </ul>
    </div>
  );
}
