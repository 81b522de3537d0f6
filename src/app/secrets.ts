// Keyed hashes and signed tokens. The key comes from HAOKA_SECRET, or is made once and kept in the store
// so that every process on the same database agrees on it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../adapters/store/store.ts';

export type Role = 'customer' | 'agent' | 'supervisor' | 'operator';
export interface Principal {
  sub: string;
  role: Role;
  exp: number;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class Secrets {
  constructor(private readonly key: string) {}

  static async load(store: Store, configured: string | null, now: number): Promise<Secrets> {
    if (configured) return new Secrets(configured);
    const existing = (await store.platform.getSettings())['system.secret'];
    if (typeof existing === 'string') return new Secrets(existing);
    await store.tx(async (r) => {
      const again = (await r.platform.getSettings())['system.secret'];
      if (typeof again !== 'string') await r.platform.putSetting('system.secret', randomBytes(32).toString('hex'), 'system', now);
    });
    return new Secrets((await store.platform.getSettings())['system.secret'] as string);
  }

  /** Matching without keeping the value: resident IDs, one-time codes. */
  hash(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(purpose).update('\0').update(value).digest('base64url');
  }

  sign(p: Principal): string {
    const body = b64url(JSON.stringify(p));
    return `v1.${body}.${this.hash('token', body)}`;
  }

  verify(token: string, now: number): Principal | null {
    const [v, body, sig] = token.split('.');
    if (v !== 'v1' || !body || !sig) return null;
    const expected = Buffer.from(this.hash('token', body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const p = JSON.parse(Buffer.from(body, 'base64url').toString()) as Principal;
      return typeof p.exp === 'number' && p.exp > now ? p : null;
    } catch {
      return null;
    }
  }
}
