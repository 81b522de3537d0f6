// Which payment channels this deployment offers. Demo: all three (simulated, or the fake gateways). Production:
// a channel is offered when it is configured, through its merchant account (Alipay's application, WeChat Pay's
// API v3 account, the bank's merchant number and interface address) or its notification key; one left unconfigured is simply not offered (not in checkout, a
// payment there refused), and at least one must be.
import { PAYMENT_CHANNELS, type PaymentChannel } from './domain/order.ts';
import type { PartnerKeys } from './config-keys.ts';

/** The partner keys that belong to a payment channel: in production each is needed only for the channel it serves. */
export const PAYMENT_KEY_FIELDS: ReadonlySet<keyof PartnerKeys> = new Set<keyof PartnerKeys>(['alipay', 'wechat', 'wechatApiV3', 'bank']);

export function offeredChannels(mode: 'demo' | 'production', keys: Partial<PartnerKeys>, accounts: { alipay?: unknown; wechat?: unknown; bank?: unknown }): PaymentChannel[] {
  if (mode === 'demo') return [...PAYMENT_CHANNELS];
  const configured: Record<PaymentChannel, boolean> = {
    alipay: Boolean(accounts.alipay) || Boolean(keys.alipay),
    wechat: Boolean(accounts.wechat) || Boolean(keys.wechat),
    bank: Boolean(accounts.bank) || Boolean(keys.bank),
  };
  return PAYMENT_CHANNELS.filter((c) => configured[c]);
}

export const NO_CHANNEL_MESSAGE = 'production (HAOKA_MODE=production) needs at least one payment channel: an Alipay application (HAOKA_ALIPAY_APP_ID and its keys), a WeChat Pay merchant account (HAOKA_WECHAT_MCH_ID …), the bank interface (HAOKA_BANK_MERCHANT_ID, HAOKA_BANK_GATEWAY and HAOKA_BANK_NOTIFY_KEY), or a channel notification key (HAOKA_ALIPAY_NOTIFY_KEY, HAOKA_WECHAT_NOTIFY_KEY, HAOKA_BANK_NOTIFY_KEY).';
