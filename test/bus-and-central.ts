// The bus and central for end-to-end tests: the on-board broker, central (Debian's mosquitto over
// TLS from a test CA) with a recorder, and the password files a bridge needs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUS, PASSWORD, startTestBroker, testConfig } from '../broker/test/harness.js';
import { makePki, Recorder, startMosquitto } from './central-stand-in.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bus's password at central (central.passwordFile holds it). */
export const BUS_SECRET = 'bus secret';

/** Starts it all in a new folder; `cleanups` gets what stops and removes it. */
export async function busAndCentral(cleanups: (() => Promise<void> | void)[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-central-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const pki = await makePki(dir);
  const mosquitto = await startMosquitto(dir, pki, {
    [BUS]: BUS_SECRET,
    central: 'central secret',
  });
  cleanups.push(() => mosquitto.stop());
  const ca = readFileSync(pki.caFile);
  const recorder = await Recorder.start(`mqtts://127.0.0.1:${String(mosquitto.port)}`, {
    username: 'central',
    password: 'central secret',
    ca,
  });
  cleanups.push(() => recorder.stop());
  const onboard = await startTestBroker(testConfig(path.join(dir, 'onboard')));
  cleanups.push(() => onboard.stop());
  writeFileSync(path.join(dir, 'bridge.password'), PASSWORD);
  writeFileSync(path.join(dir, 'central.password'), BUS_SECRET);
  return { dir, pki, mosquitto, recorder, onboard };
}

type BusAndCentral = Awaited<ReturnType<typeof busAndCentral>>;

/**
 * The built bridge (its launcher, as a service manager runs it) between the on-board broker and
 * central, with `counter` as its counter section: `start` spawns it again after a kill.
 */
export function builtBridge(
  { dir, pki, mosquitto, onboard }: BusAndCentral,
  options: { dataDir: string; counter: string },
) {
  const configFile = path.join(dir, 'bus.yaml');
  writeFileSync(
    configFile,
    [
      `busId: ${BUS}`,
      `dataDir: ${options.dataDir}`,
      'log: { level: warn }',
      'gnss: { source: simulator }',
      `counter: ${options.counter}`,
      `bridge: { brokerUrl: "${onboard.url}", passwordFile: ${path.join(dir, 'bridge.password')} }`,
      `central: { url: "mqtts://127.0.0.1:${String(mosquitto.port)}", caFile: ${pki.caFile}, passwordFile: ${path.join(dir, 'central.password')} }`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  return {
    configFile,
    start(): ChildProcess {
      child = spawn(
        path.join(ROOT, 'firmware-bridge/bin/fsbus-bridge.js'),
        ['--config', configFile],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      return child;
    },
    /** The running one, if any (for cleanups). */
    get child(): ChildProcess | null {
      return child;
    },
  };
}
