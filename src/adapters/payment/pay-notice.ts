// The payment notification of the simulated channels and of the bank channel: a JSON body signed HMAC-SHA256 with
// the channel's key over "timestamp\nnonce\nbody\n" (X-Pay-Timestamp, -Nonce, -Signature). Alipay and WeChat Pay
// have their own (adapters/payment/alipay, wechat); this one is not a published protocol.
import { createHmac } from 'node:crypto';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { parsePush, paymentNoticeBody } from '../../app/platform/push-schemas.ts';
import type { PaymentNotice } from '../../app/platform/ports.ts';
import { NOTIFICATION_MAX_AGE_MS, sameText, type SignedDelivery } from './sim-records.ts';

export function signPayNotice(key: string, body: string, timestamp: number, nonce: string): SignedDelivery {
  const signature = createHmac('sha256', key).update(`${timestamp}\n${nonce}\n${body}\n`).digest('base64');
  return { headers: { 'content-type': 'application/json', 'x-pay-timestamp': String(timestamp), 'x-pay-nonce': nonce, 'x-pay-signature': signature }, body };
}

export function verifyPayNotice(key: string, headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): PaymentNotice | DomainError {
  const ts = Number(headers['x-pay-timestamp']);
  const nonce = headers['x-pay-nonce'];
  const sig = headers['x-pay-signature'];
  if (!Number.isFinite(ts) || typeof nonce !== 'string' || typeof sig !== 'string' || nonce.length < 8) {
    return fail('PAYMENT.BAD_SIGNATURE', 'The notification is not signed.');
  }
  if (!sameText(signPayNotice(key, rawBody, ts, nonce).headers['x-pay-signature']!, sig)) return fail('PAYMENT.BAD_SIGNATURE', 'The notification signature does not verify.');
  if (Math.abs(now - ts) > NOTIFICATION_MAX_AGE_MS) return fail('PAYMENT.REPLAYED', 'The notification is too old to be accepted.', { timestamp: ts });
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(rawBody) as Record<string, unknown>;
  } catch {
    return fail('REQUEST.MALFORMED_JSON', 'The notification body is not JSON.');
  }
  const n = parsePush(paymentNoticeBody, b);
  if (isError(n)) return n;
  return { nonce, paymentNo: n.payment_no, tradeNo: n.trade_no, amountFen: n.amount_fen, status: n.trade_state };
}
