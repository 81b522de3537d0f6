import { decide, SYSTEM } from '../domain/decide.ts';
import { fail, isError, type DomainError } from '../domain/errors.ts';
import type { PaymentChannel } from '../domain/order.ts';
import { commitDecisions, eventRow, notifyRow } from './commit.ts';
import { inTx, type Deps } from './deps.ts';

export type NoticeOutcome = 'paid' | 'duplicate' | 'refunded_late_payment';

/**
 * Applies a channel's payment notification exactly once. Channels resend until acknowledged, so a fresh
 * delivery of a known payment is acknowledged with no second effect; a byte-for-byte replay (same nonce)
 * is refused. Money that arrives for an order that already closed is refunded, never kept.
 */
export async function applyPaymentNotice(deps: Deps, channel: PaymentChannel, headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<{ outcome: NoticeOutcome; orderId: string } | DomainError> {
  const now = deps.clock.now();
  const notice = deps.payments[channel].verifyNotification(headers, rawBody, now);
  if (isError(notice)) return notice;
  const settings = await deps.settings.get();
  return inTx(deps.store, async (r) => {
    const payment = await r.payments.getPayment(notice.paymentNo, true);
    if (!payment) return fail('PAYMENT.NOT_FOUND', 'No such payment.', { paymentNo: notice.paymentNo });
    if (payment.channel !== channel) return fail('PAYMENT.CHANNEL_MISMATCH', 'The payment was opened at another channel.', { paymentNo: payment.id });
    if (payment.amount_fen !== notice.amountFen) {
      return fail('PAYMENT.AMOUNT_MISMATCH', 'The notified amount differs from the payment.', { expectedFen: payment.amount_fen, notifiedFen: notice.amountFen });
    }
    const captured = await r.payments.markPaymentSucceeded(payment.id, notice.tradeNo, now);
    const outcome: NoticeOutcome = !captured ? 'duplicate' : 'paid';
    if (!(await r.payments.recordNotification(channel, notice.nonce, payment.id, outcome, now))) {
      return fail('PAYMENT.REPLAYED', 'This notification was already received.', { nonce: notice.nonce });
    }
    if (!captured) return { outcome, orderId: payment.order_id };
    const order = await r.orders.getOrder(payment.order_id, true);
    if (!order) throw new Error(`payment ${payment.id} refers to missing order ${payment.order_id}`);
    const decision = decide(order, { type: 'pay', channel, paymentNo: payment.id }, { now, settings });
    if (!isError(decision)) {
      await commitDecisions(r, [{ before: order, decision, actor: SYSTEM }], now);
      return { outcome, orderId: order.id };
    }
    // The order closed (or was paid another way) before this money arrived: refund it to where it came from.
    const refundNo = `RF${payment.id.slice(3)}`;
    await r.payments.insertRefund({
      id: refundNo, order_id: order.id, payment_id: payment.id, channel, amount_fen: payment.amount_fen, state: 'pending',
      reason: 'late_payment', created_at: now, updated_at: now, succeeded_at: null,
    });
    await r.orders.insertEvents([eventRow(order, { event: { action: 'payment.late_refund_started', fromState: order.state, toState: order.state, reason: `${channel}:${payment.id}`, automatic: true } }, SYSTEM, now)]);
    await r.queue.insertOutbox([
      { order_id: order.id, topic: 'refund', payload: JSON.stringify({ refundNo }), attempts: 0, next_attempt_at: now, created_at: now },
      notifyRow(order, 'late_payment_refunded', { orderId: order.id, amountFen: payment.amount_fen, channel }, now),
    ]);
    return { outcome: 'refunded_late_payment', orderId: order.id };
  });
}
