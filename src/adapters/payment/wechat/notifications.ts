// WeChat Pay's notifications (支付成功通知 TRANSACTION.SUCCESS, 退款结果通知 REFUND.SUCCESS / ABNORMAL / CLOSED) are
// claims: the Wechatpay-* headers must verify against the WeChat Pay public key over "timestamp\nnonce\nbody\n",
// the timestamp must be within 5 minutes, the resource must open with our API v3 key, the event must be a kind we
// know and the trade must be for our merchant and app. Only then is the content handed to the use case, which
// checks it against the order (amount, trade, state).
import { fail, isError, type DomainError } from '../../../domain/errors.ts';
import { parsePush } from '../../../app/platform/push-schemas.ts';
import type { PaymentNotice, RefundNotice } from '../../../app/platform/ports.ts';
import type { WechatPayClient } from './client.ts';
import { notificationEnvelope, refundResource, transaction } from './messages.ts';
import { decryptResource, headerOf } from './signing.ts';

type Headers = Record<string, string | string[] | undefined>;

export const REFUND_EVENTS = { 'REFUND.SUCCESS': 'succeeded', 'REFUND.ABNORMAL': 'failed', 'REFUND.CLOSED': 'closed' } as const;

export interface OpenedNotification {
  id: string;
  eventType: string;
  nonce: string;
  content: unknown;
}

/** Verifies and opens a notification; its content still has to be parsed for its kind. */
export function openNotification(client: WechatPayClient, apiV3Key: string, headers: Headers, rawBody: string, now: number): OpenedNotification | DomainError {
  const problem = client.signatureProblem((n) => headerOf(headers, n), rawBody, now);
  if (problem === 'stale timestamp') return fail('PAYMENT.REPLAYED', 'The notification is too old to be accepted.', { timestamp: headerOf(headers, 'wechatpay-timestamp') });
  if (problem) return fail('PAYMENT.BAD_SIGNATURE', `The notification is not WeChat Pay's: ${problem}.`);
  let raw: unknown;
  try {
    raw = JSON.parse(rawBody);
  } catch {
    return fail('REQUEST.MALFORMED_JSON', 'The notification body is not JSON.');
  }
  const env = parsePush(notificationEnvelope, raw);
  if (isError(env)) return env;
  let content: unknown;
  try {
    content = JSON.parse(decryptResource(apiV3Key, env.resource));
  } catch {
    return fail('PAYMENT.BAD_SIGNATURE', 'The notification content does not open with our API v3 key.');
  }
  return { id: env.id, eventType: env.event_type, nonce: headerOf(headers, 'wechatpay-nonce')!, content };
}

/** A TRANSACTION.SUCCESS for our merchant and app, as our PaymentNotice. */
export function paymentNoticeOf(opened: OpenedNotification, mine: { mchId: string; appId: string }): PaymentNotice | DomainError {
  if (opened.eventType !== 'TRANSACTION.SUCCESS') return fail('CALLBACK.UNKNOWN_KIND', `A payment notification of kind ${opened.eventType.slice(0, 64)} is not one we take.`, { field: 'event_type' });
  const t = parsePush(transaction, opened.content);
  if (isError(t)) return t;
  if (t.mchid !== mine.mchId || (t.appid !== undefined && t.appid !== mine.appId)) {
    return fail('PAYMENT.CHANNEL_MISMATCH', 'The notification is for another merchant or app.', { mchid: t.mchid });
  }
  if (t.trade_state !== 'SUCCESS' || !t.transaction_id || !t.amount) return fail('CALLBACK.UNKNOWN_KIND', `A trade in state ${t.trade_state} is not a payment.`, { field: 'trade_state' });
  return { nonce: opened.nonce, paymentNo: t.out_trade_no, tradeNo: t.transaction_id, amountFen: t.amount.total, status: 'SUCCESS' };
}

/** A REFUND.* notification for our merchant, as our RefundNotice. */
export function refundNoticeOf(opened: OpenedNotification, mine: { mchId: string }): RefundNotice | DomainError {
  const ours = REFUND_EVENTS[opened.eventType as keyof typeof REFUND_EVENTS];
  if (!ours) return fail('CALLBACK.UNKNOWN_KIND', `A refund notification of kind ${opened.eventType.slice(0, 64)} is not one we take.`, { field: 'event_type' });
  const r = parsePush(refundResource, opened.content);
  if (isError(r)) return r;
  if (r.mchid !== mine.mchId) return fail('PAYMENT.CHANNEL_MISMATCH', 'The notification is for another merchant.', { mchid: r.mchid });
  const status = r.refund_status === 'SUCCESS' ? 'succeeded' : r.refund_status === 'ABNORMAL' ? 'failed' : 'closed';
  if (status !== ours) return fail('CALLBACK.INVALID_FIELD', 'The event and the refund status disagree.', { field: 'refund_status' });
  return {
    notifyId: opened.id, refundNo: r.out_refund_no, paymentNo: r.out_trade_no, channelRefundNo: r.refund_id, amountFen: r.amount.refund,
    status, error: status === 'succeeded' ? null : r.refund_status,
  };
}
