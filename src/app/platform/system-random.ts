// Random bytes from the system's generator, fetched 4 KB at a time: one call per id or nonce costs more than the
// id or nonce itself.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let at = pool.length;

/** Where the next `n` unused bytes of the pool start, refilling it when they would run past its end. */
function take(n: number): number {
  if (at + n > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  at += n;
  return at - n;
}

/** `n` fresh random bytes (at most 4,096), in a buffer of their own. */
export function randomBytesPooled(n: number): Buffer {
  const from = take(n);
  return Buffer.from(pool.subarray(from, from + n));
}

/** A random unsigned 32-bit word. */
export const random32 = (): number => pool.readUInt32LE(take(4));
