// Texts of the staff console: one catalogue file per language in messages/ (ICU messages,
// compiled at build time), French first; a test fails when a key is missing in any of them.
import type { Messages } from '@lingui/core';
import type { Language } from '@fsbus/shared';
import { texts } from '../../i18n/texts.js';
import ar from './messages/ar.json';
import en from './messages/en.json';
import fr from './messages/fr.json';

export type MessageKey = keyof typeof fr;

const CATALOGUES: Record<Language, Messages> = { fr, en, ar };

export { i18n } from '../../i18n/texts.js';
export const { start: startI18n, setLanguage, useText } = texts<MessageKey>(CATALOGUES);
