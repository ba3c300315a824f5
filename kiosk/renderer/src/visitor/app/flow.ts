// The visitor's path through the screens, as one reducer: what is on screen and what the
// visitor chose so far. Going home clears everything.
import type { Language, PartnerCode, ReasonCode } from '@fsbus/shared';
import type { IssuedTurn } from '../delivery/facts.js';

export type Screen = 'welcome' | 'why' | 'turn' | 'opinion' | 'reasons' | 'thanks';

export interface Flow {
  readonly screen: Screen;
  readonly language: Language;
  readonly largeText: boolean;
  readonly contrast: boolean;
  readonly partners: readonly PartnerCode[];
  readonly firstVisit: boolean | null;
  readonly turn: IssuedTurn | null;
  readonly rating: 1 | 2 | 3 | 4 | null;
  readonly reasons: readonly ReasonCode[];
}

export type FlowAction =
  | { type: 'home' }
  | { type: 'language'; language: Language }
  | { type: 'largeText'; on: boolean }
  | { type: 'contrast'; on: boolean }
  | { type: 'go'; screen: Screen }
  | { type: 'partners'; partners: readonly PartnerCode[] }
  | { type: 'firstVisit'; value: boolean | null }
  | { type: 'turn'; turn: IssuedTurn }
  | { type: 'rating'; rating: 1 | 2 | 3 | 4 }
  | { type: 'reasons'; reasons: readonly ReasonCode[] };

export function initialFlow(language: Language): Flow {
  return {
    screen: 'welcome',
    language,
    largeText: false,
    contrast: false,
    partners: [],
    firstVisit: null,
    turn: null,
    rating: null,
    reasons: [],
  };
}

export function flowReducer(defaultLanguage: Language) {
  return (flow: Flow, action: FlowAction): Flow => {
    switch (action.type) {
      case 'home':
        return initialFlow(defaultLanguage);
      case 'language':
        return { ...flow, language: action.language };
      case 'largeText':
        return { ...flow, largeText: action.on };
      case 'contrast':
        return { ...flow, contrast: action.on };
      case 'go':
        return { ...flow, screen: action.screen };
      case 'partners':
        return { ...flow, partners: action.partners };
      case 'firstVisit':
        return { ...flow, firstVisit: action.value };
      case 'turn':
        return { ...flow, turn: action.turn, screen: 'turn' };
      case 'rating':
        return { ...flow, rating: action.rating, reasons: [], screen: 'reasons' };
      case 'reasons':
        return { ...flow, reasons: action.reasons };
    }
  };
}

/** The visitor's screen is at rest: nothing to clear when idle. */
export function atRest(flow: Flow, defaultLanguage: Language): boolean {
  return (
    flow.screen === 'welcome' &&
    flow.language === defaultLanguage &&
    !flow.largeText &&
    !flow.contrast
  );
}
