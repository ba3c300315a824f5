import { describe, expect, it } from 'vitest';
import { FIRST_DELAY_MS, FORGET_AFTER_MS, LoginThrottle, MAX_DELAY_MS } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('answers the first wrong password at once, then later and later, up to a ceiling', () => {
    const throttle = new LoginThrottle(() => 0);
    const key = LoginThrottle.key('kiosk-1', '10.0.0.5');
    const delays = Array.from({ length: 10 }, () => throttle.failed(key));
    expect(delays.slice(0, 4)).toEqual([0, FIRST_DELAY_MS, 2 * FIRST_DELAY_MS, 4 * FIRST_DELAY_MS]);
    expect(delays.at(-1)).toBe(MAX_DELAY_MS);
  });

  it('keeps one user name and address apart from the others at that address', () => {
    const throttle = new LoginThrottle(() => 0);
    for (let i = 0; i < 5; i++) throttle.failed(LoginThrottle.key('mallory', '127.0.0.1'));
    expect(throttle.suspect(LoginThrottle.key('mallory', '127.0.0.1'))).toBe(true);
    expect(throttle.suspect(LoginThrottle.key('bridge', '127.0.0.1'))).toBe(false);
    expect(throttle.suspect(LoginThrottle.key('mallory', '127.0.0.2'))).toBe(false);
  });

  it('forgets a key on a right password, and after a long quiet', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    const key = LoginThrottle.key('driver', '10.0.0.7');
    throttle.failed(key);
    throttle.failed(key);
    throttle.succeeded(key);
    expect(throttle.suspect(key)).toBe(false);
    expect(throttle.failed(key)).toBe(0);
    now += FORGET_AFTER_MS;
    expect(throttle.suspect(key)).toBe(false);
    expect(throttle.failed(key)).toBe(0);
  });
});
