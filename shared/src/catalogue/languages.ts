// Languages the kiosk speaks: French first, then English and Arabic (right-to-left).
import { z } from 'zod';

/** Every language with a full set of catalogue labels; adding one is a data change here. */
export const LANGUAGES = {
  fr: { name: 'Français', direction: 'ltr' },
  en: { name: 'English', direction: 'ltr' },
  ar: { name: 'العربية', direction: 'rtl' },
} as const;

export type Language = keyof typeof LANGUAGES;

export const LANGUAGE_CODES = Object.keys(LANGUAGES) as [Language, ...Language[]];

export const Language = z
  .enum(LANGUAGE_CODES)
  .meta({ description: 'Language chosen on the kiosk (ISO 639-1).' });

/** A text in every kiosk language. */
export type Labels = Readonly<Record<Language, string>>;

export const Labels = z.strictObject(
  Object.fromEntries(LANGUAGE_CODES.map((code) => [code, z.string().min(1).max(160)])) as Record<
    Language,
    z.ZodString
  >,
);
