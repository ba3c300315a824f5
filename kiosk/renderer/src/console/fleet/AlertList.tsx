// Every alert now, as central computes them, in words.
import type { Alert } from '@fsbus/shared';
import { useText } from '../i18n/i18n.js';

export function AlertList({ alerts }: { readonly alerts: readonly Alert[] }) {
  const { t } = useText();
  return (
    <section className="alerts" aria-labelledby="alerts-title">
      <h3 id="alerts-title">{t('alerts.title')}</h3>
      {alerts.length === 0 ? (
        <p>{t('alerts.none')}</p>
      ) : (
        <ul>
          {alerts.map((alert) => (
            <li key={`${alert.busId}-${alert.code}`}>
              {t('alerts.line', {
                bus: alert.busId,
                alert: t(`alert.${alert.code}`),
                detail: alert.detail,
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
