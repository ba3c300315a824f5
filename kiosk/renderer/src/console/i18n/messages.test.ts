import { describe, expect, it } from 'vitest';
import { ALERT_CODES } from '@fsbus/shared';
import { catalogueKit } from '../../i18n/catalogue-kit.js';

const { i18n, source, expectComplete, expectFormats } = catalogueKit(
  `${import.meta.dirname}/messages`,
);

describe('the staff console’s texts', () => {
  it('has a message file for every language of the catalogue, with every key', () => {
    expectComplete();
  });

  it('formats every message with its values, plurals by the language’s own rules', () => {
    expectFormats({
      user: 'marie',
      role: 'équipe',
      error: 'timeout',
      total: 3,
      alerts: 1,
      silent: 2,
      name: 'Mairie',
      minutes: 7,
      hours: 3,
      services: 'bridge',
      count: 2,
      bus: 'bfs-42-001',
      alert: 'late',
      detail: 'at Boën, 20 min late',
      minimum: 1,
      maximum: 40,
      stopId: 'ambazac-mairie',
      date: '2026-11-23',
      zone: 'Europe/Paris',
      offset: '+01:00',
      field: 'stops.0.arrival',
      fields: 'colour',
      problem: 'A date YYYY-MM-DD.',
    });
    i18n.activate('fr');
    expect(i18n._('fleet.summary', { total: 3, alerts: 1, silent: 0 })).toBe(
      '3 bus · 1 bus en alerte · aucun silencieux',
    );
  });

  it('names every alert central raises', () => {
    for (const code of Object.keys(ALERT_CODES)) expect(source('fr')[`alert.${code}`]).toBeTruthy();
  });
});
