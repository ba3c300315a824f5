// The driver display's settings, served by fsbus-kiosk as /driver-config.json from the bus config.
import type { Language } from '@fsbus/shared';

/** Mirrors kiosk/src/server/settings.ts (DriverSettings), as JSON. */
export interface DriverSettings {
  readonly busId: string;
  readonly username: string;
  readonly brokerUrl: string;
  readonly password: string | null;
  /** Languages offered (the kiosk's), the first is the default. */
  readonly languages: readonly [Language, ...Language[]];
  readonly version: string;
}

export async function loadSettings(): Promise<DriverSettings> {
  const response = await fetch('./driver-config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`driver-config.json: HTTP ${String(response.status)}`);
  return (await response.json()) as DriverSettings;
}
