import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setupI18n, type Messages } from '@lingui/core';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_CODES, type Language } from '@fsbus/shared';
import { compileCatalogue } from '../../../lingui-catalogs.js';

const file = (language: Language) => path.join(import.meta.dirname, 'messages', `${language}.json`);
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

describe('the driver display’s texts', () => {
  it('has a message file for every language of the catalogue, with every key', () => {
    const keys = Object.keys(source('fr')).sort();
    for (const language of LANGUAGE_CODES) {
      const messages = source(language);
      expect(Object.keys(messages).sort(), language).toEqual(keys);
      for (const key of keys) expect(messages[key]?.trim(), `${language} ${key}`).not.toBe('');
    }
  });

  it('formats every message with its values, plurals by the language’s own rules', () => {
    const values = {
      bus: 'sim-bus-01',
      time: '09:30',
      part: 'GPS',
      state: 'OK',
      name: 'Mairie',
      commune: 'Ambazac',
      from: '09:30',
      to: '12:00',
      minutes: 7,
      scheduled: '13:45',
      eta: '13:52',
      km: '4,5',
      count: 3,
      turn: 'A 3',
      visits: 2,
      opinions: 1,
      waiting: 42,
    };
    for (const language of LANGUAGE_CODES) {
      i18n.activate(language);
      for (const key of Object.keys(source(language))) {
        const out = i18n._(key, values);
        expect(out, `${language} ${key}`).not.toMatch(/[{}]/);
        expect(out, `${language} ${key}`).not.toBe(key);
      }
    }
    i18n.activate('fr');
    expect(i18n._('queue.waiting', { count: 1 })).toBe('1 personne attend.');
    expect(i18n._('health.central.offline', { waiting: 42, minutes: 25 })).toBe(
      'Hors ligne, tout est gardé · 42 messages en attente depuis 25 min',
    );
  });
});
