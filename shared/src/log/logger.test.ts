import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('writes JSON lines with service, bus, version, ISO time and component fields', () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
    const logger = createLogger({
      service: 'broker',
      level: 'info',
      busId: 'b1',
      version: '0.1.0',
      destination: out,
    });
    logger.child({ component: 'auth' }).warn({ clientId: 'kiosk-1' }, 'bad password');
    logger.debug('not written at info');
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(lines).toHaveLength(1);
    expect(line).toMatchObject({
      level: 40,
      service: 'broker',
      busId: 'b1',
      version: '0.1.0',
      component: 'auth',
      clientId: 'kiosk-1',
      msg: 'bad password',
    });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
