import { afterEach, describe, expect, it, vi } from 'vitest';
import { Authenticator, CHECKS_AT_ONCE, CHECKS_WAITING, accountList } from './authenticator.js';

// The real scrypt check, optionally one after another: two checks running at once finish in
// whichever order the thread pool gives (on a loaded machine the later one can finish first),
// so a test of the order in which logins are *taken* makes them finish in that order too.
const serial = vi.hoisted(() => ({ on: false, last: Promise.resolve<unknown>(undefined) }));
vi.mock('@fsbus/shared/node', async (importOriginal) => {
  const real = await importOriginal<typeof import('@fsbus/shared/node')>();
  return {
    ...real,
    verifyPassword: (password: string, hash: string): Promise<boolean> => {
      if (!serial.on) return real.verifyPassword(password, hash);
      const result = serial.last.then(() => real.verifyPassword(password, hash));
      serial.last = result.catch(() => undefined);
      return result;
    },
  };
});
afterEach(() => {
  serial.on = false;
});

describe('Authenticator', () => {
  it('checks two passwords at once, queues 16, and refuses the rest as busy (3)', async () => {
    const auth = new Authenticator({
      accounts: accountList([]),
      allowAnonymous: false,
      anonymousRole: 'monitor',
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => auth.login(`nobody-${String(i)}`, Buffer.from('x'))),
    );
    expect(results.filter((r) => !r.ok && r.code === 'busy')).toHaveLength(2);
    expect(results.filter((r) => !r.ok && r.code === 'bad_credentials')).toHaveLength(18);
  });

  it('checks fresh logins before suspect ones, and the newest suspect first, the oldest making way', async () => {
    serial.on = true;
    const auth = new Authenticator({
      accounts: accountList([]),
      allowAnonymous: false,
      anonymousRole: 'monitor',
    });
    const order: string[] = [];
    const attempt = (name: string, suspect: boolean) =>
      auth.login(name, Buffer.from('x'), suspect).then((result) => {
        order.push(`${name}:${result.ok ? 'ok' : result.code}`);
      });
    const all: Promise<void>[] = [];
    for (let i = 0; i < CHECKS_AT_ONCE; i++) all.push(attempt(`running-${String(i)}`, true));
    // More suspects than their lane holds: the first two make way for the last two.
    for (let i = 0; i < CHECKS_WAITING + 2; i++) all.push(attempt(`suspect-${String(i)}`, true));
    all.push(attempt('fresh', false));
    await Promise.all(all);
    expect(order.slice(0, 2)).toEqual(['suspect-0:busy', 'suspect-1:busy']);
    const checked = order.filter((entry) => entry.endsWith('bad_credentials'));
    // After the two that were running: the fresh one, then the suspects newest first.
    expect(checked.indexOf('fresh:bad_credentials')).toBeLessThanOrEqual(CHECKS_AT_ONCE);
    const suspects = checked.filter((entry) => entry.startsWith('suspect-'));
    expect(suspects[0]).toBe(`suspect-${String(CHECKS_WAITING + 1)}:bad_credentials`);
    expect(suspects.at(-1)).toBe('suspect-2:bad_credentials');
  });

  it('gives each user the client ids of its name, and anonymous clients the others', () => {
    const auth = new Authenticator({
      accounts: accountList([
        { username: 'kiosk-1', role: 'kiosk', passwordHash: 'scrypt$16$8$1$c2FsdA==$aGFzaA==' },
      ]),
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
