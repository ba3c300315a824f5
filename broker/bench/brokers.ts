// The brokers the benchmarks compare, each in a child process of its own so its RSS can be read:
// fsbus-broker from its build, bare aedes, aedes with fsbus-broker's write coalescing, mosquitto.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EXAMPLES } from '@fsbus/shared';
import { hashPassword } from '@fsbus/shared/node';
import { connectRaw } from './raw-client.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'bench password, not secret';

// The brokers run on one core and the load on the other, so that they do not fight over a core
// and the runs vary less (taskset, from util-linux; without it, no pinning).
export const BROKER_CPU = 1;
const LOAD_CPU = 0;
const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((candidate) => existsSync(candidate));

export function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return taskset ? [taskset, ['-c', String(cpu), command, ...args]] : [command, args];
}

/** Pins this process (the load) to the other core. */
export function pinLoad(): void {
  if (taskset)
    execFileSync(taskset, ['-cp', String(LOAD_CPU), String(process.pid)], { stdio: 'ignore' });
}

export interface Credentials {
  readonly username?: string;
  readonly password?: string;
}

export interface Broker {
  readonly name: string;
  readonly process: ChildProcess;
  readonly port: number;
  /** The bridge's account on fsbus-broker: it may publish gnss and stop. */
  readonly publisher: Credentials;
  readonly subscriber: Credentials;
  /** A kiosk's account on fsbus-broker: it may publish visits. */
  readonly kiosk: Credentials;
}

type Accounts = Omit<Broker, 'name' | 'process' | 'port'>;
const ANONYMOUS: Accounts = { publisher: {}, subscriber: {}, kiosk: {} };

/** Starts a child and resolves with the port it reports (JSON line with `port` or `tcpPort`). */
async function spawnBroker(
  name: string,
  command: string,
  args: string[],
  accounts: Accounts,
): Promise<Broker> {
  const child = spawn(...pinned(BROKER_CPU, command, args), { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${name} exited with ${String(code)}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { port?: number; tcpPort?: number };
        const found = entry.port ?? entry.tcpPort;
        if (typeof found === 'number' && found > 0) resolve(found);
      } catch {
        // not a JSON line
      }
    });
  });
  return { name, process: child, port, ...accounts };
}

function freePort(): number {
  // mosquitto cannot report a system-chosen port, so one is picked from a range unlikely to be used.
  return 20_000 + Math.floor(Math.random() * 20_000);
}

/**
 * mosquitto with TCP_NODELAY on its sockets, as fsbus-broker's, or with its defaults (Nagle on:
 * see the round trip in docs/broker.md).
 */
export async function startMosquitto(
  nodelay: boolean,
  name = 'mosquitto',
): Promise<Broker | undefined> {
  const binary = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((candidate) =>
    existsSync(candidate),
  );
  if (!binary) return undefined;
  const port = freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-bench-mosquitto-'));
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${String(port)} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n${nodelay ? 'set_tcp_nodelay true\n' : ''}`,
  );
  const child = spawn(...pinned(BROKER_CPU, binary, ['-c', conf]), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const probe = await connectRaw(port, 'probe', {});
      probe.close();
      return { name, process: child, port, ...ANONYMOUS };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill();
  return undefined;
}

/** A config file for fsbus-broker, with the default rate limit or one set out of the way. */
async function fsbusConfig(rateLimit: 'default' | 'none'): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-bench-broker-'));
  const hash = await hashPassword(PASSWORD);
  const config = path.join(dir, 'bus.yaml');
  writeFileSync(
    config,
    [
      `busId: ${EXAMPLES.gnss.busId}`,
      'dataDir: ./data',
      'log: { level: info }',
      'broker:',
      '  tcpPort: 0',
      '  wsPort: 0',
      // Out of the throughput's way; its bucket is still checked per message.
      ...(rateLimit === 'none'
        ? ['  rateLimit: { messagesPerSecond: 1000000, burst: 1000000 }']
        : []),
      '  users:',
      `    - { username: bridge, role: bridge, passwordHash: "${hash}" }`,
      `    - { username: monitor, role: monitor, passwordHash: "${hash}" }`,
      `    - { username: kiosk-1, role: kiosk, passwordHash: "${hash}" }`,
    ].join('\n'),
  );
  return config;
}

/** fsbus-broker as in service, from its build (which this builds first). */
export async function startFsbusBroker(
  name: string,
  rateLimit: 'default' | 'none',
): Promise<Broker> {
  // The launcher itself, as a service manager runs it: its shebang sets glibc's malloc.
  return spawnBroker(
    name,
    path.join(ROOT, 'broker/bin/fsbus-broker.js'),
    ['--config', await fsbusConfig(rateLimit)],
    {
      publisher: { username: 'bridge', password: PASSWORD },
      subscriber: { username: 'monitor', password: PASSWORD },
      kiosk: { username: 'kiosk-1', password: PASSWORD },
    },
  );
}

/** Builds fsbus-broker (the coalesced aedes baseline loads its build too). */
export function build(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * fsbus-broker (rate limit out of the way), bare aedes, aedes with fsbus-broker's write
 * coalescing and, when Debian's mosquitto is installed, mosquitto.
 */
export async function startBrokers(): Promise<Broker[]> {
  const brokers: Broker[] = [
    await startFsbusBroker('fsbus-broker', 'none'),
    await spawnBroker(
      'bare aedes',
      process.execPath,
      [path.join(import.meta.dirname, 'bare-aedes.mjs')],
      ANONYMOUS,
    ),
    await spawnBroker(
      'aedes, coalesced writes',
      process.execPath,
      [path.join(import.meta.dirname, 'bare-aedes.mjs'), '--coalesce'],
      ANONYMOUS,
    ),
  ];
  const mosquitto = await startMosquitto(true);
  if (mosquitto) brokers.push(mosquitto);
  else console.log('mosquitto not installed (Debian package mosquitto): compared with aedes only');
  return brokers;
}

/** Benchmark brokers need no clean stop; their output pipes would keep this process alive. */
export function killAll(brokers: readonly Broker[]): void {
  for (const broker of brokers) {
    broker.process.stdout?.destroy();
    broker.process.stderr?.destroy();
    broker.process.kill('SIGKILL');
  }
}

export function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Samples a process's RSS every 50 ms until stop(), which returns the highest, MiB. */
export function peakRss(pid: number | undefined): { stop(): number } {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid));
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMiB(pid));
    },
  };
}

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
}
