// What the screens need to run, from the bus config: the kiosk's, served as /kiosk-config.json
// by the kiosk server (and by the Electron shell's app:// protocol), and the driver display's,
// as /driver-config.json. The staff PIN's hash stays here: the screen asks the server to check
// a PIN.
import { kioskSeries, type Config, type Language, type TurnSeries } from '@fsbus/shared';

export interface KioskSettings {
  readonly busId: string;
  /** This kiosk's name: its broker user name and the `source` of its messages. */
  readonly instance: string;
  /** Its turn series letter (kiosk-1: A). */
  readonly series: TurnSeries;
  readonly brokerUrl: string;
  readonly password: string | null;
  /** Languages offered, the first is the default. */
  readonly languages: readonly Language[];
  readonly idleTimeoutS: number;
  readonly countdownS: number;
  readonly localPartners: Config['kiosk']['localPartners'];
  /** A staff corner exists (a PIN is configured). */
  readonly staff: boolean;
  readonly hideCursor: boolean;
}

export function kioskSettings(config: Config, password: string | null): KioskSettings {
  const { kiosk } = config;
  const series = kioskSeries(kiosk.instance);
  // The config schema allows kiosk-1 ... kiosk-26 only, each with its letter.
  if (series === null) throw new TypeError(`kiosk.instance ${kiosk.instance} has no series`);
  return {
    busId: config.busId,
    instance: kiosk.instance,
    series,
    brokerUrl: kiosk.brokerUrl,
    password,
    languages: kiosk.languages,
    idleTimeoutS: kiosk.idleTimeoutS,
    countdownS: kiosk.countdownS,
    localPartners: kiosk.localPartners,
    staff: kiosk.staffPinHash !== null,
    hideCursor: kiosk.hideCursor,
  };
}

export interface DriverSettings {
  readonly busId: string;
  /** The display's user name on the on-board broker (role driver). */
  readonly username: string;
  readonly brokerUrl: string;
  readonly password: string | null;
  /** The kiosk's languages: the same people read both screens. */
  readonly languages: readonly Language[];
}

export function driverSettings(config: Config, password: string | null): DriverSettings {
  const { driver } = config;
  return {
    busId: config.busId,
    username: driver.username,
    brokerUrl: driver.brokerUrl,
    password,
    languages: config.kiosk.languages,
  };
}
