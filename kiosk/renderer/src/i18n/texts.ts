// What every screen app does with its texts: Lingui with ICU messages, one compiled catalogue
// per language (see ../../lingui-catalogs.ts), the page's lang and direction following the
// language. Each app has its own catalogues (visitor/i18n/, driver/i18n/) and keys.
import { i18n, type Messages } from '@lingui/core';
import { useLingui } from '@lingui/react';
import { LANGUAGES, type Language } from '@fsbus/shared';

export { i18n };

export interface Texts<Key extends string> {
  /** Loads every catalogue and starts in `language`. */
  readonly start: (language: Language) => void;
  /** Switches the language, and the page's lang and direction with it. */
  readonly setLanguage: (language: Language) => void;
  /** The texts of the active language, for a component (it renders again on a switch). */
  readonly useText: () => { t: (key: Key, values?: Record<string, unknown>) => string };
}

export function texts<Key extends string>(catalogues: Record<Language, Messages>): Texts<Key> {
  const setLanguage = (language: Language) => {
    i18n.activate(language);
    document.documentElement.lang = language;
    document.documentElement.dir = LANGUAGES[language].direction;
  };
  return {
    start: (language) => {
      i18n.load(catalogues);
      setLanguage(language);
    },
    setLanguage,
    useText: () => {
      const { i18n: active } = useLingui();
      return { t: (key, values) => active._(key, values) };
    },
  };
}
