// Phone numbers at rest. The store never holds a phone in the clear: a keyed hash finds it, a sealed copy
// (AES-GCM, key from the platform secret) is opened to text the customer or show them their own order, and a
// masked form (138****8000) is what anyone without the key sees. The key lives in app/platform/secrets.ts; the
// composition root hands the store a vault once the secret is loaded.

export interface PhoneVault {
  hash(phone: string): string;
  seal(phone: string): string;
  open(sealed: string): string;
  mask(phone: string): string;
}

/** Shared by the store and every transaction's repositories, set once the secret is known. */
export class VaultHolder {
  current: PhoneVault | null = null;

  /** Writing a phone without the key would store it in the clear: refuse instead. */
  need(): PhoneVault {
    if (!this.current) throw new Error('the store has no phone vault: call store.protectWith(secrets.phoneVault()) before writing phone numbers');
    return this.current;
  }
}

/** Rows written before phones were protected hold the number itself in the old column. */
export const isPlainPhone = (v: string): boolean => /^1\d{10}$/.test(v);

/** The columns an order's contact phone is written as. */
export function orderPhoneColumns(phone: string, vault: PhoneVault): { contact_phone: string; contact_phone_hash: string; contact_phone_enc: string } {
  return { contact_phone: vault.mask(phone), contact_phone_hash: vault.hash(phone), contact_phone_enc: vault.seal(phone) };
}

/** The contact phone as the domain sees it: opened with the key, else the masked form (never a guess). */
export function readOrderPhone(r: { contact_phone: string; contact_phone_enc?: string | null }, vault: PhoneVault | null): string {
  if (r.contact_phone_enc) return vault ? vault.open(r.contact_phone_enc) : r.contact_phone;
  return r.contact_phone;
}
