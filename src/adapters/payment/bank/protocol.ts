// The bank channel's wire protocol. Banks' enterprise collection and transfer interfaces differ from bank to bank
// and none is published the way Alipay's and WeChat Pay's are, so this one is Haoka's own, kept small and shaped
// like them: JSON over HTTPS, every request signed HMAC-SHA256 with the key the bank issued to the merchant
// (X-Bank-Merchant, -Timestamp, -Nonce, -Signature over "METHOD PATH\ntimestamp\nnonce\nbody\n"), every answer an
// envelope { data, timestamp, nonce, sign } whose `data` is the answer's JSON text, signed the same way. A bank
// integration that speaks another protocol puts a small bridge in front of it, or replaces this adapter.
import { createHmac, randomBytes } from 'node:crypto';
import { sameText } from '../sim-records.ts';

export const BANK_PATHS = {
  collect: '/v1/collections',
  queryCollection: '/v1/collections/query',
  closeCollection: '/v1/collections/close',
  transfer: '/v1/transfers',
  queryTransfer: '/v1/transfers/query',
  statement: '/v1/statements',
} as const;

/** A request or answer older (or newer) than this is not believed. */
export const BANK_MAX_SKEW_MS = 5 * 60_000;

const mac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('base64');
const requestText = (path: string, ts: string, nonce: string, body: string) => `POST ${path}\n${ts}\n${nonce}\n${body}\n`;

export function signRequest(key: string, merchantId: string, path: string, body: string, now: number): Record<string, string> {
  const ts = String(now);
  const nonce = randomBytes(16).toString('hex');
  return { 'content-type': 'application/json', 'x-bank-merchant': merchantId, 'x-bank-timestamp': ts, 'x-bank-nonce': nonce, 'x-bank-signature': mac(key, requestText(path, ts, nonce, body)) };
}

/** Null when the request is the merchant's, fresh and unaltered; otherwise what is wrong with it. */
export function requestProblem(key: string, merchantId: string, path: string, headers: Record<string, string | string[] | undefined>, body: string, now: number): string | null {
  const [m, ts, nonce, sig] = ['x-bank-merchant', 'x-bank-timestamp', 'x-bank-nonce', 'x-bank-signature'].map((h) => headers[h]);
  if (typeof m !== 'string' || typeof ts !== 'string' || typeof nonce !== 'string' || typeof sig !== 'string') return 'SIGN_MISSING';
  if (m !== merchantId) return 'MERCHANT_UNKNOWN';
  if (!sameText(mac(key, requestText(path, ts, nonce, body)), sig)) return 'SIGN_ERROR';
  if (!(Math.abs(now - Number(ts)) <= BANK_MAX_SKEW_MS)) return 'TIMESTAMP_EXPIRED';
  return null;
}

export interface BankEnvelope {
  data: string;
  timestamp: string;
  nonce: string;
  sign: string;
}

export function signAnswer(key: string, data: unknown, now: number, nonce: string): BankEnvelope {
  const text = JSON.stringify(data);
  const timestamp = String(now);
  return { data: text, timestamp, nonce, sign: mac(key, `${timestamp}\n${nonce}\n${text}\n`) };
}

/** The answer's data when the bank's signature over it verifies; null otherwise. */
export function openAnswer(key: string, raw: unknown): unknown {
  const e = raw as Partial<BankEnvelope> | null;
  if (!e || typeof e.data !== 'string' || typeof e.timestamp !== 'string' || typeof e.nonce !== 'string' || typeof e.sign !== 'string') return null;
  if (!sameText(mac(key, `${e.timestamp}\n${e.nonce}\n${e.data}\n`), e.sign)) return null;
  try {
    return JSON.parse(e.data);
  } catch {
    return null;
  }
}
