// A refund attempt and its life, as data. One attempt = one refund request number, the idempotency key
// the channel receives (Alipay out_request_no, WeChat Pay out_refund_no, the bank's transfer reference).
// An attempt that ends failed or closed is never sent again; a retry is a NEW attempt linked to it, so a
// request number never means two different payouts.
import type { PaymentChannel } from './order.ts';

export const REFUND_STATES = ['pending', 'processing', 'succeeded', 'failed', 'closed'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

/**
 * Every allowed move. `pending`: written, not yet confirmed by the channel. `processing`: the channel
 * accepted it, or answered so that we cannot tell (a timeout) and must ask before doing anything else.
 * A pending attempt may settle directly: the channel's notification can overtake our record of its answer.
 * `failed`: the channel refused it. `closed`: it never took effect at the channel (WeChat REFUND.CLOSED, or
 * the channel never received it and we stopped trying).
 */
export const REFUND_TRANSITIONS: Readonly<Record<RefundState, readonly RefundState[]>> = {
  pending: ['processing', 'succeeded', 'failed', 'closed'],
  processing: ['succeeded', 'failed', 'closed'],
  succeeded: [],
  failed: [],
  closed: [],
};

export const canRefundMove = (from: RefundState, to: RefundState): boolean => REFUND_TRANSITIONS[from].includes(to);

export const isRefundFinal = (s: RefundState): boolean => REFUND_TRANSITIONS[s].length === 0;

/** Only an attempt that certainly paid nothing may be followed by a new request number. */
export const isRetryable = (s: RefundState): boolean => s === 'failed' || s === 'closed';

/** Money that is, or may yet be, on its way back: counted against what the payment can still refund. */
export const holdsMoney = (s: RefundState): boolean => s === 'pending' || s === 'processing' || s === 'succeeded';

/** What the customer reads for each state. */
export const REFUND_STATE_TEXT: Readonly<Record<RefundState, string>> = {
  pending: '退款已发起',
  processing: '退款处理中',
  succeeded: '退款已到账',
  failed: '退款失败，客服将重新发起',
  closed: '退款未成功，客服将重新发起',
};

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * How long a refund may stay processing before we ask the channel. Alipay answers at once, so a
 * processing Alipay refund is one whose answer was lost: ask soon. WeChat Pay usually notifies within
 * minutes; bank batches run a few times a day.
 */
export const REFUND_CHECK_AFTER_MS: Readonly<Record<PaymentChannel, number>> = {
  alipay: MIN,
  wechat: 10 * MIN,
  bank: 4 * HOUR,
};

/** The n-th check (0-based) after acceptance: doubling, at most a day apart. */
export function refundCheckDelay(channel: PaymentChannel, checks: number): number {
  return Math.min(REFUND_CHECK_AFTER_MS[channel] * 2 ** Math.max(0, checks), 24 * HOUR);
}

/**
 * After this many sends that the channel answered with a transient error, we ask the channel whether
 * it knows the request; if it does not, the attempt is closed and an agent retries it under a new number.
 */
export const REFUND_SEND_ATTEMPTS = 8;
