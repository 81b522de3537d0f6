// WeChat Pay's merchant settings from configuration: the merchant id and app id, the merchant API certificate's
// serial and private key (requests are signed with it), the API v3 key (notification contents are encrypted with
// it), and the WeChat Pay public key with its id (answers and notifications are verified with it: the
// "微信支付公钥" mode). Keys may be given inline or as files (NAME_FILE, a mounted secret), never both.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readSecretSetting } from '../../../config-keys.ts';

export const WECHAT_DEFAULT_GATEWAY = 'https://api.mch.weixin.qq.com';

export interface WechatConfig {
  mchId: string;
  appId: string;
  /** The merchant API certificate's serial number (serial_no in our Authorization header). */
  certSerial: string;
  privateKeyPem: string;
  /** 32 characters; the AES-256-GCM key of notification resources. */
  apiV3Key: string;
  publicKeyPem: string;
  /** PUB_KEY_ID_…: what WeChat Pay puts in Wechatpay-Serial when it signs with its public key's private half. */
  publicKeyId: string;
  /** Where the API answers; a fake gateway on 127.0.0.1 in demo and tests. */
  gateway: string;
  /** Our public address that WeChat Pay notifies (…/api/v1/payments/callback/wechat and …/refunds/callback/wechat). */
  notifyBaseUrl: string | null;
}

export class WechatConfigError extends Error {}

/** Each setting's variable; the keys also as NAME_FILE. */
export const WECHAT_VARIABLES = {
  mchId: 'HAOKA_WECHAT_MCH_ID',
  appId: 'HAOKA_WECHAT_APP_ID',
  certSerial: 'HAOKA_WECHAT_CERT_SERIAL',
  privateKeyPem: 'HAOKA_WECHAT_PRIVATE_KEY',
  apiV3Key: 'HAOKA_WECHAT_APIV3_KEY',
  publicKeyPem: 'HAOKA_WECHAT_PUBLIC_KEY',
  publicKeyId: 'HAOKA_WECHAT_PUBLIC_KEY_ID',
  gateway: 'HAOKA_WECHAT_GATEWAY',
  notifyBaseUrl: 'HAOKA_WECHAT_NOTIFY_BASE_URL',
} as const;

/**
 * The merchant account in configuration: null when none of its settings is given (the channel is then not
 * configured); an error naming what is missing or malformed when only part of it is.
 */
export function loadWechatConfig(env: NodeJS.ProcessEnv): WechatConfig | null {
  const plain = (name: string) => env[name]?.trim() || null;
  const secret = (name: string) => readSecretSetting(env, name)?.value.trim() || null;
  const got = {
    mchId: plain(WECHAT_VARIABLES.mchId), appId: plain(WECHAT_VARIABLES.appId), certSerial: plain(WECHAT_VARIABLES.certSerial),
    privateKeyPem: secret(WECHAT_VARIABLES.privateKeyPem), publicKeyPem: secret(WECHAT_VARIABLES.publicKeyPem), publicKeyId: plain(WECHAT_VARIABLES.publicKeyId),
  };
  if (Object.values(got).every((v) => v === null)) return null;
  const missing: string[] = (Object.keys(got) as (keyof typeof got)[]).filter((k) => got[k] === null).map((k) => WECHAT_VARIABLES[k]);
  const apiV3Key = secret(WECHAT_VARIABLES.apiV3Key);
  if (apiV3Key === null) missing.push(WECHAT_VARIABLES.apiV3Key);
  if (missing.length) throw new WechatConfigError(`WeChat Pay is partly configured: ${missing.join(', ')} missing (set all of the merchant's settings, or none).`);
  if (!/^\d{8,12}$/.test(got.mchId!)) throw new WechatConfigError(`${WECHAT_VARIABLES.mchId}: a WeChat Pay merchant id is 8-12 digits.`);
  if (!/^wx[0-9A-Za-z]{16}$/.test(got.appId!)) throw new WechatConfigError(`${WECHAT_VARIABLES.appId}: an app id is wx followed by 16 letters or digits.`);
  if (!/^[0-9A-Fa-f]{8,64}$/.test(got.certSerial!)) throw new WechatConfigError(`${WECHAT_VARIABLES.certSerial}: the merchant certificate's serial number is hexadecimal.`);
  if (!/^PUB_KEY_ID_\w{4,64}$/.test(got.publicKeyId!)) throw new WechatConfigError(`${WECHAT_VARIABLES.publicKeyId}: the WeChat Pay public key id starts with PUB_KEY_ID_.`);
  if (!/^[\x21-\x7e]{32}$/.test(apiV3Key!)) throw new WechatConfigError(`${WECHAT_VARIABLES.apiV3Key}: WeChat Pay's API v3 key is exactly 32 printable characters.`);
  try {
    createPrivateKey(got.privateKeyPem!);
  } catch {
    throw new WechatConfigError(`${WECHAT_VARIABLES.privateKeyPem}: not a PEM private key (apiclient_key.pem).`);
  }
  try {
    createPublicKey(got.publicKeyPem!);
  } catch {
    throw new WechatConfigError(`${WECHAT_VARIABLES.publicKeyPem}: not a PEM public key (pub_key.pem from the merchant platform).`);
  }
  const gateway = urlSetting(env, WECHAT_VARIABLES.gateway) ?? WECHAT_DEFAULT_GATEWAY;
  const notifyBaseUrl = urlSetting(env, WECHAT_VARIABLES.notifyBaseUrl);
  return { ...(got as { [K in keyof typeof got]: string }), apiV3Key: apiV3Key!, gateway, notifyBaseUrl };
}

function urlSetting(env: NodeJS.ProcessEnv, name: string): string | null {
  const v = env[name]?.trim();
  if (!v) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new WechatConfigError(`${name}=${JSON.stringify(v)} is not a URL.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new WechatConfigError(`${name}: only http(s) addresses.`);
  return v.replace(/\/+$/, '');
}
