// scrypt password hashes for broker accounts: "scrypt$N$r$p$salt$hash", checked in constant time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
/**
 * One of OWASP's equivalent minimums for scrypt: N=2^14, r=8, p=5. It costs about as much CPU as
 * N=2^17, p=1 but needs 16 MiB instead of 128 MiB per check, which a small box can afford when
 * every screen reconnects at once.
 */
const DEFAULTS = { N: 2 ** 14, r: 8, p: 5 };

function derive(
  password: string,
  salt: Buffer,
  options: ScryptOptions & { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { ...options, maxmem: 256 * options.N * options.r },
      (error, key) => {
        if (error) reject(error);
        else resolve(key);
      },
    );
  });
}

/** Hashes a password for the config's broker.users. */
export async function hashPassword(
  password: string,
  cost: { N: number; r: number; p: number } = DEFAULTS,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when the password matches the hash; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = hash.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every(Number.isSafeInteger) || expected.length !== KEY_LENGTH)
    return false;
  try {
    const actual = await derive(password, Buffer.from(salt, 'base64'), cost);
    return timingSafeEqual(actual, expected);
  } catch {
    return false; // parameters scrypt refuses (N not a power of two, too much memory)
  }
}
