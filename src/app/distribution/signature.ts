// HMAC-SHA256 over method, path, timestamp, nonce and body: how distributors sign open-API calls and how the
// platform signs its push-backs (订单回传) to them, with the distributor's app secret either way.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const HEADER_KEY = 'x-haoka-app-key';
export const HEADER_TIMESTAMP = 'x-haoka-timestamp';
export const HEADER_NONCE = 'x-haoka-nonce';
export const HEADER_SIGNATURE = 'x-haoka-signature';
/** App secrets are kept sealed under the store's key (AES-GCM, a key of their own): the table never holds them in clear. */
export const APP_SECRET_PURPOSE = 'distributor-app-secret';

/** A request more than five minutes away from our clock, either way, is stale. */
export const FRESHNESS_MS = 5 * 60_000;

export interface Signed { method: string; path: string; timestamp: string; nonce: string; body: string }

/** The signed text: each part on its own line, the body last and byte for byte as sent. */
export const canonical = (s: Signed) => `${s.method.toUpperCase()}\n${s.path}\n${s.timestamp}\n${s.nonce}\n${s.body}`;

export const sign = (secret: string, s: Signed) => createHmac('sha256', secret).update(canonical(s)).digest('hex');

export function verify(secret: string, s: Signed, signature: string): boolean {
  const want = Buffer.from(sign(secret, s), 'hex');
  const got = Buffer.from(signature, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Headers of a signed call (the platform's push-backs; tests and distributors' clients do the same). */
export function signedHeaders(appKey: string, secret: string, s: Omit<Signed, 'timestamp'> & { timestamp: number }): Record<string, string> {
  const timestamp = String(s.timestamp);
  return {
    [HEADER_KEY]: appKey,
    [HEADER_TIMESTAMP]: timestamp,
    [HEADER_NONCE]: s.nonce,
    [HEADER_SIGNATURE]: sign(secret, { ...s, timestamp }),
  };
}
