// Signed callbacks as couriers and carriers send them: HMAC-SHA256 over timestamp, nonce and the exact body,
// refused when the signature does not verify or the timestamp is stale. The nonce is remembered by the
// platform (a byte-for-byte replay is refused there); the event id inside the body makes a resend harmless.
import { createHmac } from 'node:crypto';
import { fail, type DomainError } from '../../domain/errors.ts';
import { sameText, type SignedDelivery } from '../payment/simulator.ts';

/** A callback older (or newer) than this is refused even with a valid signature. */
export const CALLBACK_MAX_AGE_MS = 5 * 60_000;

export function signCallback(secret: string, prefix: string, body: string, timestamp: number, nonce: string): SignedDelivery {
  const signature = createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}\n`).digest('base64');
  return { headers: { 'content-type': 'application/json', [`x-${prefix}-timestamp`]: String(timestamp), [`x-${prefix}-nonce`]: nonce, [`x-${prefix}-signature`]: signature }, body };
}

export function verifyCallback(secret: string, prefix: string, headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): { nonce: string; body: Record<string, unknown> } | DomainError {
  const ts = Number(headers[`x-${prefix}-timestamp`]);
  const nonce = headers[`x-${prefix}-nonce`];
  const sig = headers[`x-${prefix}-signature`];
  if (!Number.isFinite(ts) || typeof nonce !== 'string' || typeof sig !== 'string' || nonce.length < 8) return fail('CALLBACK.BAD_SIGNATURE', 'The callback is not signed.');
  if (!sameText(signCallback(secret, prefix, rawBody, ts, nonce).headers[`x-${prefix}-signature`]!, sig)) return fail('CALLBACK.BAD_SIGNATURE', 'The callback signature does not verify.');
  if (Math.abs(now - ts) > CALLBACK_MAX_AGE_MS) return fail('CALLBACK.REPLAYED', 'The callback is too old to be accepted.', { timestamp: ts });
  try {
    const body = JSON.parse(rawBody) as unknown;
    if (typeof body !== 'object' || body === null) return fail('REQUEST.INVALID', 'The callback body is not an object.');
    return { nonce, body: body as Record<string, unknown> };
  } catch {
    return fail('REQUEST.MALFORMED_JSON', 'The callback body is not JSON.');
  }
}
