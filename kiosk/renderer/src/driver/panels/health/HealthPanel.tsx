// The health of the bus's parts, one line each with its level in words and colour: the bridge,
// GPS, door counter, link to central (and what waits for it), on-board broker, each kiosk.
import { CircleCheck, CircleMinus, CircleX, TriangleAlert } from 'lucide-react';
import { useText, type MessageKey } from '../../i18n/i18n.js';
import type { HealthLine, Level } from '../../model/health.js';

const ICONS: Record<Level, typeof CircleCheck> = {
  ok: CircleCheck,
  warn: TriangleAlert,
  bad: CircleX,
  off: CircleMinus,
};

/** The words of one line: the part's name, and its state. */
export function useHealthWords(): (line: HealthLine) => { part: string; state: string } {
  const { t } = useText();
  return (line) => ({
    part:
      line.service === undefined
        ? t(`health.part.${line.part}` as MessageKey)
        : t('health.part.kioskNamed', { name: line.service }),
    state: t(`health.${line.part}.${line.code}` as MessageKey, line.values),
  });
}

export function HealthPanel({ lines }: { readonly lines: readonly HealthLine[] }) {
  const { t } = useText();
  const words = useHealthWords();
  return (
    <section className="panel health-panel" aria-labelledby="health-title">
      <h2 id="health-title">{t('health.title')}</h2>
      <ul className="health" data-testid="health">
        {lines.map((line) => {
          const Icon = ICONS[line.level];
          const { part, state } = words(line);
          return (
            <li
              key={`${line.part}-${line.service ?? ''}`}
              className={`level-${line.level}`}
              data-part={line.service ?? line.part}
              data-level={line.level}
            >
              <Icon aria-hidden="true" />
              <span className="part">{part}</span>
              <span className="state">{state}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
