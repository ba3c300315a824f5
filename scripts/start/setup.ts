// npm start's data folder (./.fsbus/ by default): central's config and accounts, made once and
// kept, so that a second start resumes where the first stopped.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@fsbus/shared/node';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BUS_ID = 'sim-bus-01';
/** The staff account npm start makes (a planner: it may also publish plans). */
export const STAFF_USER = 'staff';

/** Every port a simulated day uses. */
export interface Ports {
  /** The on-board broker: MQTT over TCP, and over WebSocket for the screens. */
  readonly busMqtt: number;
  readonly busWs: number;
  /** The kiosk screen over HTTP. */
  readonly kiosk: number;
  /** Central: plain MQTT for the bus (development), and the staff API over plain HTTP. */
  readonly centralMqtt: number;
  readonly centralHttp: number;
}

export const DEFAULT_PORTS: Ports = {
  busMqtt: 1883,
  busWs: 8083,
  kiosk: 8080,
  centralMqtt: 1884,
  centralHttp: 8443,
};

/** Every port chosen free (npm start --free-ports, and the tests). */
export async function freePorts(): Promise<Ports> {
  return {
    busMqtt: await freePort(),
    busWs: await freePort(),
    kiosk: await freePort(),
    centralMqtt: await freePort(),
    centralHttp: await freePort(),
  };
}

export interface Layout {
  readonly dataDir: string;
  readonly centralConfig: string;
  readonly busDataDir: string;
  /** The bus's password at central. */
  readonly busPasswordFile: string;
  /** The staff account's password, for the API. */
  readonly staffPasswordFile: string;
  readonly logDir: string;
}

export function layoutOf(dataDir: string): Layout {
  return {
    dataDir,
    centralConfig: path.join(dataDir, 'central', 'central.yaml'),
    busDataDir: path.join(dataDir, BUS_ID),
    busPasswordFile: path.join(dataDir, `${BUS_ID}.central-password`),
    staffPasswordFile: path.join(dataDir, `${STAFF_USER}.password`),
    logDir: path.join(dataDir, 'logs'),
  };
}

const CENTRAL_BIN = path.join(ROOT, 'broker/bin/fsbus-central.js');

/** An account made with fsbus-central's own command, its password (printed once) kept in `file`. */
function ensureAccount(layout: Layout, file: string, args: readonly string[]): void {
  if (existsSync(file)) return;
  const printed = execFileSync(
    process.execPath,
    [CENTRAL_BIN, ...args, '--replace', '--config', layout.centralConfig],
    { encoding: 'utf8' },
  ).trim();
  writeFileSync(file, `${printed}\n`, { mode: 0o600 });
}

/**
 * Writes central's config for these ports (every start: the ports may change) and makes the
 * bus's and the staff's accounts on the first start.
 */
export function prepare(layout: Layout, ports: Ports): void {
  mkdirSync(path.dirname(layout.centralConfig), { recursive: true });
  mkdirSync(layout.logDir, { recursive: true });
  // JSON is YAML. Plain MQTT and HTTP on loopback: development only, which central says.
  const config = {
    dataDir: '.',
    log: { level: 'info' },
    mqtt: { tcpPort: ports.centralMqtt },
    http: { port: ports.centralHttp, plain: true },
  };
  writeFileSync(layout.centralConfig, `${JSON.stringify(config, null, 2)}\n`);
  ensureAccount(layout, layout.busPasswordFile, ['add-bus', BUS_ID]);
  ensureAccount(layout, layout.staffPasswordFile, ['add-user', STAFF_USER, '--role', 'planner']);
}
