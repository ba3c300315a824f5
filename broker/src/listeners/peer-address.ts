// The address a connection comes from, as logins are throttled and logged by it: the socket's
// peer, or, behind a reverse proxy the config trusts, the client its X-Forwarded-For names.
import type { IncomingMessage } from 'node:http';

/** `::ffff:10.0.0.5` (an IPv4 peer on a dual-stack socket) as `10.0.0.5`. */
export function plainAddress(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * The client address of a WebSocket upgrade. X-Forwarded-For lists the client, then each proxy
 * that passed the request on; only trusted proxies may have written it, so it is read from the
 * right, past the trusted ones, and the first untrusted address is the client. From an
 * untrusted peer the header is ignored (anyone can send one).
 */
export function upgradeAddress(request: IncomingMessage, trusted: ReadonlySet<string>): string {
  const peer = plainAddress(request.socket.remoteAddress);
  if (!trusted.has(peer)) return peer;
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => plainAddress(hop.trim()))
    .filter((hop) => hop !== 'unknown');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop !== undefined && !trusted.has(hop)) return hop;
  }
  return hops[0] ?? peer;
}
