// Alipay's application settings from configuration: the app id (开放平台应用), the application private key
// (requests are signed RSA2 with it), Alipay's public key (答复 and notifications are verified with it: the
// "公钥模式"), the gateway, and our public address that Alipay notifies. Keys may be given inline or as files
// (NAME_FILE, a mounted secret), as PEM or as the bare base64 that Alipay's key tool prints.
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { readSecretSetting } from '../../../config-keys.ts';

export const ALIPAY_DEFAULT_GATEWAY = 'https://openapi.alipay.com/gateway.do';

export interface AlipayConfig {
  /** The application's id on the open platform: 16 digits. */
  appId: string;
  /** The application private key, as PKCS#8 PEM. */
  privateKeyPem: string;
  /** Alipay's public key (支付宝公钥), as SPKI PEM. */
  alipayPublicKeyPem: string;
  /** The merchant's Alipay user id (2088…); when given, a notification for another seller is refused. */
  sellerId: string | null;
  /** Where the API answers (…/gateway.do); a fake gateway on 127.0.0.1 in demo and tests. */
  gateway: string;
  /** Our public address that Alipay notifies (…/api/v1/payments/alipay/notify). */
  notifyBaseUrl: string | null;
}

export class AlipayConfigError extends Error {}

/** Each setting's variable; the keys also as NAME_FILE. */
export const ALIPAY_VARIABLES = {
  appId: 'HAOKA_ALIPAY_APP_ID',
  privateKeyPem: 'HAOKA_ALIPAY_PRIVATE_KEY',
  alipayPublicKeyPem: 'HAOKA_ALIPAY_PUBLIC_KEY',
  /** Optional: the application public key uploaded to Alipay; `haoka doctor` checks it is the private key's. */
  appPublicKeyPem: 'HAOKA_ALIPAY_APP_PUBLIC_KEY',
  sellerId: 'HAOKA_ALIPAY_SELLER_ID',
  gateway: 'HAOKA_ALIPAY_GATEWAY',
  notifyBaseUrl: 'HAOKA_ALIPAY_NOTIFY_BASE_URL',
} as const;

/** A private key as Alipay's tool gives it (bare base64, PKCS#8 or PKCS#1) or as PEM; null when it is none. */
export function readPrivateKey(text: string): KeyObject | null {
  const t = text.trim();
  const attempts: (() => KeyObject)[] = t.includes('-----BEGIN')
    ? [() => createPrivateKey(t)]
    : [
      () => createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs8' }),
      () => createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs1' }),
    ];
  for (const a of attempts) {
    try {
      const k = a();
      if (k.asymmetricKeyType === 'rsa') return k;
    } catch {
      // the next form
    }
  }
  return null;
}

/** A public key as PEM or as bare base64 (SPKI); null when it is none. */
export function readPublicKey(text: string): KeyObject | null {
  const t = text.trim();
  try {
    const k = t.includes('-----BEGIN') ? createPublicKey(t) : createPublicKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'spki' });
    return k.asymmetricKeyType === 'rsa' ? k : null;
  } catch {
    return null;
  }
}

/** Whether a private key and a public key are the two halves of one pair (a signature made with one verifies with the other). */
export function keysMatch(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const probe = Buffer.from('haoka key pair check');
  const sig = createSign('RSA-SHA256').update(probe).sign(privateKey);
  return createVerify('RSA-SHA256').update(probe).verify(publicKey, sig);
}

/**
 * The Alipay application in configuration: null when none of its settings is given (the channel is then not
 * configured); an error naming what is missing or malformed when only part of it is.
 */
export function loadAlipayConfig(env: NodeJS.ProcessEnv): AlipayConfig | null {
  const plain = (name: string) => env[name]?.trim() || null;
  const secret = (name: string) => readSecretSetting(env, name)?.value.trim() || null;
  const got = { appId: plain(ALIPAY_VARIABLES.appId), privateKeyPem: secret(ALIPAY_VARIABLES.privateKeyPem), alipayPublicKeyPem: secret(ALIPAY_VARIABLES.alipayPublicKeyPem) };
  if (Object.values(got).every((v) => v === null)) return null;
  const missing = (Object.keys(got) as (keyof typeof got)[]).filter((k) => got[k] === null).map((k) => ALIPAY_VARIABLES[k]);
  if (missing.length) throw new AlipayConfigError(`Alipay is partly configured: ${missing.join(', ')} missing (set the app id and both keys, or none).`);
  if (!/^\d{16}$/.test(got.appId!)) throw new AlipayConfigError(`${ALIPAY_VARIABLES.appId}: an Alipay app id is 16 digits.`);
  const priv = readPrivateKey(got.privateKeyPem!);
  if (!priv) throw new AlipayConfigError(`${ALIPAY_VARIABLES.privateKeyPem}: not an RSA private key (PEM, or the base64 Alipay's key tool prints).`);
  const pub = readPublicKey(got.alipayPublicKeyPem!);
  if (!pub) throw new AlipayConfigError(`${ALIPAY_VARIABLES.alipayPublicKeyPem}: not an RSA public key (Alipay's public key, 支付宝公钥, as PEM or base64).`);
  const sellerId = plain(ALIPAY_VARIABLES.sellerId);
  if (sellerId !== null && !/^2088\d{12}$/.test(sellerId)) throw new AlipayConfigError(`${ALIPAY_VARIABLES.sellerId}: an Alipay user id is 2088 followed by 12 digits.`);
  return {
    appId: got.appId!,
    privateKeyPem: priv.export({ type: 'pkcs8', format: 'pem' }).toString(),
    alipayPublicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    sellerId,
    gateway: urlSetting(env, ALIPAY_VARIABLES.gateway) ?? ALIPAY_DEFAULT_GATEWAY,
    notifyBaseUrl: urlSetting(env, ALIPAY_VARIABLES.notifyBaseUrl),
  };
}

export function urlSetting(env: NodeJS.ProcessEnv, name: string): string | null {
  const v = env[name]?.trim();
  if (!v) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new AlipayConfigError(`${name}=${JSON.stringify(v)} is not a URL.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new AlipayConfigError(`${name}: only http(s) addresses.`);
  return v.replace(/\/+$/, '');
}
