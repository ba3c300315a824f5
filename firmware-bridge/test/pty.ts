// Test peers for serial code: a socat pseudo-terminal pair standing for a cable, one end for the
// code under test, the other for the test to write what a device would send.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface PtyPair {
  /** The end the code under test opens, as a device path. */
  readonly device: string;
  /** Writes bytes as the device would send them. */
  write(data: string | Buffer): void;
  /** Kills socat: both ends vanish, as when a USB receiver is pulled out. */
  unplug(): Promise<void>;
}

/** Starts `socat` with two linked ptys under `dir`, and waits until both exist. */
export async function plugPty(dir: string, name = 'gps'): Promise<PtyPair> {
  const device = path.join(dir, name);
  const feed = path.join(dir, `${name}-feed`);
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${feed}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => {
      reject(new Error(`socat could not start (Debian package socat): ${error.message}`));
    });
    child.once('spawn', () => {
      resolve();
    });
  });
  await spawned;
  const deadline = Date.now() + 5000;
  while (!stderr.includes('starting data transfer loop') || !existsSync(feed)) {
    if (Date.now() > deadline) throw new Error(`socat did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const fd = openSync(feed, 'w');
  let open = true;
  return {
    device,
    write(data) {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    },
    async unplug() {
      if (open) closeSync(fd);
      open = false;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      // Killed, socat leaves its links behind, pointing at pty numbers another test may get next.
      rmSync(device, { force: true });
      rmSync(feed, { force: true });
    },
  };
}

/** Waits for a condition, polling, with a deadline. */
export async function until(condition: () => boolean, what: string, deadlineMs = 5000) {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
