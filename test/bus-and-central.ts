// The bus and central for end-to-end tests: the on-board broker, central (the built fsbus-central
// over TLS from a test CA, its recorder's database read beside it), and the password files a
// bridge needs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUS, PASSWORD, startTestBroker, testConfig } from '../broker/test/harness.js';
import { CentralRecord, centralProcess, centralSetup, secretOf } from './central-harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Starts it all in a new folder; `cleanups` gets what stops and removes it. */
export async function busAndCentral(cleanups: (() => Promise<void> | void)[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-central-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const setup = await centralSetup(
    path.join(dir, 'central-home'),
    [
      { username: BUS, role: 'bus' },
      { username: 'staff', role: 'staff' },
      { username: 'planner', role: 'planner' },
    ],
    // Days of backlog drain here: central's per-bus pace is not what these tests are about.
    { rateLimit: { messagesPerSecond: 20_000, burst: 20_000 } },
  );
  const { pki } = setup;
  const central = await centralProcess(setup, 'staff');
  cleanups.push(() => central.stop());
  const recorder = new CentralRecord(setup.recorderFile);
  cleanups.push(() => {
    recorder.close();
  });
  const onboard = await startTestBroker(testConfig(path.join(dir, 'onboard')));
  cleanups.push(() => onboard.stop());
  writeFileSync(path.join(dir, 'bridge.password'), PASSWORD);
  writeFileSync(path.join(dir, 'central.password'), secretOf(BUS));
  return { dir, pki, setup, central, recorder, onboard };
}

type BusAndCentral = Awaited<ReturnType<typeof busAndCentral>>;

/**
 * The built bridge (its launcher, as a service manager runs it) between the on-board broker and
 * central (or what stands in front of it), with `counter` as its counter section: `start`
 * spawns it again after a kill. Its passwords are in `dir` (bridge.password, central.password).
 */
export function builtBridge(
  {
    dir,
    pki,
    central,
    onboard,
  }: Pick<BusAndCentral, 'dir' | 'pki' | 'onboard'> & { central: { port: number } },
  options: { dataDir: string; counter: string; busId?: string },
) {
  const configFile = path.join(dir, 'bus.yaml');
  writeFileSync(
    configFile,
    [
      `busId: ${options.busId ?? BUS}`,
      `dataDir: ${options.dataDir}`,
      'log: { level: warn }',
      'gnss: { source: simulator }',
      `counter: ${options.counter}`,
      `bridge: { brokerUrl: "${onboard.url}", passwordFile: ${path.join(dir, 'bridge.password')} }`,
      `central: { url: "mqtts://127.0.0.1:${String(central.port)}", caFile: ${pki.caFile}, passwordFile: ${path.join(dir, 'central.password')} }`,
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
