// The bank channel's settings from configuration: the merchant number the bank issued, the bank's interface
// address, and our public address that it notifies; the key it issued (HAOKA_BANK_NOTIFY_KEY, a partner key: see
// config-keys.ts) signs both ways. Without a merchant number or an address the bank is not connected: production
// then offers it only through its notification key (the built-in batch simulator), as before.
import { urlSetting } from '../alipay/config.ts';

export interface BankConfig {
  merchantId: string;
  /** The bank's interface address (https://…); a fake bank on 127.0.0.1 in tests. */
  gateway: string;
  /** Our public address that the bank notifies (…/api/v1/payments/callback/bank). */
  notifyBaseUrl: string | null;
}

export class BankConfigError extends Error {}

export const BANK_VARIABLES = {
  merchantId: 'HAOKA_BANK_MERCHANT_ID',
  gateway: 'HAOKA_BANK_GATEWAY',
  notifyBaseUrl: 'HAOKA_BANK_NOTIFY_BASE_URL',
  key: 'HAOKA_BANK_NOTIFY_KEY',
} as const;

/** Null when neither the merchant number nor the address is given; an error naming what is missing when only part is. */
export function loadBankConfig(env: NodeJS.ProcessEnv, key: string | undefined): BankConfig | null {
  const merchantId = env[BANK_VARIABLES.merchantId]?.trim() || null;
  let gateway: string | null;
  let notifyBaseUrl: string | null;
  try {
    gateway = urlSetting(env, BANK_VARIABLES.gateway);
    notifyBaseUrl = urlSetting(env, BANK_VARIABLES.notifyBaseUrl);
  } catch (e) {
    throw new BankConfigError((e as Error).message);
  }
  if (merchantId === null && gateway === null) return null;
  const missing = [merchantId === null && BANK_VARIABLES.merchantId, gateway === null && BANK_VARIABLES.gateway, !key && BANK_VARIABLES.key].filter(Boolean);
  if (missing.length) throw new BankConfigError(`The bank channel is partly configured: ${missing.join(', ')} missing (set the merchant number, the address and the key, or none).`);
  if (!/^[A-Za-z0-9]{6,32}$/.test(merchantId!)) throw new BankConfigError(`${BANK_VARIABLES.merchantId}: 6 to 32 letters or digits, as the bank issued it.`);
  return { merchantId: merchantId!, gateway: gateway!, notifyBaseUrl };
}
