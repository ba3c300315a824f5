import { describe, expect, it } from 'vitest';
import { LANGUAGE_CODES, LANGUAGES } from './languages.js';
import {
  LocalPartner,
  NATIONAL_PARTNERS,
  PartnerCode,
  THEMES,
  partnerCatalogue,
} from './partners.js';
import { OPINION_REASONS } from './reasons.js';

const renov = LocalPartner.parse({
  code: 'local-france-renov',
  operator: 'France Rénov’',
  label: { fr: 'Rénover mon logement', en: 'Renovating my home', ar: 'ترميم مسكني' },
  icon: 'house',
  theme: 'housing_mobility_mail',
});

describe('partner catalogue', () => {
  it('holds the eleven national operators and "other"', () => {
    expect(NATIONAL_PARTNERS).toHaveLength(12);
    expect(new Set(NATIONAL_PARTNERS.map((p) => p.code)).size).toBe(12);
    expect(NATIONAL_PARTNERS.at(-1)?.code).toBe('other');
  });

  it('labels every partner and reason in every kiosk language, with a pictogram', () => {
    for (const entry of [...NATIONAL_PARTNERS, ...OPINION_REASONS]) {
      for (const language of LANGUAGE_CODES)
        expect(entry.label[language].trim(), `${entry.code}.${language}`).not.toBe('');
      expect(entry.icon).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it('writes the Arabic labels in Arabic script and marks Arabic right-to-left', () => {
    expect(LANGUAGES.ar.direction).toBe('rtl');
    for (const entry of [...NATIONAL_PARTNERS, ...OPINION_REASONS])
      expect(entry.label.ar).toMatch(/[\u0600-\u06ff]/);
  });

  it('files every national partner but "other" under an audit theme', () => {
    for (const partner of NATIONAL_PARTNERS) {
      if (partner.code === 'other') expect(partner.theme).toBeNull();
      else expect(THEMES).toContain(partner.theme);
    }
  });

  it('puts local partners after the national ones and "other" last', () => {
    const codes = partnerCatalogue([renov]).map((p) => p.code);
    expect(codes.at(-2)).toBe('local-france-renov');
    expect(codes.at(-1)).toBe('other');
    expect(codes).toHaveLength(13);
  });

  it('refuses two local partners with the same code', () => {
    expect(() => partnerCatalogue([renov, renov])).toThrow(/duplicate/);
  });

  it('accepts national and local codes, nothing else', () => {
    expect(PartnerCode.safeParse('caf').success).toBe(true);
    expect(PartnerCode.safeParse('local-france-renov').success).toBe(true);
    expect(PartnerCode.safeParse('pole_emploi').success).toBe(false);
    expect(PartnerCode.safeParse('local-').success).toBe(false);
  });

  it('offers reasons for both good and poor ratings, with unique codes', () => {
    expect(new Set(OPINION_REASONS.map((r) => r.code)).size).toBe(OPINION_REASONS.length);
    expect(OPINION_REASONS.some((r) => r.tone === 'positive')).toBe(true);
    expect(OPINION_REASONS.some((r) => r.tone === 'negative')).toBe(true);
  });
});
