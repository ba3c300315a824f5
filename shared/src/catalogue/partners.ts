// The partner catalogue: what a visitor can come for, with labels, pictograms and audit themes.
import { z } from 'zod';
import type { Labels } from './languages.js';
import { Labels as LabelsSchema } from './languages.js';
import { Pictogram } from './pictograms.js';

/** The six themes the national audit groups requests in. */
export const THEMES = [
  'training_jobs_pensions',
  'justice',
  'health',
  'budget',
  'civil_status_family',
  'housing_mobility_mail',
] as const;
export type Theme = (typeof THEMES)[number];

export interface Partner {
  /** Stable code carried in visits and opinions. Never renamed: add a new code instead. */
  readonly code: string;
  /** Who runs it (for staff and reports). */
  readonly operator: string;
  /** What the visitor reads on the button: plain words about the need, not the acronym. */
  readonly label: Labels;
  /** Pictogram shown with every label. */
  readonly icon: Pictogram;
  /** Audit theme; null for "other". */
  readonly theme: Theme | null;
}

/**
 * The eleven national operators of every France services, then "other / I don't know",
 * which is always offered. Order is the kiosk's order.
 */
export const NATIONAL_PARTNERS = [
  {
    code: 'france_titres',
    operator: 'France Titres (ministère de l’Intérieur)',
    label: {
      fr: 'Carte d’identité, passeport, permis de conduire, carte grise',
      en: 'ID card, passport, driving licence, vehicle registration',
      ar: 'بطاقة الهوية، جواز السفر، رخصة القيادة، البطاقة الرمادية',
    },
    icon: 'id-card',
    theme: 'civil_status_family',
  },
  {
    code: 'justice',
    operator: 'Ministère de la Justice',
    label: {
      fr: 'Justice : vos droits, aide juridictionnelle, tribunal',
      en: 'Justice: your rights, legal aid, court',
      ar: 'العدالة: حقوقك، المساعدة القضائية، المحكمة',
    },
    icon: 'scale',
    theme: 'justice',
  },
  {
    code: 'impots',
    operator: 'Direction générale des Finances publiques (DGFiP)',
    label: {
      fr: 'Impôts : déclaration, paiement, questions',
      en: 'Taxes: tax return, payment, questions',
      ar: 'الضرائب: التصريح الضريبي، الدفع، الأسئلة',
    },
    icon: 'receipt-euro',
    theme: 'budget',
  },
  {
    code: 'france_travail',
    operator: 'France Travail',
    label: {
      fr: 'Emploi, chômage',
      en: 'Jobs, unemployment benefits',
      ar: 'العمل، إعانة البطالة',
    },
    icon: 'briefcase',
    theme: 'training_jobs_pensions',
  },
  {
    code: 'assurance_maladie',
    operator: 'Assurance Maladie (CNAM, CPAM)',
    label: {
      fr: 'Santé : carte Vitale, remboursements',
      en: 'Health insurance: carte Vitale, reimbursements',
      ar: 'التأمين الصحي: بطاقة فيتال، استرداد المصاريف',
    },
    icon: 'heart-pulse',
    theme: 'health',
  },
  {
    code: 'assurance_retraite',
    operator: 'Assurance retraite (CNAV, Carsat)',
    label: {
      fr: 'Retraite',
      en: 'Pension',
      ar: 'التقاعد',
    },
    icon: 'armchair',
    theme: 'training_jobs_pensions',
  },
  {
    code: 'caf',
    operator: 'Caisse d’allocations familiales (CNAF, CAF)',
    label: {
      fr: 'CAF : allocations familiales, logement, RSA, prime d’activité',
      en: 'CAF: family and housing benefits, RSA, activity bonus',
      ar: 'صندوق المنح العائلية (CAF): المنح العائلية، مساعدة السكن، RSA، منحة النشاط',
    },
    icon: 'users',
    theme: 'civil_status_family',
  },
  {
    code: 'msa',
    operator: 'Mutualité sociale agricole (MSA)',
    label: {
      fr: 'MSA : protection sociale agricole',
      en: 'MSA: farmers’ social security',
      ar: 'الضمان الاجتماعي الفلاحي (MSA)',
    },
    icon: 'tractor',
    // MSA also pays farmers' pensions and family benefits; health is where most requests go.
    theme: 'health',
  },
  {
    code: 'la_poste',
    operator: 'La Poste',
    label: {
      fr: 'La Poste : courrier, colis, banque',
      en: 'La Poste: mail, parcels, banking',
      ar: 'البريد: الرسائل، الطرود، البنك',
    },
    icon: 'mail',
    theme: 'housing_mobility_mail',
  },
  {
    code: 'agirc_arrco',
    operator: 'Agirc-Arrco',
    label: {
      fr: 'Retraite complémentaire',
      en: 'Supplementary pension',
      ar: 'التقاعد التكميلي',
    },
    icon: 'piggy-bank',
    theme: 'training_jobs_pensions',
  },
  {
    code: 'cheque_energie',
    operator: 'Chèque énergie (ministère de la Transition écologique)',
    label: {
      fr: 'Chèque énergie',
      en: 'Energy voucher',
      ar: 'شيك الطاقة',
    },
    icon: 'zap',
    theme: 'housing_mobility_mail',
  },
  {
    code: 'other',
    operator: 'France services',
    label: {
      fr: 'Autre chose / je ne sais pas',
      en: 'Something else / I don’t know',
      ar: 'شيء آخر / لا أعرف',
    },
    icon: 'circle-help',
    theme: null,
  },
] as const satisfies readonly Partner[];

