// Aliyun's V3 request signature (ACS3-HMAC-SHA256), as @alicloud/openapi-core computes it: a canonical request of
// method, path, sorted query, the signed headers (host, content-type and x-acs-*) and the body's SHA-256, hashed,
// prefixed with the algorithm, and signed with the AccessKey secret. The fake checks requests with it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const ACS3 = 'ACS3-HMAC-SHA256';

/** Aliyun's percent-encoding (RFC 3986: also ! ' ( ) *). */
export function acsEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(query: URLSearchParams): string {
  const keys = [...new Set(query.keys())].sort();
  return keys.map((k) => `${k}=${acsEncode(query.get(k) ?? '')}`).join('&');
}

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`; null when it is not that. */
export function parseAcs3(header: string | undefined): Acs3Authorization | null {
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(header ?? '');
  return m ? { accessKeyId: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]! } : null;
}

export function acs3Signature(secret: string, req: { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; signedHeaders: string[]; payloadHash: string }): string {
  const headers = req.signedHeaders.map((h) => `${h}:${String(req.headers[h] ?? '').trim()}\n`).join('');
  const canonical = [req.method, req.path, canonicalQuery(req.query), headers, req.signedHeaders.join(';'), req.payloadHash].join('\n');
  const toSign = `${ACS3}\n${createHash('sha256').update(canonical).digest('hex')}`;
  return createHmac('sha256', secret).update(toSign).digest('hex');
}

export function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
