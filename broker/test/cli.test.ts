// The built fsbus-broker command, as systemd runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '@fsbus/shared/node';
import { EXAMPLES, topicFor } from '@fsbus/shared';
import { BUS, collect, connect, end, login, subscribe, testConfig, until } from './harness.js';

const CLI = path.resolve(import.meta.dirname, '../bin/fsbus-broker.js');
const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-broker-cli-'));

// A failed test must not leave a broker behind: kill any process started on a config in `dir`.
afterEach(() => {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    if (commandLine.includes(dir)) process.kill(Number(pid), 'SIGKILL');
  }
});

/** Starts the built broker and resolves with its TCP port once it listens. */
async function startCli(file: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [CLI, '--config', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`fsbus-broker exited with ${String(code)}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === 'broker listening') resolve(entry.tcpPort as number);
    });
  });
  return { child, port };
}

function configFile(yaml: string): string {
  const file = path.join(dir, `${String(Math.random()).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

describe('fsbus-broker', () => {
  it('starts from a config file, serves clients, and stops cleanly on SIGTERM', async () => {
    const file = configFile(
      'busId: cli-bus\ndataDir: ./data\nbroker:\n  tcpPort: 0\n  wsPort: 0\n  allowAnonymous: true\n',
    );
    const child = spawn(process.execPath, [CLI, '--config', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    const listening = new Promise<number>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.msg === 'broker listening') resolve(entry.tcpPort as number);
      });
    });
    const port = await listening;
    const client = await connect(`mqtt://127.0.0.1:${String(port)}`);
    await end(client);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(EXIT.ok);
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['started', 'stopping', 'stopped']),
    );
    expect(lines[0]).toMatchObject({ service: 'broker', busId: 'cli-bus', version: '0.1.0' });
  });

  it('exits 78 with one line per problem on a bad config', async () => {
    const file = configFile('busId: cli-bus\nbroker:\n  tcpPort: -1\n');
    const child = spawn(process.execPath, [CLI, '--config', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(EXIT.config);
    expect(stderr.trim()).toBe(`${file}: broker.tcpPort: expected a value >= 0, found -1`);
  });

  it('exits 69 when its port is taken', async () => {
    const first = configFile(`busId: cli-bus\ndataDir: ./a\nbroker:\n  tcpPort: 0\n  wsPort: 0\n`);
    const a = spawn(process.execPath, [CLI, '--config', first], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve) => {
      createInterface({ input: a.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === 'broker listening') resolve(entry.tcpPort as number);
      });
    });
    const second = configFile(
      `busId: cli-bus\ndataDir: ./b\nbroker:\n  tcpPort: ${String(port)}\n  wsPort: 0\n`,
    );
    const b = spawn(process.execPath, [CLI, '--config', second], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [code] = (await once(b, 'exit')) as [number];
    expect(code).toBe(EXIT.unavailable);
    a.kill('SIGTERM');
    await once(a, 'exit');
  });

  it('prints its help', async () => {
    const child = spawn(process.execPath, [CLI, '--help'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('Usage: fsbus-broker [--config FILE]');
  });
});

describe('fsbus-broker killed with SIGKILL', () => {
  it('keeps the retained state and every QoS 1 message it acknowledged for an offline session through SIGKILL', async () => {
    // Accounts as in the harness, written to a config file for the real process.
    const config = testConfig(path.join(dir, 'kill9-data'));
    const users = config.broker.users.map(
      (u) =>
        `    - { username: ${u.username}, role: ${u.role}, passwordHash: "${u.passwordHash}" }`,
    );
    const file = configFile(
      [
        `busId: ${BUS}`,
        'dataDir: ./kill9-data',
        'broker:',
        '  tcpPort: 0',
        '  wsPort: 0',
        '  users:',
        ...users,
      ].join('\n'),
    );

    const first = await startCli(file);
    const url = `mqtt://127.0.0.1:${String(first.port)}`;
    const driver = await login(url, 'driver', { clientId: 'driver-display', clean: false });
    expect(await subscribe(driver, topicFor('visit', BUS), 1)).toBe(1);
    await end(driver);
    const kiosk = await login(url, 'kiosk-1');
    const bridge = await login(url, 'bridge');
    // A PUBACK means the message is in every queue it belongs to: SIGKILL right after the last.
    const visits = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ ...EXAMPLES.visit, id: crypto.randomUUID(), turn: i + 1 }),
    );
    await Promise.all([
      ...visits.map((visit) => kiosk.publishAsync(topicFor('visit', BUS), visit, { qos: 1 })),
      bridge.publishAsync(topicFor('stop', BUS), JSON.stringify(EXAMPLES.stop), {
        qos: 1,
        retain: true,
      }),
    ]);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    await end(kiosk, bridge);

    const second = await startCli(file);
    const again = `mqtt://127.0.0.1:${String(second.port)}`;
    const back = await login(again, 'driver', { clientId: 'driver-display', clean: false });
    const queued = collect(back);
    await until(
      () => new Set(queued.map((m) => m.payload)).size === visits.length,
      () => `the ${visits.length} visits acknowledged before the kill, got ${queued.length}`,
    );
    expect(new Set(queued.map((m) => m.payload))).toEqual(new Set(visits));
    const monitor = await login(again, 'monitor');
    const retained = collect(monitor);
    expect(await subscribe(monitor, topicFor('stop', BUS))).toBe(1);
    await until(() => retained.some((m) => m.retain), 'the retained stop state');
    await end(back, monitor);
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });
});
