import { describe, expect, it } from 'vitest';
import { ConfigSchema } from './schema.js';
import { hashPassword, verifyPassword } from './password.js';

// A low cost keeps the test fast; production uses the default (N = 2^17).
const cost = { N: 1024, r: 8, p: 1 };

describe('password hashes', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery', cost);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('same password', cost)).not.toBe(
      await hashPassword('same password', cost),
    );
  });

  it('produces hashes the config accepts', async () => {
    const passwordHash = await hashPassword('kiosk password', cost);
    const parsed = ConfigSchema.safeParse({
      busId: 'b1',
      broker: { users: [{ username: 'kiosk-1', role: 'kiosk', passwordHash }] },
    });
    expect(parsed.success).toBe(true);
  });

  it('returns false for a malformed hash instead of throwing', async () => {
    for (const hash of [
      '',
      'bcrypt$x',
      'scrypt$abc$8$1$c2FsdA==$aGFzaA==',
      'scrypt$1000$8$1$c2FsdA==$aGFzaA==',
    ]) {
      expect(await verifyPassword('x', hash), hash).toBe(false);
    }
  });
});
