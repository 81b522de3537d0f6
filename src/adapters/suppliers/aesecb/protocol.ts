// The aesecb supplier protocol, in the style of the card platforms whose order answers and callbacks carry their
// sensitive fields AES-encrypted with the app secret (AES-256-ECB, PKCS#7 padding, Base64; the key is the 32-character
// AppSecret itself, as their AesUtil does): here the order number, the produced number and the ICCID. Requests and
// callbacks are signed with HMAC-SHA256 under the same secret over the app key, time, message id and the body's
// data; answers come as { code: "0", msg, success, msgId, data }.
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { SupplierOrderState } from '../../../domain/suppliers/supplier-order.ts';

export const CODE = {
  ok: '0',
  signError: '1001',
  appKeyUnknown: '1002',
  paramsError: '1003',
  busy: '1999',
  numberTaken: '2001',
  holdEnded: '2002',
  offSale: '2003',
  orderNotFound: '3004',
  alreadyShipped: '3005',
  cannotCancel: '3006',
} as const;

export interface Answer<T = Record<string, unknown>> {
  code: string;
  msg: string;
  success: boolean;
  msgId: string;
  data: T | null;
}

function key(secret: string): Buffer {
  const k = Buffer.from(secret, 'utf8');
  if (k.length !== 32) throw new Error('an aesecb AppSecret is 32 characters (the AES-256 key)');
  return k;
}

export function encrypt(plain: string, secret: string): string {
  const c = createCipheriv('aes-256-ecb', key(secret), null);
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

/** The plain text, or null when the value was not encrypted with this secret (bad padding, not Base64). */
export function decrypt(cipherText: string, secret: string): string | null {
  try {
    const d = createDecipheriv('aes-256-ecb', key(secret), null);
    return Buffer.concat([d.update(Buffer.from(cipherText, 'base64')), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** HMAC-SHA256 (hex) over appKey + timestamp + msgId + the data's JSON text, as sent. */
export function signature(secret: string, appKey: string, timestamp: string, msgId: string, dataJson: string): string {
  return createHmac('sha256', secret).update(`${appKey}${timestamp}${msgId}${dataJson}`, 'utf8').digest('hex');
}

export function signatureOk(secret: string, appKey: string, timestamp: string, msgId: string, dataJson: string, given: string): boolean {
  const want = signature(secret, appKey, timestamp, msgId, dataJson);
  return given.length === want.length && timingSafeEqual(Buffer.from(given), Buffer.from(want));
}

/** Order status words and ours. */
export const ORDER_STATUS: Record<string, SupplierOrderState> = {
  SUBMITTED: 'submitted', AUDITING: 'reviewing', WAIT_PHOTO: 'photos_needed', WAIT_SEND: 'awaiting_shipment', SENT: 'shipped',
  ACTIVATED: 'activated', RECHARGED: 'first_top_up', AUDIT_FAIL: 'rejected', CANCELED: 'cancelled',
};
export const STATUS_WORD: Record<SupplierOrderState, string> = Object.fromEntries(Object.entries(ORDER_STATUS).map(([k, v]) => [v, k])) as Record<SupplierOrderState, string>;

export const PATHS = {
  goods: '/openapi/card/goods', numbers: '/openapi/card/numbers', lock: '/openapi/card/number/lock', unlock: '/openapi/card/number/unlock',
  order: '/openapi/card/order', query: '/openapi/card/order/query', cancel: '/openapi/card/order/cancel', afterSale: '/openapi/card/order/aftersale',
} as const;

export const CALLBACK_ACK = 'success';
