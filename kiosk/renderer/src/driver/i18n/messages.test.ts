import { describe, expect, it } from 'vitest';
import { catalogueKit } from '../../i18n/catalogue-kit.js';

const { i18n, expectComplete, expectFormats } = catalogueKit(`${import.meta.dirname}/messages`);

describe('the driver display’s texts', () => {
  it('has a message file for every language of the catalogue, with every key', () => {
    expectComplete();
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
    expectFormats(values);
    i18n.activate('fr');
    expect(i18n._('queue.waiting', { count: 1 })).toBe('1 personne attend.');
    expect(i18n._('health.central.offline', { waiting: 42, minutes: 25 })).toBe(
      'Hors ligne, tout est gardé · 42 messages en attente depuis 25 min',
    );
  });
});
