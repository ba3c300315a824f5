// The counter pipeline's start: a register map that cannot be read is a config error (exit 78).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '@fsbus/shared';
import { ConfigError, createLogger } from '@fsbus/shared/node';
import { startCounterPipeline } from '../src/counter-pipeline.js';

describe('startCounterPipeline', () => {
  it('refuses overlapping Modbus registers as a config error naming the key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fsbus-counter-pipeline-'));
    try {
      const config = ConfigSchema.parse({
        busId: 'bfs-87-012',
        dataDir: dir,
        counter: {
          protocol: 'modbus-rtu',
          path: path.join(dir, 'no-such-port'),
          modbus: {
            registerWords: 2,
            doors: [
              { door: 1, inAddress: 0, outAddress: 2 },
              { door: 2, inAddress: 3, outAddress: 6 },
            ],
          },
        },
      });
      const started = startCounterPipeline({
        counter: config.counter,
        dataDir: dir,
        logger: createLogger({ service: 'bridge', level: 'fatal', destination: new PassThrough() }),
        now: Date.now,
        stopId: () => null,
        timeZone: () => 'Europe/Paris',
        publishDoor: () => undefined,
        publishOccupancy: () => undefined,
        onHealth: () => undefined,
      });
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      await expect(started).rejects.toMatchObject({
        problems: [expect.objectContaining({ path: 'counter.modbus.doors' })],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
