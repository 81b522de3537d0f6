// What the channel says about a refund attempt (its answer, a query, a notification), recorded once; an
// ending tells the customer and lets what waits on the refund (a cancellation request) settle.
import { SYSTEM } from '../../domain/decide.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import { canRefundMove, isRefundFinal, refundCheckDelay, type RefundState } from '../../domain/refund.ts';
import type { RefundPatch } from '../../adapters/store/refund-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { notifyRow } from '../platform/rows.ts';
import { refundSettled } from './refund-settled.ts';
import { historyRow } from './refunds.ts';

export type RefundOutcome =
  | { to: 'processing'; channelRefundNo: string | null; error?: string | null; checkAfterMs?: number }
  | { to: 'succeeded'; channelRefundNo: string }
  | { to: 'failed' | 'closed'; error: string };

/**
 * Records what the channel said about an attempt (its answer, a query, a notification), once: a move the
 * state table does not allow (the attempt already ended, or already was processing) changes nothing and
 * returns false. An ending writes the order's audit event and tells the customer.
 */
export async function recordRefundOutcome(r: Repos, refundNo: string, outcome: RefundOutcome, via: string, now: number): Promise<boolean> {
  const refund = await r.refunds.getRefund(refundNo, true);
  if (!refund || !canRefundMove(refund.state as RefundState, outcome.to)) return false;
  const patch: RefundPatch = outcome.to === 'processing'
    ? { channel_refund_no: outcome.channelRefundNo, last_error: outcome.error ?? null, sent_at: refund.sent_at ?? now, checks: 0,
        next_check_at: now + (outcome.checkAfterMs ?? refundCheckDelay(refund.channel as PaymentChannel, 0)) }
    : outcome.to === 'succeeded'
      ? { channel_refund_no: outcome.channelRefundNo, succeeded_at: now, finished_at: now, next_check_at: null, last_error: null, sent_at: refund.sent_at ?? now }
      : { last_error: outcome.error, finished_at: now, next_check_at: null };
  if (!(await r.refunds.moveRefund(refund.id, [refund.state], outcome.to, patch, now))) return false;
  const note = outcome.to === 'succeeded' ? `${via}: ${outcome.channelRefundNo}` : 'error' in outcome && outcome.error ? `${via}: ${outcome.error}` : via;
  await r.refunds.insertEvents([historyRow(refund.id, refund.order_id, refund.state, outcome.to, `refund.${outcome.to}`, SYSTEM, now, note)]);
  if (!isRefundFinal(outcome.to)) return true;
  const order = await r.orders.getOrder(refund.order_id);
  if (!order) throw new Error(`refund ${refund.id} refers to missing order ${refund.order_id}`);
  await r.orders.insertEvents([{
    order_id: order.id, actor_type: 'system', actor_id: SYSTEM.id, action: `refund.${outcome.to}`, from_state: order.state, to_state: order.state,
    reason: `${refund.id}: ${note}`, automatic: 1, at: now,
  }]);
  const data = { orderId: order.id, refundNo: refund.id, amountFen: refund.amount_fen, channel: refund.channel };
  await r.queue.insertOutbox([outcome.to === 'succeeded'
    ? notifyRow(order, 'refund_arrived', data, now)
    : notifyRow(order, 'refund_failed', { ...data, error: outcome.error }, now)]);
  const ended = await r.refunds.getRefund(refund.id);
  await refundSettled(r, ended!, now);
  return true;
}
