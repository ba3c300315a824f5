// Texts of the kiosk: i18next with ICU messages (plurals), one catalogue file per language in
// messages/. French first; a language of the shared catalogue (LANGUAGES) needs its file here,
// and a test fails when a key is missing in any of them.
import i18next from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, type Language } from '@fsbus/shared';
import ar from './messages/ar.json';
import en from './messages/en.json';
import fr from './messages/fr.json';

export const MESSAGES: Record<Language, Record<string, string>> = { fr, en, ar };

export type MessageKey = keyof typeof fr;

export async function startI18n(language: Language): Promise<void> {
  await i18next
    .use(ICU)
    .use(initReactI18next)
    .init({
      lng: language,
      fallbackLng: false,
      resources: Object.fromEntries(
        Object.entries(MESSAGES).map(([code, messages]) => [code, { translation: messages }]),
      ),
      // Keys contain dots; there is no nesting.
      keySeparator: false,
      nsSeparator: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
}

/** Switches the language, and the page's lang and direction with it. */
export async function setLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
  document.documentElement.dir = LANGUAGES[language].direction;
}
