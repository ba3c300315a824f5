// The services of a simulated day as child processes: each one's log in its own file, its
// warnings and errors on the console, and all of them stopped together.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface ServiceSpec {
  readonly name: string;
  readonly bin: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** A port the service listens on once it is up. */
  readonly readyPort: number;
}

interface Running {
  readonly spec: ServiceSpec;
  readonly child: ChildProcess;
  readonly log: WriteStream;
  readonly exited: Promise<number | null>;
}

/** pino's levels, as the services log them. */
const LEVELS: Readonly<Record<number, string>> = { 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** A console line for a log line worth showing, else null (info and below stay in the file). */
function consoleLine(name: string, line: string): string | null {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    const level = LEVELS[entry.level ?? 0];
    if (!level) return null;
    const detail = entry.err?.message ? ` (${entry.err.message})` : '';
    return `[${name}] ${level} ${entry.msg ?? ''}${detail}`;
  } catch {
    return line.trim() === '' ? null : `[${name}] ${line}`;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

export class Services {
  readonly #logDir: string;
  readonly #running: Running[] = [];
  /** Services killed on purpose: their end is no news. */
  readonly #quiet = new WeakSet<ChildProcess>();
  #stopping = false;

  constructor(logDir: string) {
    this.#logDir = logDir;
  }

  /** Starts a service and waits until its port answers; rejects if it exits first. */
  async start(spec: ServiceSpec, timeoutMs = 60_000): Promise<void> {
    if (this.#stopping) throw new Error(`not starting ${spec.name}: stopping`);
    const log = createWriteStream(path.join(this.#logDir, `${spec.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [spec.bin, ...spec.args], {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => {
      // 'close': its output read to the end, so nothing is written to the log after it ends.
      child.once('close', (code, signal) => {
        if (!this.#stopping && !this.#quiet.has(child))
          console.error(`[${spec.name}] exited (${signal ?? `code ${String(code)}`})`);
        resolve(code);
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        const shown = consoleLine(spec.name, line);
        if (shown !== null && !this.#stopping) console.error(shown);
      });
    }
    this.#running.push({ spec, child, log, exited });
    const state = { gone: false };
    void exited.then(() => {
      state.gone = true;
    });
    const deadline = Date.now() + timeoutMs;
    while (!(await portOpen(spec.readyPort))) {
      if (state.gone)
        throw new Error(`${spec.name} stopped while starting: see ${log.path.toString()}`);
      if (Date.now() > deadline)
        throw new Error(`${spec.name} did not open port ${String(spec.readyPort)} in time`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Kills one running service (the whole-day test's outages) and waits until it is gone. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const index = this.#running.findLastIndex((r) => r.spec.name === name);
    const running = this.#running[index];
    if (running === undefined) throw new Error(`no service ${name} runs`);
    this.#running.splice(index, 1);
    this.#quiet.add(running.child);
    running.child.kill(signal);
    await running.exited;
    await new Promise<void>((resolve) => {
      running.log.end(() => {
        resolve();
      });
    });
  }

  /**
   * Stops every service, the last started first: SIGTERM, then SIGKILL for what still runs
   * after `graceMs`.
   */
  async stop(graceMs = 4000): Promise<void> {
    this.#stopping = true;
    const running = [...this.#running].reverse();
    for (const { child } of running) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const { child } of running)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(running.map(({ exited }) => exited));
    clearTimeout(timer);
    await Promise.all(
      running.map(
        ({ log }) =>
          new Promise<void>((resolve) => {
            log.end(() => {
              resolve();
            });
          }),
      ),
    );
  }
}
