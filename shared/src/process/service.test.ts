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
async function run(mode: string, signal?: NodeJS.Signals): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messages: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const { msg } = JSON.parse(line) as { msg: string };
    messages.push(msg);
    if (msg === 'started' && signal) child.kill(signal);
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

  it('exits 69 with the reason when start() fails', async () => {
    const result = await run('fail-start');
    expect(result.code).toBe(EXIT.unavailable);
    expect(result.messages).toEqual(['could not start']);
  });
});
