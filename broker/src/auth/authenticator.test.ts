import { describe, expect, it } from 'vitest';
import { Authenticator } from './authenticator.js';

describe('Authenticator', () => {
  it('checks two passwords at once, queues 16, and refuses the rest as busy (3)', async () => {
    const auth = new Authenticator({ users: [], allowAnonymous: false, anonymousRole: 'monitor' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => auth.login(`nobody-${String(i)}`, Buffer.from('x'))),
    );
    expect(results.filter((r) => !r.ok && r.code === 'busy')).toHaveLength(2);
    expect(results.filter((r) => !r.ok && r.code === 'bad_credentials')).toHaveLength(18);
  });

  it('gives each user the client ids of its name, and anonymous clients the others', () => {
    const auth = new Authenticator({
      users: [
        { username: 'kiosk-1', role: 'kiosk', passwordHash: 'scrypt$16$8$1$c2FsdA==$aGFzaA==' },
      ],
      allowAnonymous: true,
      anonymousRole: 'monitor',
    });
    const kiosk = { username: 'kiosk-1', role: 'kiosk' } as const;
    const anonymous = { username: null, role: 'monitor' } as const;
    expect(auth.ownsClientId(kiosk, 'kiosk-1')).toBe(true);
    expect(auth.ownsClientId(kiosk, 'kiosk-1-door')).toBe(true);
    expect(auth.ownsClientId(kiosk, 'kiosk-10')).toBe(false);
    expect(auth.ownsClientId(kiosk, 'bridge')).toBe(false);
    expect(auth.ownsClientId(anonymous, 'mqtt-explorer-1')).toBe(true);
    expect(auth.ownsClientId(anonymous, 'kiosk-1-x')).toBe(false);
  });
});
