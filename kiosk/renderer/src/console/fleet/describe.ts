// How a bus's stop, delay, health and last news read in the console's words.
import type { BusNowResponse } from '@fsbus/shared';
import type { MessageKey } from '../i18n/i18n.js';
import type { FleetRow } from './model/fleet.js';

type T = (key: MessageKey, values?: Record<string, unknown>) => string;

export function stopText(t: T, stop: BusNowResponse['stop']): string {
  if (stop === null) return t('fleet.stop.unknown');
  switch (stop.state) {
    case 'en_route':
      return stop.next === null
        ? t('fleet.stop.en_route_end')
        : t('fleet.stop.en_route', { name: stop.next.name });
    case 'arrived':
      return t('fleet.stop.arrived', { name: stop.current?.name ?? '' });
    case 'departed':
      return t('fleet.stop.departed', { name: stop.current?.name ?? '' });
    case 'no_plan':
      return t('fleet.stop.no_plan');
    case 'off_plan':
      return t('fleet.stop.off_plan');
  }
}

/** A delay in words: on time within the minute, else late or early by so many minutes. */
export function delayText(t: T, delayS: number | null | undefined): string {
  if (delayS === null || delayS === undefined) return t('fleet.delay.none');
  const minutes = Math.round(delayS / 60);
  if (minutes === 0) return t('fleet.delay.on_time');
  return minutes > 0
    ? t('fleet.delay.late', { minutes })
    : t('fleet.delay.early', { minutes: -minutes });
}

export function healthText(t: T, row: FleetRow): string {
  if (Object.keys(row.bus.services).length === 0) return t('fleet.health.unknown');
  if (row.unhealthy.length === 0) return t('fleet.health.ok');
  const problems = row.unhealthy.map((service) => {
    const alarms = row.bus.services[service]?.alarms ?? [];
    return alarms.length === 0 ? service : `${service} (${alarms.join(', ')})`;
  });
  return t('fleet.health.problems', { services: problems.join(' · ') });
}

export function agoText(t: T, at: string | null, now: number): string {
  if (at === null) return t('fleet.never');
  const minutes = Math.max(0, Math.floor((now - Date.parse(at)) / 60_000));
  return minutes < 120
    ? t('fleet.ago', { minutes })
    : t('fleet.agoHours', { hours: Math.floor(minutes / 60) });
}
