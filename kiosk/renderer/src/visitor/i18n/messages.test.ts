import { describe, expect, it } from 'vitest';
import { NATIONAL_PARTNERS, OPINION_REASONS, PICTOGRAMS } from '@fsbus/shared';
import { compileCatalogue } from '../../../lingui-catalogs.js';
import { catalogueKit } from '../../i18n/catalogue-kit.js';
import { ICONS } from '../app/icons.js';

const { i18n, expectComplete, expectFormats } = catalogueKit(`${import.meta.dirname}/messages`);

describe('the kiosk texts', () => {
  it('has a message file for every language of the catalogue, with every key', () => {
    expectComplete();
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
    expectFormats(values);
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
