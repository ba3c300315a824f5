import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';

const RANGE = '/proc/sys/net/ipv4/ip_local_port_range';

describe('a free port for a server that listens later', () => {
  it.skipIf(!existsSync(RANGE))(
    'is outside the kernel’s ephemeral range, new each time, and a server can listen on it',
    async () => {
      const [low, high] = readFileSync(RANGE, 'utf8').trim().split(/\s+/).map(Number);
      const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
      expect(new Set(ports).size).toBe(ports.length);
      for (const port of ports) {
        expect(port).toBeGreaterThanOrEqual(1024);
        expect(port < (low ?? 0) || port > (high ?? 65_535)).toBe(true);
      }
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(ports[0], '127.0.0.1', resolve);
      });
      await new Promise((resolve) => server.close(resolve));
    },
  );
});
