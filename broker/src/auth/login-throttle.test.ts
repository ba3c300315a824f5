import { describe, expect, it } from 'vitest';
import {
  FIRST_DELAY_MS,
  FORGET_AFTER_MS,
  KNOWN_FOR_MS,
  LoginThrottle,
  MAX_DELAY_MS,
} from './login-throttle.js';

describe('LoginThrottle', () => {
  it('answers the first wrong password at once, then later and later, up to a ceiling', () => {
    const throttle = new LoginThrottle(() => 0);
    const key = LoginThrottle.key('kiosk-1', '10.0.0.5');
    const delays = Array.from({ length: 10 }, () => throttle.failed(key));
    expect(delays.slice(0, 4)).toEqual([0, FIRST_DELAY_MS, 2 * FIRST_DELAY_MS, 4 * FIRST_DELAY_MS]);
    expect(delays.at(-1)).toBe(MAX_DELAY_MS);
    expect(throttle.delay(key)).toBe(MAX_DELAY_MS);
  });

  it('keeps one user name and address apart from the others at that address', () => {
    const throttle = new LoginThrottle(() => 0);
    for (let i = 0; i < 5; i++) throttle.failed(LoginThrottle.key('mallory', '127.0.0.1'));
    expect(throttle.suspect(LoginThrottle.key('mallory', '127.0.0.1'), 'x')).toBe(true);
    expect(throttle.suspect(LoginThrottle.key('bridge', '127.0.0.1'), 'x')).toBe(false);
    expect(throttle.suspect(LoginThrottle.key('mallory', '127.0.0.2'), 'x')).toBe(false);
  });

  it('keeps a client id that logged in there before in front, for a day', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    const key = LoginThrottle.key('bridge', '127.0.0.1');
    throttle.succeeded(key, 'bridge');
    for (let i = 0; i < 5; i++) throttle.failed(key);
    expect(throttle.suspect(key, 'bridge')).toBe(false);
    expect(throttle.suspect(key, 'bridge-guess')).toBe(true);
    expect(throttle.suspect(key, '')).toBe(true); // an id the broker makes is nobody's
    now += KNOWN_FOR_MS;
    throttle.failed(key);
    expect(throttle.suspect(key, 'bridge')).toBe(true);
  });

  it('forgets failures after a long quiet', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    const key = LoginThrottle.key('driver', '10.0.0.7');
    throttle.failed(key);
    throttle.failed(key);
    now += FORGET_AFTER_MS;
    expect(throttle.suspect(key, 'driver')).toBe(false);
    expect(throttle.failed(key)).toBe(0);
  });
});
