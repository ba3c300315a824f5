// What each app's message test reads: its catalogues' sources and the same catalogues compiled
// as the build compiles them, in one Lingui instance; and the checks every app's texts pass.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setupI18n, type I18n, type Messages } from '@lingui/core';
import { expect } from 'vitest';
import { LANGUAGE_CODES, type Language } from '@fsbus/shared';
import { compileCatalogue } from '../../lingui-catalogs.js';

export interface CatalogueKit {
  /** One language's messages as written. */
  readonly source: (language: Language) => Record<string, string>;
  /** Every language compiled, in one Lingui instance. */
  readonly i18n: I18n;
  /** Every language has every key of French, none empty. */
  readonly expectComplete: () => void;
  /** Every message of every language formats with `values`: no brace left, not its key. */
  readonly expectFormats: (values: Record<string, unknown>) => void;
}

/** The kit of the catalogues in `folder` (an app's i18n/messages/). */
export function catalogueKit(folder: string): CatalogueKit {
  const file = (language: Language) => path.join(folder, `${language}.json`);
  const source = (language: Language) =>
    JSON.parse(readFileSync(file(language), 'utf8')) as Record<string, string>;
  const i18n = setupI18n({
    messages: Object.fromEntries(
      LANGUAGE_CODES.map((language) => [
        language,
        compileCatalogue(file(language), readFileSync(file(language), 'utf8')) as Messages,
      ]),
    ),
  });
  return {
    source,
    i18n,
    expectComplete: () => {
      const keys = Object.keys(source('fr')).sort();
      for (const language of LANGUAGE_CODES) {
        const messages = source(language);
        expect(Object.keys(messages).sort(), language).toEqual(keys);
        for (const key of keys) expect(messages[key]?.trim(), `${language} ${key}`).not.toBe('');
      }
    },
    expectFormats: (values) => {
      for (const language of LANGUAGE_CODES) {
        i18n.activate(language);
        for (const key of Object.keys(source(language))) {
          const out = i18n._(key, values);
          expect(out, `${language} ${key}`).not.toMatch(/[{}]/);
          expect(out, `${language} ${key}`).not.toBe(key);
        }
      }
    },
  };
}
