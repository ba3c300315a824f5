import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setupI18n, type Messages } from '@lingui/core';
import { describe, expect, it } from 'vitest';
import {
  LANGUAGE_CODES,
  NATIONAL_PARTNERS,
  OPINION_REASONS,
  PICTOGRAMS,
  type Language,
} from '@fsbus/shared';
import { compileCatalogue } from '../../../lingui-catalogs.js';
import { ICONS } from '../app/icons.js';

const file = (language: Language) => path.join(import.meta.dirname, 'messages', `${language}.json`);
const source = (language: Language) =>
  JSON.parse(readFileSync(file(language), 'utf8')) as Record<string, string>;
/** The catalogues as the build compiles them, in one Lingui instance. */
const i18n = setupI18n({
  messages: Object.fromEntries(
    LANGUAGE_CODES.map((language) => [
      language,
      compileCatalogue(file(language), readFileSync(file(language), 'utf8')) as Messages,
    ]),
  ),
});

describe('the kiosk texts', () => {
  it('has a message file for every language of the catalogue, with every key', () => {
    const keys = Object.keys(source('fr')).sort();
    for (const language of LANGUAGE_CODES) {
      const messages = source(language);
      expect(Object.keys(messages).sort(), language).toEqual(keys);
      for (const key of keys) expect(messages[key]?.trim(), `${language} ${key}`).not.toBe('');
    }
  });

  it('formats every message with its values, ICU plurals by the language’s own rules', () => {
    const values = {
      count: 2,
      minutes: 5,
      seconds: 11,
      number: 'A 3',
      digit: '7',
      name: 'Mairie',
      commune: 'Ambazac',
      from: '9:30',
      to: '12:00',
      time: '14:00',
    };
    for (const language of LANGUAGE_CODES) {
      i18n.activate(language);
      for (const key of Object.keys(source(language))) {
        const out = i18n._(key, values);
        // Formatted, not the id or the source text: no "{" left, no key echoed.
        expect(out, `${language} ${key}`).not.toMatch(/[{}]/);
        expect(out, `${language} ${key}`).not.toBe(key);
      }
    }
    i18n.activate('fr');
    expect(i18n._('turn.before', { count: 1 })).toBe('1 personne attend avant vous.');
    expect(i18n._('turn.before', { count: 3 })).toBe('3 personnes attendent avant vous.');
    i18n.activate('ar');
    expect(i18n._('turn.before', { count: 2 })).toBe('شخصان ينتظران قبلك.');
  });

  it('fails the build on a malformed message, naming its file and key', () => {
    expect(() =>
      compileCatalogue('/x/fr.json', '{"turn.before": "{count, plural, one {#"}'),
    ).toThrow(/^fr\.json: turn\.before: /);
  });

  it('bundles every pictogram of the catalogue, and only those', () => {
    expect(Object.keys(ICONS).sort()).toEqual([...PICTOGRAMS].sort());
    for (const entry of [...NATIONAL_PARTNERS, ...OPINION_REASONS])
      expect(ICONS[entry.icon], entry.icon).toBeDefined();
  });
});
