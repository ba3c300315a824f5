// What the driver chose on this display (language, day or night theme), kept in the browser's
// storage so that a reload or a restart keeps it.
import type { Language } from '@fsbus/shared';

export type Theme = 'day' | 'night';

export interface Preferences {
  readonly language: Language;
  readonly theme: Theme;
}

const KEY = 'fsbus-driver-preferences';

/** What was chosen on this display, among the `languages` offered, else `defaults`. */
export function loadPreferences(
  defaults: Preferences,
  languages: readonly Language[],
): Preferences {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<
      Record<string, unknown>
    >;
    const language = (languages as readonly unknown[]).includes(stored.language)
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
