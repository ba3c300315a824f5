// A TCP port free on 127.0.0.1, for a server that listens on it a little later (tests, and
// npm start --free-ports).
//
// Not a port from listen(0): the kernel hands those out from its ephemeral range, and hands
// the same port again to the next outgoing connection of any process. On a busy machine that
// connection holds it by the time the server listens, which then fails with EADDRINUSE. A port
// outside the ephemeral range (below it, else above it) is never given out by the kernel; only
// another such pick could take it, and each pick checks that it can listen.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the kernel picks ephemeral ports (Linux; the usual range elsewhere). */
function ephemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return { low: low ?? 0, high: high ?? 0 };
  } catch {
    // not Linux
  }
  return { low: 32768, high: 60999 };
}

/** Ports outside the ephemeral range to pick from: below it, else above it; null if none. */
function outsideEphemeral(): { from: number; to: number } | null {
  const { low, high } = ephemeralRange();
  if (low - 1024 >= 4000) return { from: Math.max(1024, low - 12_000), to: low - 1 };
  if (65_535 - high >= 4000) return { from: high + 1, to: Math.min(65_535, high + 12_000) };
  return null;
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

/** The kernel's own pick (listen on port 0), when its ephemeral range leaves no room. */
function kernelPick(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no TCP address'));
      });
    });
  });
}

/** A port free now on 127.0.0.1, outside the ephemeral range, never the same twice here. */
export async function freePort(): Promise<number> {
  const range = outsideEphemeral();
  if (range === null) return kernelPick();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = range.from + Math.floor(Math.random() * (range.to - range.from + 1));
    if (taken.has(port)) continue;
    // Held before the check, so that picks made at once never return the same port.
    taken.add(port);
    if (await canListen(port)) return port;
    taken.delete(port);
  }
  throw new Error(
    `no free TCP port on 127.0.0.1 from ${String(range.from)} to ${String(range.to)}`,
  );
}
