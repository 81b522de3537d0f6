// WeChat Pay API v3's JSON, as zod schemas: the trade ("transaction") of a query answer and of a payment
// notification, the refund of a refund answer, query and notification, and the notification envelope. Only the
// fields we act on are read; WeChat adds fields freely, so unknown ones pass. Limits follow partner-push.ts.
import { z } from 'zod';
import { PUSH_MAX_FEN, PUSH_REF_MAX } from '../../../domain/policies/partner-push.ts';
import type { RefundStatus, TradeStatus } from '../../../app/platform/ports.ts';

const ref = z.string().min(1).max(PUSH_REF_MAX).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');
const fen = z.number().int().min(0).max(PUSH_MAX_FEN);
/** RFC 3339 with an offset, as WeChat writes times: 2018-06-08T10:34:56+08:00. */
const time = z.string().max(40).refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/.test(s) && Number.isFinite(Date.parse(s)), 'an RFC 3339 time');

export const TRADE_STATES = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'] as const;
export const REFUND_STATES = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'] as const;

export const transaction = z.object({
  appid: z.string().max(PUSH_REF_MAX).optional(),
  mchid: ref,
  out_trade_no: ref,
  transaction_id: ref.optional(),
  trade_type: z.string().max(16).optional(),
  trade_state: z.enum(TRADE_STATES),
  success_time: time.optional(),
  amount: z.object({ total: fen, payer_total: fen.optional(), currency: z.string().max(8).optional() }).optional(),
});
export type Transaction = z.infer<typeof transaction>;

export const refund = z.object({
  refund_id: ref,
  out_refund_no: ref,
  transaction_id: ref.optional(),
  out_trade_no: ref,
  status: z.enum(REFUND_STATES),
  success_time: time.optional(),
  amount: z.object({ total: fen, refund: fen }),
});

/** The refund inside a REFUND.* notification: `refund_status` where the API answer says `status`. */
export const refundResource = z.object({
  mchid: ref,
  out_trade_no: ref,
  transaction_id: ref.optional(),
  out_refund_no: ref,
  refund_id: ref,
  refund_status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']),
  success_time: time.optional(),
  amount: z.object({ total: fen, refund: fen }),
});

export const notificationEnvelope = z.object({
  id: ref,
  create_time: time,
  resource_type: z.literal('encrypt-resource'),
  event_type: z.string().max(PUSH_REF_MAX),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().min(1).max(16_384),
    nonce: z.string().min(1).max(PUSH_REF_MAX),
    associated_data: z.string().max(PUSH_REF_MAX).optional(),
    original_type: z.string().max(32).optional(),
  }),
});

export const billAnswer = z.object({ hash_type: z.string().max(16), hash_value: z.string().max(128), download_url: z.string().url().max(1024) });

/** A trade as we know trades: paid (SUCCESS, or REFUND: paid, then refunded in part or whole), payable, or no longer payable. */
export function tradeStatusOf(t: Transaction): TradeStatus {
  switch (t.trade_state) {
    case 'SUCCESS':
    case 'REFUND':
      return { status: 'paid', tradeNo: t.transaction_id ?? '', amountFen: t.amount?.total ?? 0, paidAt: t.success_time ? Date.parse(t.success_time) : 0 };
    case 'NOTPAY':
    case 'USERPAYING':
      return { status: 'waiting' };
    default:
      // CLOSED (closed by us or lapsed at time_expire), REVOKED (a code payment withdrawn), PAYERROR (failed; the customer must start again)
      return { status: 'closed' };
  }
}

/** A refund's state at the channel as ours. ABNORMAL: the money could not reach the buyer (a closed card); it ends there. */
export function refundStatusOf(r: z.infer<typeof refund>): RefundStatus {
  switch (r.status) {
    case 'SUCCESS': return { status: 'succeeded', channelRefundNo: r.refund_id };
    case 'PROCESSING': return { status: 'processing', channelRefundNo: r.refund_id };
    case 'ABNORMAL': return { status: 'failed', error: 'ABNORMAL: 退款异常, the buyer\'s account could not be credited' };
    case 'CLOSED': return { status: 'closed', error: 'CLOSED: 退款关闭' };
  }
}

/** RFC 3339 in Beijing time, as WeChat writes them. */
export function rfc3339Shanghai(ms: number): string {
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}
