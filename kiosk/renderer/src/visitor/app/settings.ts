// The kiosk's settings, served by fsbus-kiosk (or the Electron shell) from the bus config.
import type { Language, LocalPartner, TurnSeries } from '@fsbus/shared';

/** Mirrors kiosk/src/server/settings.ts (KioskSettings), as JSON. */
export interface Settings {
  readonly busId: string;
  readonly instance: string;
  readonly series: TurnSeries;
  readonly brokerUrl: string;
  readonly password: string | null;
  readonly languages: readonly [Language, ...Language[]];
  readonly idleTimeoutS: number;
  readonly countdownS: number;
  readonly localPartners: readonly LocalPartner[];
  readonly staff: boolean;
  readonly hideCursor: boolean;
  readonly version: string;
}

export async function loadSettings(): Promise<Settings> {
  const response = await fetch('./kiosk-config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`kiosk-config.json: HTTP ${String(response.status)}`);
  return (await response.json()) as Settings;
}
