// Alipay's asynchronous notifications (异步通知, notify_type trade_status_sync) are claims: a form POSTed to the
// notify_url, signed RSA2 by Alipay over its sorted parameters (sign and sign_type left out), checked here with
// the SDK's checkNotifySignV2 against Alipay's public key; then the app must be ours (and the seller, when
// configured), the notification fresh (notify_time within 5 minutes: every resend is signed afresh), and the
// trade paid. A refund or a close changes the trade's status too and is notified the same way: signed and
// well formed, it is acknowledged (`success`) and changes nothing, since refunds are answered in their own call.
import { createHash } from 'node:crypto';
import type { AlipaySdk } from 'alipay-sdk';
import { fail, type DomainError } from '../../../domain/errors.ts';
import type { PaymentNotice } from '../../../app/platform/ports.ts';
import { NOTIFICATION_MAX_AGE_MS } from '../sim-records.ts';
import type { AlipayConfig } from './config.ts';
import { AmountFormatError, parseBeijingTime, yuanToFen } from './protocol.ts';

type Headers = Record<string, string | string[] | undefined>;

/** The form's fields, decoded; null when the body is not a form. */
export function formFields(headers: Headers, rawBody: string): Record<string, string> | null {
  const type = String(headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded')) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawBody)) out[k] = v;
  return out;
}

/**
 * A verified trade_status_sync. Those that are not a payment (a refund: refund_fee / out_biz_no; a close) are
 * refused with CALLBACK.UNKNOWN_KIND and `acknowledge: true`: they are Alipay's own and owed `success`.
 */
export function readNotification(sdk: AlipaySdk, cfg: Pick<AlipayConfig, 'appId' | 'sellerId'>, headers: Headers, rawBody: string, now: number): PaymentNotice | DomainError {
  const f = formFields(headers, rawBody);
  if (!f) return fail('REQUEST.INVALID', 'An Alipay notification is a form (application/x-www-form-urlencoded).');
  if (!f.sign) return fail('PAYMENT.BAD_SIGNATURE', 'The notification is not signed.');
  if (f.sign_type && f.sign_type !== 'RSA2') return fail('PAYMENT.BAD_SIGNATURE', `The notification is signed ${f.sign_type}; only RSA2 is taken.`);
  if (!sdk.checkNotifySignV2(f)) return fail('PAYMENT.BAD_SIGNATURE', 'The notification signature does not verify with Alipay\'s public key.');
  return paymentNoticeOf(f, cfg, now);
}

/** A notification's fields, once its signature is checked, as the payment it reports (or the refusal of it). */
export function paymentNoticeOf(f: Record<string, string>, cfg: Pick<AlipayConfig, 'appId' | 'sellerId'>, now: number): PaymentNotice | DomainError {
  if (f.app_id !== cfg.appId) return fail('CALLBACK.INVALID_FIELD', 'The notification is for another app.', { field: 'app_id' });
  if (cfg.sellerId && f.seller_id !== cfg.sellerId) return fail('CALLBACK.INVALID_FIELD', 'The notification is for another seller.', { field: 'seller_id' });
  const sentAt = parseBeijingTime(f.notify_time ?? '');
  if (sentAt === null) return fail('CALLBACK.INVALID_FIELD', 'notify_time is not a time.', { field: 'notify_time' });
  if (Math.abs(now - sentAt) > NOTIFICATION_MAX_AGE_MS) return fail('PAYMENT.REPLAYED', 'The notification is too old to be accepted.', { notifyTime: f.notify_time });
  if (f.notify_type !== 'trade_status_sync') return fail('CALLBACK.UNKNOWN_KIND', `Not a trade notification: ${f.notify_type ?? 'no notify_type'}.`, { acknowledge: true });
  const refund = (f.out_biz_no ?? '') !== '' || (f.gmt_refund ?? '') !== '';
  if (refund || (f.trade_status !== 'TRADE_SUCCESS' && f.trade_status !== 'TRADE_FINISHED')) {
    return fail('CALLBACK.UNKNOWN_KIND', `Not a payment: trade_status ${f.trade_status ?? '-'}${refund ? ' after a refund' : ''}.`, { acknowledge: true });
  }
  if (!f.out_trade_no || !f.trade_no) return fail('CALLBACK.INVALID_FIELD', 'out_trade_no and trade_no are required.', { field: f.out_trade_no ? 'trade_no' : 'out_trade_no' });
  let amountFen: number;
  try {
    amountFen = yuanToFen(f.total_amount ?? '');
  } catch (e) {
    if (e instanceof AmountFormatError) return fail('CALLBACK.INVALID_FIELD', 'total_amount is not an amount in yuan.', { field: 'total_amount' });
    throw e;
  }
  // A byte-for-byte replay carries the same signature; each resend of Alipay is signed afresh (its notify_time).
  const nonce = createHash('sha256').update(f.sign ?? '').digest('hex').slice(0, 40);
  return { nonce, paymentNo: f.out_trade_no, tradeNo: f.trade_no, amountFen, status: 'SUCCESS' };
}
