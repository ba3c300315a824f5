// Predefined reasons a visitor may tick with an opinion: the only words an opinion can carry.
import { z } from 'zod';
import type { Labels } from './languages.js';
import type { Pictogram } from './pictograms.js';

export interface OpinionReason {
  readonly code: string;
  /** Whether the reason is offered after a good (3-4) or a poor (1-2) rating. */
  readonly tone: 'positive' | 'negative';
  readonly label: Labels;
  readonly icon: Pictogram;
}

export const OPINION_REASONS = [
  {
    code: 'problem_solved',
    tone: 'positive',
    label: { fr: 'Mon problème est réglé', en: 'My problem is solved', ar: 'تم حل مشكلتي' },
    icon: 'circle-check',
  },
  {
    code: 'clear_explanations',
    tone: 'positive',
    label: { fr: 'On m’a bien expliqué', en: 'It was well explained', ar: 'تم شرح الأمور بوضوح' },
    icon: 'message-circle',
  },
  {
    code: 'friendly_welcome',
    tone: 'positive',
    label: { fr: 'Bon accueil', en: 'Friendly welcome', ar: 'استقبال جيد' },
    icon: 'smile',
  },
  {
    code: 'short_wait',
    tone: 'positive',
    label: { fr: 'Attente courte', en: 'Short wait', ar: 'انتظار قصير' },
    icon: 'timer',
  },
  {
    code: 'not_solved',
    tone: 'negative',
    label: {
      fr: 'Mon problème n’est pas réglé',
      en: 'My problem is not solved',
      ar: 'لم تُحل مشكلتي',
    },
    icon: 'circle-x',
  },
  {
    code: 'hard_to_understand',
    tone: 'negative',
    label: { fr: 'Difficile à comprendre', en: 'Hard to understand', ar: 'صعب الفهم' },
    icon: 'message-circle-question',
  },
  {
    code: 'long_wait',
    tone: 'negative',
    label: { fr: 'Attente trop longue', en: 'Waited too long', ar: 'انتظار طويل جدا' },
    icon: 'hourglass',
  },
  {
    code: 'must_come_back',
    tone: 'negative',
    label: { fr: 'Je dois revenir', en: 'I have to come back', ar: 'عليّ أن أعود مرة أخرى' },
    icon: 'repeat',
  },
  {
    code: 'hard_access',
    tone: 'negative',
    label: {
      fr: 'Bus difficile d’accès',
      en: 'Bus hard to get into',
      ar: 'صعوبة الدخول إلى الحافلة',
    },
    icon: 'accessibility',
  },
] as const satisfies readonly OpinionReason[];

export type ReasonCode = (typeof OPINION_REASONS)[number]['code'];

export const ReasonCode = z
  .enum(OPINION_REASONS.map((r) => r.code) as [ReasonCode, ...ReasonCode[]])
  .meta({ description: 'A predefined opinion reason from the catalogue.' });
