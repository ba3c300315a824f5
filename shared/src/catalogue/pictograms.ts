// The pictograms every kiosk bundles (Lucide's names): the catalogue's partners and reasons use
// them, and a bus's local partners pick from them, so a pictogram is never missing on screen.
import { z } from 'zod';

export const PICTOGRAMS = [
  'accessibility',
  'armchair',
  'baby',
  'briefcase',
  'building',
  'car',
  'circle-check',
  'circle-help',
  'circle-x',
  'graduation-cap',
  'heart-pulse',
  'hourglass',
  'house',
  'id-card',
  'landmark',
  'leaf',
  'mail',
  'message-circle',
  'message-circle-question',
  'piggy-bank',
  'receipt-euro',
  'repeat',
  'scale',
  'smile',
  'timer',
  'tractor',
  'users',
  'zap',
] as const;

export const Pictogram = z.enum(PICTOGRAMS).meta({
  description: 'A pictogram the kiosk bundles (its Lucide name).',
});
export type Pictogram = z.infer<typeof Pictogram>;
