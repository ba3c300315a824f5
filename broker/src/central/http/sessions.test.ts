import { describe, expect, it } from 'vitest';
import type { Account } from '../../auth/authenticator.js';
import { StaffSessions, TOKEN_PREFIX } from './sessions.js';

const marie: Account = { username: 'marie', role: 'staff', passwordHash: 'h1' };
const paul: Account = { username: 'paul', role: 'planner', passwordHash: 'h2' };

function setup(accounts: Account[] = [marie, paul]) {
  let now = 1_000_000;
  const book = { list: accounts };
  const sessions = new StaffSessions({
    accounts: { find: (name) => book.list.find((a) => a.username === name), usernames: () => [] },
    lifetimeMs: 8 * 3_600_000,
    idleMs: 30 * 60_000,
    now: () => now,
  });
  return {
    sessions,
    book,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const identity = (account: Account) => ({ ...account });

describe('staff console sessions', () => {
  it('gives a random prefixed token that names the session until logout', () => {
    const { sessions } = setup();
    const { token, session } = sessions.open(identity(marie));
    const other = sessions.open(identity(marie));
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token).not.toBe(other.token);
    expect(sessions.use(token)?.id).toBe(session.id);
    expect(sessions.close(token)).toBe(true);
    expect(sessions.use(token)).toBeNull();
    expect(sessions.use(other.token)?.username).toBe('marie');
  });

  it('ends a session unused for the idle time, and any at its lifetime however used', () => {
    const { sessions, advance } = setup();
    const idle = sessions.open(identity(marie)).token;
    const busy = sessions.open(identity(paul)).token;
    for (let minute = 0; minute < 29; minute += 1) {
      advance(60_000);
      expect(sessions.use(busy)).not.toBeNull();
    }
    advance(60_000);
    expect(sessions.use(idle)).toBeNull();
    // Used every 20 minutes, it still ends 8 hours after its login.
    for (let step = 0; step < 22; step += 1) {
      advance(20 * 60_000);
      expect(sessions.use(busy)).not.toBeNull();
    }
    advance(20 * 60_000);
    expect(sessions.use(busy)).toBeNull();
  });

  it('ends when the account is revoked or its password or role changes', () => {
    const { sessions, book } = setup();
    const revoked = sessions.open(identity(marie));
    const renewed = sessions.open(identity(paul));
    book.list = [{ ...paul, passwordHash: 'new' }];
    expect(sessions.alive(revoked.session.id)).toBe(false);
    expect(sessions.use(renewed.token)).toBeNull();
  });

  it('logs an MQTT client in only with its own user name and a live token', () => {
    const { sessions } = setup();
    const { token, session } = sessions.open(identity(paul));
    expect(sessions.mqttIdentity('paul', Buffer.from(token))).toEqual({
      username: 'paul',
      role: 'planner',
      passwordHash: 'h2',
      session: session.id,
    });
    expect(sessions.mqttIdentity('marie', Buffer.from(token))).toBeNull();
    expect(sessions.mqttIdentity('paul', Buffer.from('paul secret'))).toBeNull();
    expect(sessions.mqttIdentity(undefined, undefined)).toBeNull();
  });

  it('opens sessions for staff and planners only', () => {
    const { sessions } = setup();
    expect(() => sessions.open({ username: 'bfs-87-012', role: 'bus', passwordHash: 'x' })).toThrow(
      /staff or planner/,
    );
  });
});
