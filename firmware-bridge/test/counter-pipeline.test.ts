// The counter pipeline's start from the config: which source it runs, and a register map that
// cannot be read as a config error (exit 78).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '@fsbus/shared';
import { ConfigError, createLogger } from '@fsbus/shared/node';
import { startCounterPipeline } from '../src/counter-pipeline.js';
import { until } from './pty.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(counter: Record<string, unknown>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-counter-pipeline-'));
  dirs.push(dir);
  const config = ConfigSchema.parse({ busId: 'bfs-87-012', dataDir: dir, counter });
  return startCounterPipeline({
    counter: config.counter,
    dataDir: dir,
    logger: createLogger({ service: 'bridge', level: 'fatal', destination: new PassThrough() }),
    now: Date.now,
    stopId: () => 'a-stop',
    timeZone: () => 'Europe/Paris',
    publishDoor: () => undefined,
    publishOccupancy: () => undefined,
    onHealth: () => undefined,
    state: { read: () => undefined, stage: () => undefined },
  });
}

const overlapping = {
  registerWords: 2,
  doors: [
    { door: 1, inAddress: 0, outAddress: 2 },
    { door: 2, inAddress: 3, outAddress: 6 },
  ],
};

describe('startCounterPipeline', () => {
  it.each([
    { protocol: 'modbus-rtu', path: '/nonexistent/counter' },
    { protocol: 'simulator', simulator: { speaks: 'modbus-rtu' } },
  ])(
    'refuses overlapping Modbus registers as a config error naming the key ($protocol)',
    async (counter) => {
      const started = start({ ...counter, modbus: overlapping });
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      await expect(started).rejects.toMatchObject({
        problems: [expect.objectContaining({ path: 'counter.modbus.doors' })],
      });
    },
  );

  it('runs the simulated Modbus counter polled with the configured register map', async () => {
    const pipeline = await start({
      protocol: 'simulator',
      simulator: { speaks: 'modbus-rtu' },
      modbus: { pollMs: 100, doors: [{ door: 2, inAddress: 500, outAddress: 502 }] },
    });
    try {
      await until(() => (pipeline.metrics().counter_link_answers ?? 0) >= 3, 'polls answered');
      expect(pipeline.health()).toBe('ok');
    } finally {
      await pipeline.stop();
    }
  });
});
