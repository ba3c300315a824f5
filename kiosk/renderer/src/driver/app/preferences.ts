// What the driver chose on this display (language, day or night theme), kept in the browser's
// storage so that a reload or a restart keeps it.
import { LANGUAGE_CODES, type Language } from '@fsbus/shared';

export type Theme = 'day' | 'night';

export interface Preferences {
  readonly language: Language;
  readonly theme: Theme;
}

const KEY = 'fsbus-driver-preferences';

export function loadPreferences(defaults: Preferences): Preferences {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<
      Record<string, unknown>
    >;
    const language = (LANGUAGE_CODES as readonly unknown[]).includes(stored.language)
      ? (stored.language as Language)
      : defaults.language;
    const theme =
      stored.theme === 'night' || stored.theme === 'day' ? stored.theme : defaults.theme;
    return { language, theme };
  } catch {
    // Storage refused or damaged: the defaults, and the choice lasts until the page reloads.
    return defaults;
  }
}

export function savePreferences(preferences: Preferences): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(preferences));
  } catch {
    // As above: kept for this page only.
  }
}
