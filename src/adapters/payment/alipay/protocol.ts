// Alipay's open platform (OpenAPI v2, gateway.do) as both sides speak it: the methods Haoka calls, the JSON
// envelope of an answer (`<method>_response` and `sign`), the public codes and sub-codes, the form of an
// asynchronous notification, its resend schedule, and the signature base (sorted key=value pairs, RSA2 =
// SHA256withRSA, base64). Amounts are yuan with two decimals on the wire and integer fen everywhere else.
import { createSign, createVerify, type KeyObject } from 'node:crypto';

export const METHODS = {
  wapPay: 'alipay.trade.wap.pay',
  query: 'alipay.trade.query',
  close: 'alipay.trade.close',
  refund: 'alipay.trade.refund',
  refundQuery: 'alipay.trade.fastpay.refund.query',
  billUrl: 'alipay.data.dataservice.bill.downloadurl.query',
} as const;

/** The envelope key of a method's answer: alipay.trade.query -> alipay_trade_query_response. */
export const responseKeyOf = (method: string) => `${method.replaceAll('.', '_')}_response`;

/** Public codes (公共错误码). */
export const CODE = { ok: '10000', unavailable: '20000', missingParam: '40001', invalidParam: '40002', businessFailed: '40004' } as const;

export const SUB = {
  tradeNotExist: 'ACQ.TRADE_NOT_EXIST',
  tradeHasClose: 'ACQ.TRADE_HAS_CLOSE',
  tradeStatusError: 'ACQ.TRADE_STATUS_ERROR',
  systemError: 'ACQ.SYSTEM_ERROR',
  refundAmountExceeded: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
  balanceNotEnough: 'ACQ.SELLER_BALANCE_NOT_ENOUGH',
  invalidSignature: 'isv.invalid-signature',
  invalidAppId: 'isv.invalid-app-id',
  billNotExist: 'isp.bill_not_exist',
  unknownError: 'isp.unknow-error',
} as const;

/** Trade states (交易状态). TRADE_FINISHED: paid, no longer refundable. */
export type AlipayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_CLOSED' | 'TRADE_SUCCESS' | 'TRADE_FINISHED';

/**
 * When Alipay notifies again a notification not answered `success`, after the first delivery: "4m, 10m, 10m,
 * 1h, 2h, 6h, 15h", eight deliveries in about 25 hours (异步通知说明), then it gives up.
 */
export const ALIPAY_RESEND_AFTER_MS = [4, 10, 10, 60, 120, 360, 900].map((m) => m * 60_000);

/** What the merchant's notify_url must print, exactly, for Alipay to stop resending. */
export const NOTIFY_ACK = 'success';

/** The sign base: every parameter but `sign` (and, for notifications, `sign_type`), sorted by name, `k=v` joined by `&`; empty values left out. */
export function signBase(params: Record<string, string>, omit: readonly string[] = ['sign']): string {
  return Object.keys(params).filter((k) => !omit.includes(k) && params[k] !== '' && params[k] !== undefined).sort().map((k) => `${k}=${params[k]}`).join('&');
}

export function rsa2Sign(key: KeyObject | string, text: string): string {
  return createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
}

export function rsa2Verify(key: KeyObject | string, text: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(text, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

export class AmountFormatError extends Error {}

/** "12.34" yuan as 1234 fen, exactly (no floating point on money). */
export function yuanToFen(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new AmountFormatError(`not an amount in yuan: ${JSON.stringify(text)}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** Alipay writes times as "yyyy-MM-dd HH:mm:ss", Beijing time. */
export function beijingTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** "yyyy-MM-dd HH:mm:ss" in Beijing time as UTC milliseconds; null when it is not one. */
export function parseBeijingTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - 8 * 3_600_000;
}

/** An out_trade_no / out_request_no as Alipay takes it: up to 64 letters, digits and underscores. */
export const OUT_NO = /^[A-Za-z0-9_\-]{1,64}$/;
