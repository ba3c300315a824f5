// npm start: a whole simulated bus day on this machine, with no hardware and nothing to install.
// fsbus-central (its recorder and the staff API), then the bus: its broker, the bridge fed by the
// route and door counter simulators, and the kiosk screen with the driver display; a planner
// that publishes the bus's tour from central, and simulated visitors. Data in
// ./.fsbus/ (--data DIR); a second start resumes. Ctrl-C stops everything within 5 s.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { canListen } from '@fsbus/shared/node';
import type { VisitorSimulator } from '../kiosk/src/simulator/visitors.js';
import { dayServices, simulatedVisitors, tourPlanner } from './start/day.js';
import type { TourPlanner } from './start/planner.js';
import { Services } from './start/services.js';
import {
  BUS_ID,
  DEFAULT_PORTS,
  STAFF_USER,
  freePorts,
  layoutOf,
  prepare,
  type Ports,
} from './start/setup.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '.fsbus' },
    // Tests: every port chosen free, so that a run beside another does not clash.
    'free-ports': { type: 'boolean', default: false },
    // The simulated day this many times faster than real time.
    speed: { type: 'string', default: '1' },
    // Simulated visitors at a second kiosk (off: only people use the kiosk).
    visitors: { type: 'string', default: 'on' },
  },
});
const speed = Number(values.speed);
if (!Number.isFinite(speed) || speed < 1 || speed > 600) {
  console.error(`npm start: --speed ${values.speed}: expected a number from 1 to 600`);
  process.exit(2);
}

async function portsToUse(): Promise<Ports> {
  return values['free-ports'] ? freePorts() : DEFAULT_PORTS;
}

const layout = layoutOf(path.resolve(values.data));
const ports = await portsToUse();
const USES: Readonly<Record<keyof Ports, string>> = {
  busMqtt: "the bus's MQTT",
  busWs: "the bus's MQTT over WebSocket",
  kiosk: 'the kiosk screen and the driver display',
  centralMqtt: "central's MQTT",
  centralHttp: "central's staff console and API",
};
const taken: string[] = [];
for (const key of Object.keys(USES) as (keyof Ports)[])
  // A service that finds its port taken could not start.
  if (!(await canListen(ports[key]))) taken.push(`${String(ports[key])} (${USES[key]})`);
if (taken.length > 0) {
  console.error(
    `npm start: port ${taken.join(', ')} already in use: another npm start, or another program? Stop it first.`,
  );
  process.exit(1);
}
prepare(layout, ports);

if (values.visitors !== 'on' && values.visitors !== 'off') {
  console.error(`npm start: --visitors ${values.visitors}: expected on or off`);
  process.exit(2);
}

const services = new Services(layout.logDir);
let visitors: VisitorSimulator | null = null;
let planner: TourPlanner | null = null;
let stopping: Promise<void> | undefined;
const stop = (code: number) => {
  stopping ??= (visitors?.stop() ?? Promise.resolve())
    .then(() => planner?.stop())
    .then(() => services.stop())
    .then(() => {
      process.exit(code);
    });
};
process.on('SIGINT', () => {
  console.log('\nStopping...');
  stop(0);
});
process.on('SIGTERM', () => {
  stop(0);
});

try {
  // The planner first: it waits for central and the bus's broker, and is there when the bus
  // makes its tour.
  planner = tourPlanner(layout, ports, {
    onProblem: (problem) => {
      console.error(`npm start: ${problem}`);
    },
    onPublished: (planId, date) => {
      console.log(`npm start: the bus's tour of ${date} published from central as ${planId}`);
    },
    onLeftAside: (tourId, heldId) => {
      console.log(`npm start: the bus's tour ${tourId} not published: central holds ${heldId}`);
    },
  });
  planner.start();
  for (const spec of dayServices(layout, ports, { speed })) await services.start(spec);
  if (values.visitors === 'on' && !stopping) {
    visitors = simulatedVisitors(ports, speed);
    await visitors.start();
  }
} catch (error) {
  // Ctrl-C while starting: what was not started yet is not, and the rest stops.
  if (!stopping) console.error(`npm start: ${(error as Error).message}`);
  stop(1);
}

/** A path as short as it reads from here: relative inside the current folder, else absolute. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

if (!stopping) {
  const staff = `${STAFF_USER}:$(cat ${shown(layout.staffPasswordFile)})`;
  console.log(`
The simulated bus ${BUS_ID} runs its day${speed === 1 ? '' : ` ${String(speed)} times faster`}. Data and logs: ${shown(layout.dataDir)}/

  Visitor kiosk         http://127.0.0.1:${String(ports.kiosk)}/
  Driver display        http://127.0.0.1:${String(ports.kiosk)}/driver
  Staff console         http://127.0.0.1:${String(ports.centralHttp)}/
                        log in as ${STAFF_USER}, password in ${shown(layout.staffPasswordFile)}
  Staff API (central)   http://127.0.0.1:${String(ports.centralHttp)}/api/v1/fleet
                        curl -u "${staff}" http://127.0.0.1:${String(ports.centralHttp)}/api/v1/fleet
  On-board MQTT         mosquitto_sub -h 127.0.0.1 -p ${String(ports.busMqtt)} -t 'fsbus/v1/${BUS_ID}/#' -v
                        ws://127.0.0.1:${String(ports.busWs)}/mqtt for the screens
  Central MQTT          mqtt://127.0.0.1:${String(ports.centralMqtt)} (plain, development only)

Ctrl-C stops everything.`);
}
