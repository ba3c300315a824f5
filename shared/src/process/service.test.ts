import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { EXIT } from './service.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const FIXTURE = path.join(import.meta.dirname, 'fixtures/service.ts');

interface Run {
  readonly code: number | null;
  readonly messages: string[];
}

/** Runs the fixture service, sends `signal` once it has started, and collects its log messages. */
async function run(mode: string, signal?: NodeJS.Signals, again?: NodeJS.Signals): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messages: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const { msg } = JSON.parse(line) as { msg: string };
    messages.push(msg);
    if (msg === 'started' && signal) child.kill(signal);
    if (msg === 'stopping' && again) child.kill(again);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, messages };
}

describe('runService', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('stops cleanly on %s and exits 0', async (signal) => {
    const result = await run('ok', signal);
    expect(result.code).toBe(EXIT.ok);
    expect(result.messages).toEqual(['started', 'stopping', 'stopped']);
  });

  it('exits 1 when stop() does not finish before the deadline', async () => {
    const result = await run('hang', 'SIGTERM');
    expect(result.code).toBe(EXIT.stopFailed);
    expect(result.messages).toEqual([
      'started',
      'stopping',
      'stop did not finish in time: exiting anyway',
    ]);
  });

  it('exits 1 when stop() hangs even though nothing else keeps the process alive', async () => {
    const result = await run('hang-idle', 'SIGTERM');
    expect(result.code).toBe(EXIT.stopFailed);
    expect(result.messages).toEqual([
      'started',
      'stopping',
      'stop did not finish in time: exiting anyway',
    ]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'exits 1 at once on a second %s while stopping',
    async (signal) => {
      const result = await run('hang', signal, signal);
      expect(result.code).toBe(EXIT.stopFailed);
      expect(result.messages).toEqual([
        'started',
        'stopping',
        'second signal while stopping: exiting now',
      ]);
    },
  );

  it('exits 78 when start() finds the config wrong', async () => {
    const result = await run('config-error');
    expect(result.code).toBe(EXIT.config);
    expect(result.messages).toEqual(['bad config']);
  });

  it('exits 69 with the reason when start() fails', async () => {
    const result = await run('fail-start');
    expect(result.code).toBe(EXIT.unavailable);
    expect(result.messages).toEqual(['could not start']);
  });
});
