// The console's language, kept per browser.
import { LANGUAGE_CODES, type Language } from '@fsbus/shared';

const KEY = 'fsbus-console-language';

export function savedLanguage(): Language {
  const saved = localStorage.getItem(KEY);
  return (LANGUAGE_CODES as readonly string[]).includes(saved ?? '') ? (saved as Language) : 'fr';
}

export function saveLanguage(language: Language): void {
  localStorage.setItem(KEY, language);
}
