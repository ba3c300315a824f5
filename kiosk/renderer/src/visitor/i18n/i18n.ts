// Texts of the kiosk: Lingui with ICU messages (plurals), one catalogue file per language in
// messages/, compiled at build time (../../lingui-catalogs.ts). French first; a language of the
// shared catalogue (LANGUAGES) needs its file here, and a test fails when a key is missing in
// any of them.
import { i18n, type Messages } from '@lingui/core';
import { useLingui } from '@lingui/react';
import { LANGUAGES, type Language } from '@fsbus/shared';
import ar from './messages/ar.json';
import en from './messages/en.json';
import fr from './messages/fr.json';

export type MessageKey = keyof typeof fr;

/** The catalogues as bundled: compiled messages (ICU source text in unit tests). */
const CATALOGUES: Record<Language, Messages> = { fr, en, ar };

export { i18n };

/** Loads every catalogue and starts in `language`. */
export function startI18n(language: Language): void {
  i18n.load(CATALOGUES);
  setLanguage(language);
}

/** Switches the language, and the page's lang and direction with it. */
export function setLanguage(language: Language): void {
  i18n.activate(language);
  document.documentElement.lang = language;
  document.documentElement.dir = LANGUAGES[language].direction;
}

/** The texts of the active language, for a component (it renders again on a switch). */
export function useText(): { t: (key: MessageKey, values?: Record<string, unknown>) => string } {
  const { i18n: active } = useLingui();
  return { t: (key, values) => active._(key, values) };
}
