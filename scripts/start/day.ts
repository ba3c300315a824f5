// The services of a simulated day, as npm start runs them (and the whole-day test): central
// first, then the bus's broker, bridge and kiosk server, each on the simulated bus's config
// pointed at this data folder, these ports and central.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VisitorSimulator } from '../../kiosk/src/simulator/visitors.js';
import { TourPlanner, type TourPlannerOptions } from './planner.js';
import type { ServiceSpec } from './services.js';
import { BUS_ID, ROOT, STAFF_USER, type Layout, type Ports } from './setup.js';

/** The simulated bus's config. */
export const BUS_CONFIG = path.join(ROOT, 'config/simulation.yaml');

export interface DayOptions {
  /** How many times faster than real time the bus lives its day. */
  readonly speed: number;
  /** Fixes per real second of the simulated receiver (default the config's, 1). */
  readonly rateHz?: number;
}

/** The bus's config overrides, as FSBUS_* variables. */
export function busEnvironment(
  layout: Layout,
  ports: Ports,
  options: DayOptions,
): Record<string, string> {
  return {
    FSBUS_DATA_DIR: layout.busDataDir,
    FSBUS_BROKER__TCP_PORT: String(ports.busMqtt),
    FSBUS_BROKER__WS_PORT: String(ports.busWs),
    FSBUS_BRIDGE__BROKER_URL: `mqtt://127.0.0.1:${String(ports.busMqtt)}`,
    FSBUS_KIOSK__BROKER_URL: `ws://127.0.0.1:${String(ports.busWs)}/mqtt`,
    FSBUS_DRIVER__BROKER_URL: `ws://127.0.0.1:${String(ports.busWs)}/mqtt`,
    FSBUS_KIOSK__HTTP__PORT: String(ports.kiosk),
    FSBUS_CENTRAL__URL: `mqtt://127.0.0.1:${String(ports.centralMqtt)}`,
    FSBUS_CENTRAL__PASSWORD_FILE: layout.busPasswordFile,
    FSBUS_GNSS__SIMULATOR__SPEED: String(options.speed),
    ...(options.rateHz === undefined
      ? {}
      : { FSBUS_GNSS__SIMULATOR__RATE_HZ: String(options.rateHz) }),
  };
}

/** In order: central first, so the bus finds it; each one waits for the one before. */
export function dayServices(layout: Layout, ports: Ports, options: DayOptions): ServiceSpec[] {
  const env = busEnvironment(layout, ports, options);
  const onBoard = (name: string, bin: string, readyPort: number): ServiceSpec => ({
    name,
    bin: path.join(ROOT, bin),
    args: ['--config', BUS_CONFIG],
    env,
    readyPort,
  });
  return [
    {
      name: 'central',
      bin: path.join(ROOT, 'broker/bin/fsbus-central.js'),
      args: ['--config', layout.centralConfig],
      readyPort: ports.centralHttp,
    },
    onBoard('broker', 'broker/bin/fsbus-broker.js', ports.busMqtt),
    // The bridge listens on nothing: it is up once it runs (the broker's port is already open).
    onBoard('bridge', 'firmware-bridge/bin/fsbus-bridge.js', ports.busMqtt),
    onBoard('kiosk', 'kiosk/bin/fsbus-kiosk.js', ports.kiosk),
  ];
}

/** npm start's planner: the bus's own tours, published from central by the staff planner. */
export function tourPlanner(
  layout: Layout,
  ports: Ports,
  said: Pick<TourPlannerOptions, 'onProblem' | 'onPublished' | 'onLeftAside'>,
): TourPlanner {
  return new TourPlanner({
    ...said,
    busId: BUS_ID,
    busMqttUrl: `mqtt://127.0.0.1:${String(ports.busMqtt)}`,
    centralMqttUrl: `mqtt://127.0.0.1:${String(ports.centralMqtt)}`,
    username: STAFF_USER,
    password: readFileSync(layout.staffPasswordFile, 'utf8').trim(),
  });
}

/** People checking in at the simulated visitors' kiosk per hour at a permanence (bus time). */
export const KIOSK_VISITORS_PER_HOUR = 8;

/** A development password of the simulated bus's accounts (config/simulation-*.password). */
function simulationPassword(name: string): string {
  return readFileSync(path.join(ROOT, 'config', `simulation-${name}.password`), 'utf8').trim();
}

/**
 * The simulated visitors: they check in at kiosk-2 (kiosk-1 stays free for a person), and the
 * adviser calls them from the driver's account.
 */
export function simulatedVisitors(ports: Ports, speed: number): VisitorSimulator {
  return new VisitorSimulator({
    brokerUrl: `mqtt://127.0.0.1:${String(ports.busMqtt)}`,
    busId: BUS_ID,
    kiosk: { username: 'kiosk-2', password: simulationPassword('kiosk') },
    adviser: { username: 'driver', password: simulationPassword('driver') },
    visitorsPerHour: KIOSK_VISITORS_PER_HOUR,
    speed,
  });
}