export type NationalPartnerCode = (typeof NATIONAL_PARTNERS)[number]['code'];

export const NATIONAL_PARTNER_CODES = NATIONAL_PARTNERS.map((p) => p.code) as [
  NationalPartnerCode,
  ...NationalPartnerCode[],
];

/** How many local partners a bus may add (kiosk.localPartners). */
export const LOCAL_PARTNERS_MAX = 8;

/** Local partners (e.g. a France Rénov' permanence) are declared per bus, coded `local-…`. */
export const LOCAL_PARTNER_PATTERN = /^local-[a-z0-9][a-z0-9-]{0,31}$/;

export const PartnerCode = z
  .union([
    z.enum(NATIONAL_PARTNER_CODES),
    z.string().regex(LOCAL_PARTNER_PATTERN, {
      error: `a national partner code (${NATIONAL_PARTNER_CODES.join(', ')}) or a local one "local-…"`,
    }),
  ])
  .meta({
    description:
      'A national partner code, or a local partner "local-…" declared in the bus config (kiosk.localPartners).',
  });
export type PartnerCode = z.infer<typeof PartnerCode>;

/** A local partner as declared in a bus's config. */
export const LocalPartner = z.strictObject({
  code: z.string().regex(LOCAL_PARTNER_PATTERN, {
    error: 'a code "local-" followed by 1-32 lowercase letters, digits or "-"',
  }),
  operator: z.string().min(1).max(120),
  label: LabelsSchema,
  icon: Pictogram,
  theme: z.enum(THEMES).nullable(),
});
export type LocalPartner = z.infer<typeof LocalPartner>;

/**
 * The partners a bus offers, in kiosk order: national ones, then the bus's local ones,
 * then "other" last. Local codes must be unique.
 */
export function partnerCatalogue(localPartners: readonly LocalPartner[] = []): readonly Partner[] {
  const seen = new Set<string>();
  for (const local of localPartners) {
    if (seen.has(local.code)) throw new Error(`duplicate local partner code ${local.code}`);
    seen.add(local.code);
  }
  const national: readonly Partner[] = NATIONAL_PARTNERS;
  const other = national.filter((p) => p.code === 'other');
  return [...national.filter((p) => p.code !== 'other'), ...localPartners, ...other];
}
