// WeChat Pay API v3's cryptography (pay.weixin.qq.com, "签名生成" / "签名验证" / "回调报文解密"):
// - a request is signed by the merchant: SHA256withRSA over "METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n",
//   sent as `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`;
// - an answer or a notification is signed by WeChat Pay: SHA256withRSA over "TIMESTAMP\nNONCE\nBODY\n", in the
//   Wechatpay-Timestamp / -Nonce / -Signature / -Serial headers (Serial: the WeChat Pay public key's id, PUB_KEY_ID_…);
// - a notification's resource is sealed with AEAD_AES_256_GCM under the merchant's 32-character API v3 key,
//   the 12-character nonce and the associated data as UTF-8 bytes, the 16-byte tag after the ciphertext.
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

/** The merchant's request signature (the Authorization header's `signature`). */
export function requestMessage(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** What WeChat Pay signs in an answer or a notification. */
export function answerMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export function rsaSign(key: KeyObject, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(key, 'base64');
}

export function rsaVerify(key: KeyObject, message: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

export function privateKeyOf(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** A public key from its PEM (the WeChat Pay public key file is a SubjectPublicKeyInfo PEM) or a private key's half. */
export function publicKeyOf(pem: string | KeyObject): KeyObject {
  return createPublicKey(pem);
}

/** A random nonce of 32 upper-case letters and digits, as WeChat's SDKs draw them. */
export function nonceStr(bytes = 16): string {
  return randomBytes(bytes).toString('hex').toUpperCase();
}

export function authorizationHeader(p: { mchId: string; serialNo: string; key: KeyObject; method: string; pathAndQuery: string; body: string; timestamp: string; nonce: string }): string {
  const signature = rsaSign(p.key, requestMessage(p.method, p.pathAndQuery, p.timestamp, p.nonce, p.body));
  return `${AUTH_SCHEMA} mchid="${p.mchId}",nonce_str="${p.nonce}",signature="${signature}",timestamp="${p.timestamp}",serial_no="${p.serialNo}"`;
}

/** The Authorization header's fields, or null when it is not WeChat Pay's schema. */
export function parseAuthorization(header: string | undefined): Record<'mchid' | 'nonce_str' | 'signature' | 'timestamp' | 'serial_no', string> | null {
  if (!header || !header.startsWith(`${AUTH_SCHEMA} `)) return null;
  const fields: Record<string, string> = {};
  for (const m of header.slice(AUTH_SCHEMA.length + 1).matchAll(/(\w+)="([^"]*)"/g)) fields[m[1]!] = m[2]!;
  const need = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;
  return need.every((k) => typeof fields[k] === 'string' && fields[k] !== '') ? (fields as Record<(typeof need)[number], string>) : null;
}

/** AEAD_AES_256_GCM open over raw bytes; throws when the tag does not verify. */
export function aesGcmOpen(key: Buffer, nonce: Buffer, aad: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < 16) throw new Error('ciphertext shorter than its tag');
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
}

export function aesGcmSeal(key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** A notification resource as WeChat Pay sends it: base64 ciphertext, the nonce and associated data as text. */
export function decryptResource(apiV3Key: string, r: { ciphertext: string; nonce: string; associated_data?: string | null }): string {
  return aesGcmOpen(Buffer.from(apiV3Key, 'utf8'), Buffer.from(r.nonce, 'utf8'), Buffer.from(r.associated_data ?? '', 'utf8'), Buffer.from(r.ciphertext, 'base64')).toString('utf8');
}

export function encryptResource(apiV3Key: string, plain: string, nonce: string, associatedData: string): string {
  return aesGcmSeal(Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'), Buffer.from(associatedData, 'utf8'), Buffer.from(plain, 'utf8')).toString('base64');
}

/** Header lookup that tolerates Node's lower-casing and repeated headers. */
export function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()] ?? headers[name];
  return Array.isArray(v) ? v[0] : v;
}
