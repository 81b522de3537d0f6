// Keyed hashes and signed tokens. The key comes from HAOKA_SECRET, or is made once and kept in the store
// so that every process on the same database agrees on it.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PhoneVault } from '../../adapters/store/personal-data.ts';
import { maskPhone } from '../../domain/resident-id.ts';
import { randomBytesPooled } from './system-random.ts';
import type { Store } from '../../adapters/store/store.ts';

export type Role = 'customer' | 'agent' | 'supervisor' | 'operator';
export interface Principal {
  sub: string;
  role: Role;
  exp: number;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Signed tokens remembered as checked (about 300 bytes each). */
const VERIFIED_KEPT = 10_000;

export class Secrets {
  private readonly sealKeys = new Map<string, Buffer>();
  /** Tokens whose signature was checked, most recent last: a client sends the same one with every request. */
  private readonly verified = new Map<string, Principal>();
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

  /**
   * Encryption for what must be read back (a phone number to text, shown to its owner): AES-256-GCM with a
   * key per purpose derived from the secret by HKDF, so a key for phones never decrypts anything else.
   */
  seal(purpose: string, value: string): string {
    const iv = randomBytesPooled(12);
    const c = createCipheriv('aes-256-gcm', this.sealKey(purpose), iv);
    const body = Buffer.concat([c.update(value, 'utf8'), c.final()]);
    return `g1.${b64url(iv)}.${b64url(body)}.${b64url(c.getAuthTag())}`;
  }

  /** The value sealed for this purpose; throws on a wrong key, purpose or a tampered value. */
  open(purpose: string, sealed: string): string {
    const [v, iv, body, tag] = sealed.split('.');
    if (v !== 'g1' || !iv || body === undefined || !tag) throw new Error('not a sealed value');
    const d = createDecipheriv('aes-256-gcm', this.sealKey(purpose), Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }

  private sealKey(purpose: string): Buffer {
    let k = this.sealKeys.get(purpose);
    if (!k) {
      k = Buffer.from(hkdfSync('sha256', this.key, 'haoka-seal-v1', purpose, 32));
      this.sealKeys.set(purpose, k);
    }
    return k;
  }

  /** How the store keeps phone numbers: a keyed hash to match, sealed to send and show, masked for the rest. */
  phoneVault(): PhoneVault {
    return {
      hash: (phone) => this.hash('phone', phone),
      seal: (phone) => this.seal('phone', phone),
      open: (sealed) => this.open('phone', sealed),
      mask: maskPhone,
    };
  }

  sign(p: Principal): string {
    const body = b64url(JSON.stringify(p));
    return `v1.${body}.${this.hash('token', body)}`;
  }

  verify(token: string, now: number): Principal | null {
    const seen = this.verified.get(token);
    if (seen) return seen.exp > now ? seen : null;
    const p = this.check(token);
    if (!p) return null;
    if (this.verified.size >= VERIFIED_KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, p);
    return p.exp > now ? p : null;
  }

  private check(token: string): Principal | null {
    const [v, body, sig] = token.split('.');
    if (v !== 'v1' || !body || !sig) return null;
    const expected = Buffer.from(this.hash('token', body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const p = JSON.parse(Buffer.from(body, 'base64url').toString()) as Principal;
      return typeof p.exp === 'number' ? Object.freeze(p) : null;
    } catch {
      return null;
    }
  }
}
