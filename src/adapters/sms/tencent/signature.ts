// Tencent Cloud API 3.0's request signature (TC3-HMAC-SHA256): a canonical request of method, path, query, the
// signed headers (content-type and host) and the body's SHA-256; signed with a key derived from the SecretKey
// through the date, the service and "tc3_request". The fake checks requests with it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface Tc3Authorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** `TC3-HMAC-SHA256 Credential=ID/2026-12-07/sms/tc3_request, SignedHeaders=content-type;host, Signature=hex`. */
export function parseTc3(header: string | undefined): Tc3Authorization | null {
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(header ?? '');
  return m ? { secretId: m[1]!, date: m[2]!, service: m[3]!, signedHeaders: m[4]!.split(';'), signature: m[5]! } : null;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function tc3Signature(secretKey: string, req: { method: string; path: string; query: string; headers: Record<string, string>; signedHeaders: string[]; body: string; timestamp: number; date: string; service: string }): string {
  const headers = req.signedHeaders.map((h) => `${h}:${req.headers[h] ?? ''}\n`).join('');
  const canonical = [req.method, req.path, req.query, headers, req.signedHeaders.join(';'), sha256(req.body)].join('\n');
  const toSign = ['TC3-HMAC-SHA256', String(req.timestamp), `${req.date}/${req.service}/tc3_request`, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(`TC3${secretKey}`, req.date), req.service), 'tc3_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

export function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
