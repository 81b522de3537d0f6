// Keyed hashes, sealed values and signed tokens, under the master keys from configuration (HAOKA_SECRET, a ring
// of keys with ids, current first). Tokens and sealed values record the id of the key they were made with, so a
// rotated key still reads them until `haoka rotate-secret` has re-sealed everything under the current one.
// Keyed hashes (phones, resident IDs) are for matching and cannot be redone for values we do not keep (resident
// IDs are stored only hashed), so they use a matching key of their own that survives rotation: made once, kept
// in the store sealed under the current master key (re-sealed by rotate-secret like a phone). For a store whose
// hashes were made before key ids, the matching key is the unlabelled key k0 itself, so they keep matching.
// In demo without HAOKA_SECRET the master key is made once and kept in the store (k0), as it always was.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PhoneVault } from '../../adapters/store/personal-data.ts';
import { maskPhone } from '../../domain/resident-id.ts';
import { randomBytesPooled } from './system-random.ts';
import type { Store } from '../../adapters/store/store.ts';
import { UNLABELLED_KEY_ID, type MasterKey } from '../../config-keys.ts';

const TOKEN_PART = /^[A-Za-z0-9_-]+$/;

export type Role = 'customer' | 'agent' | 'supervisor' | 'operator' | 'distributor' | 'iot_buyer' | 'iot_viewer';
export interface Principal {
  sub: string;
  role: Role;
  exp: number;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Signed tokens remembered as checked (about 300 bytes each). */
const VERIFIED_KEPT = 10_000;

/** Where the matching key is kept, sealed under a master key (never in the clear). */
/** Phones opened last, kept in memory per vault (see phoneVault). */
const OPENED_PHONES_KEPT = 4096;

export const HASH_KEY_SETTING = 'system.hash_key';
const HASH_KEY_PURPOSE = 'hash-key';

export class Secrets {
  private readonly keys = new Map<string, string>();
  /** The key new tokens and sealed values are made with (the first configured). */
  readonly currentKeyId: string;
  private readonly hashKey: string;
  private readonly sealKeys = new Map<string, Buffer>();
  /** Tokens whose signature was checked, most recent last: a client sends the same one with every request. */
  private readonly verified = new Map<string, Principal>();

  /** A bare string is one unlabelled key (k0); the matching key defaults to the current master key. */
  constructor(keys: readonly MasterKey[] | string, hashKey?: string) {
    const ring = typeof keys === 'string' ? [{ id: UNLABELLED_KEY_ID, secret: keys }] : keys;
    if (ring.length === 0) throw new Error('Secrets needs at least one master key');
    for (const k of ring) this.keys.set(k.id, k.secret);
    this.currentKeyId = ring[0]!.id;
    this.hashKey = hashKey ?? ring[0]!.secret;
  }

  /**
   * The configured keys, or in demo (keepInStore) the one kept in the store; then the matching key from the store,
   * made on first start. Production passes keepInStore false: the master secret is never written to the store.
   */
  static async load(store: Store, configured: readonly MasterKey[] | null, now: number, opts: { keepInStore?: boolean } = {}): Promise<Secrets> {
    let ring = configured;
    if (!ring) {
      if (opts.keepInStore === false) throw new Error('no master secret configured (HAOKA_SECRET)');
      const kept = await store.tx((r) => r.platform.putSettingIfAbsent('system.secret', randomBytes(32).toString('hex'), 'system', now));
      ring = [{ id: UNLABELLED_KEY_ID, secret: kept as string }];
    }
    const master = new Secrets(ring);
    // The first start's matching key: the unlabelled key's own value when configured (hashes made before key ids
    // used it), else a random one. A store with customers but no matching key yet was hashed with the secret of
    // before key ids: a random key would silently stop every phone and resident ID from matching.
    const legacy = ring.find((k) => k.id === UNLABELLED_KEY_ID)?.secret;
    if (legacy === undefined && (await store.platform.getSettings())[HASH_KEY_SETTING] === undefined && (await store.sealed.anyRows())) {
      throw new Error(`this store's phone and resident-ID hashes were made before master keys had ids: give the secret they were made with as key ${UNLABELLED_KEY_ID} in HAOKA_SECRET (after the current one)`);
    }
    const first = legacy ?? randomBytes(32).toString('base64url');
    const sealed = await store.tx((r) => r.platform.putSettingIfAbsent(HASH_KEY_SETTING, master.seal(HASH_KEY_PURPOSE, first), 'system', now));
    const kid = master.keyIdOf(sealed as string);
    if (kid === null || !master.keys.has(kid)) {
      throw new Error(`the matching key in the store is sealed under master key ${kid ?? '?'}, which HAOKA_SECRET does not hold: add that key back (after the current one)`);
    }
    return new Secrets(ring, master.open(HASH_KEY_PURPOSE, sealed as string));
  }

  /** The master key ids configured, current first. */
  keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** Matching without keeping the value: resident IDs, one-time codes. */
  hash(purpose: string, value: string): string {
    return createHmac('sha256', this.hashKey).update(purpose).update('\0').update(value).digest('base64url');
  }

