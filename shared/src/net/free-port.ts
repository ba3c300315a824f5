// A TCP port free on 127.0.0.1, for a server that listens on it a little later (tests, and
// npm start --free-ports).
//
// Not a port from listen(0): the kernel hands those out from its ephemeral range, and hands
// the same port again to the next outgoing connection of any process. On a busy machine that
// connection holds it by the time the server listens, which then fails with EADDRINUSE. A port
// below the ephemeral range is never given out by the kernel; only another such pick could take
// it, and each pick checks that it can listen.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the kernel picks ephemeral ports (Linux; the usual range elsewhere). */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && Number.isInteger(low) && low > 2048) return low;
  } catch {
    // not Linux
  }
  return 32768;
}

/** Whether a server could listen on `port` on 127.0.0.1 now. */
export function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

const taken = new Set<number>();

/** A port free now on 127.0.0.1, below the ephemeral range, never the same twice here. */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  const floor = Math.max(1024, low - 12_000);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    if (taken.has(port)) continue;
    // Held before the check, so that picks made at once never return the same port.
    taken.add(port);
    if (await canListen(port)) return port;
    taken.delete(port);
  }
  throw new Error(`no free TCP port on 127.0.0.1 from ${String(floor)} to ${String(low - 1)}`);
}
