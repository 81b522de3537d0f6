// Staff passwords: scrypt with a salt per password, stored as `scrypt$<salt>$<hash>` (base64).
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;

/** The key derivation, one object so tests can watch which passwords were run through it. */
export const kdf = {
  derive(password: string, salt: Buffer): Promise<Buffer> {
    // The callback form runs on libuv's threads: 30-40 ms of scrypt does not hold up other requests.
    return new Promise((resolve, reject) => scrypt(password, salt, KEY_LENGTH, (err, key) => (err ? reject(err) : resolve(key))));
  },
};

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, KEY_LENGTH).toString('base64')}`;
}

const DUMMY_SALT = Buffer.from('haoka-no-such-user');

/**
 * Compared against when the username is unknown, so that an unknown name costs one scrypt like a known one and the
 * answer's time does not tell which staff usernames exist. Its hash is of no password (all zeros).
 */
export const DUMMY_PASSWORD_HASH = `scrypt$${DUMMY_SALT.toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [kind, salt, hash] = stored.split('$');
  // A stored value of another shape still costs the same scrypt, and matches nothing.
  const usable = kind === 'scrypt' && !!salt && !!hash;
  const given = await kdf.derive(password, usable ? Buffer.from(salt, 'base64') : DUMMY_SALT);
  if (!usable) return false;
  const expected = Buffer.from(hash, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