  /**
   * Encryption for what must be read back (a phone number to text, shown to its owner): AES-256-GCM with a
   * key per master key and purpose derived by HKDF, so a key for phones never decrypts anything else. The value
   * names its master key: g2.<key id>.<iv>.<ciphertext>.<tag>.
   */
  seal(purpose: string, value: string): string {
    const iv = randomBytesPooled(12);
    const c = createCipheriv('aes-256-gcm', this.sealKey(this.currentKeyId, purpose), iv);
    const body = Buffer.concat([c.update(value, 'utf8'), c.final()]);
    return `g2.${this.currentKeyId}.${b64url(iv)}.${b64url(body)}.${b64url(c.getAuthTag())}`;
  }

  /** The value sealed for this purpose; throws on an unknown key, a wrong purpose or a tampered value. */
  open(purpose: string, sealed: string): string {
    const parts = sealed.split('.');
    // g1 values were sealed before key ids, with the unlabelled key.
    const [kid, iv, body, tag] = parts[0] === 'g1' && parts.length === 4 ? [UNLABELLED_KEY_ID, ...parts.slice(1)] : parts[0] === 'g2' && parts.length === 5 ? parts.slice(1) : [];
    if (!kid || !iv || body === undefined || !tag) throw new Error('not a sealed value');
    if (!this.keys.has(kid)) throw new Error(`sealed under master key ${kid}, which is not configured`);
    const d = createDecipheriv('aes-256-gcm', this.sealKey(kid, purpose), Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }

  /** The master key id a sealed value was made with; null when it is not a sealed value. */
  keyIdOf(sealed: string): string | null {
    if (sealed.startsWith('g1.')) return UNLABELLED_KEY_ID;
    const m = /^g2\.([A-Za-z0-9-]+)\./.exec(sealed);
    return m ? m[1]! : null;
  }

  /** The prefix of values sealed under the current key: what rotate-secret leaves alone. */
  currentSealPrefix(): string {
    return `g2.${this.currentKeyId}.`;
  }

  /** The same value sealed under the current key (rotate-secret). */
  reseal(purpose: string, sealed: string): string {
    return this.seal(purpose, this.open(purpose, sealed));
  }

  /** The matching key sealed under the current master key, as the store keeps it. */
  sealedHashKey(): string {
    return this.seal(HASH_KEY_PURPOSE, this.hashKey);
  }

  private sealKey(kid: string, purpose: string): Buffer {
    const id = `${kid}\0${purpose}`;
    let k = this.sealKeys.get(id);
    if (!k) {
      k = Buffer.from(hkdfSync('sha256', this.keys.get(kid)!, 'haoka-seal-v1', purpose, 32));
      this.sealKeys.set(id, k);
    }
    return k;
  }

  /** How the store keeps phone numbers: a keyed hash to match, sealed to send and show, masked for the rest. */
  phoneVault(): PhoneVault {
    // An order is read several times in its first minutes (placed, paid, cancelled, notified): the phones opened
    // last are kept, keyed by their sealed text, so each is decrypted once rather than on every read. This process
    // holds the key that opens them anyway; a value re-sealed under another key is a new entry.
    const opened = new Map<string, string>();
    return {
      hash: (phone) => this.hash('phone', phone),
      seal: (phone) => this.seal('phone', phone),
      open: (sealed) => {
        const kept = opened.get(sealed);
        if (kept !== undefined) return kept;
        const phone = this.open('phone', sealed);
        if (opened.size >= OPENED_PHONES_KEPT) opened.delete(opened.keys().next().value!);
        opened.set(sealed, phone);
        return phone;
      },
      mask: maskPhone,
    };
  }

  /** v2.<key id>.<claims>.<signature>: the key id picks the master key that checks it. */
  sign(p: Principal): string {
    const body = b64url(JSON.stringify(p));
    return `v2.${this.currentKeyId}.${body}.${this.tokenMac(this.currentKeyId, body)}`;
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

  /** v1 tokens were signed before key ids, with the unlabelled key; a key no longer configured signs nothing valid. */
  private tokenMac(kid: string | null, body: string): string | null {
    if (kid === null) {
      const legacy = this.keys.get(UNLABELLED_KEY_ID);
      return legacy === undefined ? null : createHmac('sha256', legacy).update('token').update('\0').update(body).digest('base64url');
    }
    const key = this.keys.get(kid);
    return key === undefined ? null : createHmac('sha256', key).update('token-v2').update('\0').update(`${kid}.${body}`).digest('base64url');
  }

  /**
   * A token of exactly its version's parts (v2.<key id>.<claims>.<signature>, or v1.<claims>.<signature> from before
   * key ids), each a non-empty run of the base64url alphabet, whose signature holds: a part more or less, an empty
   * part, whitespace or any appended text is refused before the signature is computed.
   */
  private check(token: string): Principal | null {
    const parts = token.split('.');
    if (!parts.every((p) => TOKEN_PART.test(p))) return null;
    const [kid, body, sig] = parts[0] === 'v1' && parts.length === 3 ? [null, parts[1], parts[2]] : parts[0] === 'v2' && parts.length === 4 ? parts.slice(1) : [];
    if (kid === undefined || !body || !sig) return null;
    const mac = this.tokenMac(kid, body);
    if (mac === null) return null;
    const expected = Buffer.from(mac);
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
