import { describe, expect, it } from 'vitest';
import IntlMessageFormat from 'intl-messageformat';
import { LANGUAGE_CODES, NATIONAL_PARTNERS, OPINION_REASONS, PICTOGRAMS } from '@fsbus/shared';
import { MESSAGES } from './i18n.js';
import { ICONS } from '../app/icons.js';

describe('the kiosk texts', () => {
  it('has a message file for every language of the catalogue, with every key', () => {
    const keys = Object.keys(MESSAGES.fr).sort();
    for (const language of LANGUAGE_CODES) {
      expect(Object.keys(MESSAGES[language]).sort(), language).toEqual(keys);
      for (const key of keys) expect(MESSAGES[language][key], `${language} ${key}`).not.toBe('');
    }
  });

  it('parses every message as ICU, with plurals for the language', () => {
    for (const language of LANGUAGE_CODES) {
      for (const [key, text] of Object.entries(MESSAGES[language])) {
        const format = new IntlMessageFormat(text, language);
        const values = { count: 2, minutes: 5, seconds: 11, number: 'A 3', digit: '7' };
        const out = format.format({
          ...values,
          name: 'Mairie',
          commune: 'Ambazac',
          from: '9:30',
          to: '12:00',
          time: '14:00',
        });
        expect(typeof out, `${language} ${key}`).toBe('string');
      }
    }
    expect(new IntlMessageFormat(MESSAGES.fr['turn.before'] ?? '', 'fr').format({ count: 1 })).toBe(
      '1 personne attend avant vous.',
    );
    expect(new IntlMessageFormat(MESSAGES.ar['turn.before'] ?? '', 'ar').format({ count: 2 })).toBe(
      'شخصان ينتظران قبلك.',
    );
  });

  it('bundles every pictogram of the catalogue, and only those', () => {
    expect(Object.keys(ICONS).sort()).toEqual([...PICTOGRAMS].sort());
    for (const entry of [...NATIONAL_PARTNERS, ...OPINION_REASONS])
      expect(ICONS[entry.icon], entry.icon).toBeDefined();
  });
});
