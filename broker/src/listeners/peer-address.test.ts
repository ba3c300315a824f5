import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { plainAddress, upgradeAddress } from './peer-address.js';

function upgrade(peer: string, forwarded?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  } as unknown as IncomingMessage;
}

describe('peer addresses', () => {
  it('reads an IPv4 peer of a dual-stack socket as IPv4', () => {
    expect(plainAddress('::ffff:10.0.0.5')).toBe('10.0.0.5');
    expect(plainAddress('::1')).toBe('::1');
    expect(plainAddress(undefined)).toBe('unknown');
  });

  it('ignores X-Forwarded-For from a peer the config does not trust', () => {
    expect(upgradeAddress(upgrade('10.0.0.9', '127.0.0.1'), new Set())).toBe('10.0.0.9');
  });

  it('takes the client a trusted proxy names, past any other trusted proxy', () => {
    const trusted = new Set(['10.0.0.1', '10.0.0.2']);
    expect(upgradeAddress(upgrade('10.0.0.1', '192.168.4.20'), trusted)).toBe('192.168.4.20');
    expect(upgradeAddress(upgrade('10.0.0.1', '6.6.6.6, 192.168.4.20, 10.0.0.2'), trusted)).toBe(
      '192.168.4.20',
    );
    expect(upgradeAddress(upgrade('10.0.0.1'), trusted)).toBe('10.0.0.1');
  });
});
