// Times and numbers as the console shows them: 24-hour clock in Europe/Paris (the service
// days' zone, whatever the office's), in the console's language.
import type { Language } from '@fsbus/shared';
import { clockTime } from '../../time/time.js';

export const SERVICE_ZONE = 'Europe/Paris';

/** HH:MM of an ISO time (UTC, or local with its offset), in the service zone. */
export function clock(iso: string | null, language: Language): string {
  return iso === null ? '—' : clockTime(iso, language, SERVICE_ZONE);
}

/** A number in the language's own way. */
export function number(value: number, language: Language): string {
  return new Intl.NumberFormat(language).format(value);
}

/** A percentage (0-100) in the language's own way, e.g. "61,2 %" in French. */
export function percent(value: number, language: Language): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(
    value / 100,
  );
}
