// What money that the channel says arrived does to its order, however we learned of it: the channel's
// notification, our query before the payment deadline, or the daily bill.
import { decide, SYSTEM } from '../../domain/decide.ts';
import { fail, isError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type { Settings } from '../../domain/settings.ts';
import type { PaymentRow } from '../../adapters/store/payment-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { Deps } from '../platform/deps.ts';
import { commitDecisions } from '../platform/commit.ts';
import { eventRow } from '../platform/rows.ts';
import { startRefund } from '../refunds/refunds.ts';
import { applyPenaltyPaid } from '../after-sales/closure-penalty.ts';

export type NoticeOutcome = 'paid' | 'duplicate' | 'refunded_late_payment';

/**
 * A payment just captured (marked succeeded in this transaction): the order becomes paid, or, when it closed, was
 * paid another way or was re-priced before this money arrived, the money goes back to where it came from.
 */
export async function applyCapturedPayment(r: Repos, payment: PaymentRow, now: number, settings: Settings): Promise<NoticeOutcome> {
  const channel = payment.channel as PaymentChannel;
  // An account closure's early-termination penalty: the closure moves on, the order does not.
  if (payment.purpose === 'penalty') return applyPenaltyPaid(r, payment, now);
  const order = await r.orders.getOrder(payment.order_id, true);
  if (!order) throw new Error(`payment ${payment.id} refers to missing order ${payment.order_id}`);
  // A payment opened before the order was re-priced (plan switched) does not pay for it: refunded like a late one.
  const decision = payment.amount_fen === order.amountFen
    ? decide(order, { type: 'pay', channel, paymentNo: payment.id }, { now, settings })
    : fail('ORDER.NOT_PAYABLE', 'The order was re-priced after this payment was opened.', { paidFen: payment.amount_fen, amountFen: order.amountFen });
  if (!isError(decision)) {
    await commitDecisions(r, [{ before: order, decision, actor: SYSTEM }], now);
    return 'paid';
  }
  await r.orders.insertEvents([eventRow(order, { event: { action: 'payment.late_refund_started', fromState: order.state, toState: order.state, reason: `${channel}:${payment.id}`, automatic: true } }, SYSTEM, now)]);
  if (payment.amount_fen > 0) await startRefund(r, { orderId: order.id, paymentId: payment.id, channel, amountFen: payment.amount_fen, reason: 'late_payment' }, now);
  return 'refunded_late_payment';
}

/**
 * A trade the channel holds as paid, found by asking it (our query before the deadline close, or the customer's
 * payment check): captured and applied as its notification would be, in the caller's transaction. 'duplicate' when
 * the payment was captured already (its notification came first).
 */
export async function captureFoundTrade(r: Repos, paymentId: string, tradeNo: string, now: number, settings: Settings): Promise<NoticeOutcome> {
  const fresh = await r.payments.getPayment(paymentId, true);
  if (!fresh || !(await r.payments.markPaymentSucceeded(paymentId, tradeNo, now))) return 'duplicate';
  return applyCapturedPayment(r, fresh, now, settings);
}

/**
 * Whether a trade the channel holds as paid pays this payment: only at our amount. Another amount pays nothing here;
 * the daily bill puts the difference before an operator, as a notification with that amount would have been refused.
 */
export function paysOurAmount(log: Deps['log'], p: PaymentRow, channelFen: number): boolean {
  if (channelFen === p.amount_fen) return true;
  log.warn({ paymentNo: p.id, ourFen: p.amount_fen, channelFen }, 'channel holds another amount for this payment; left to reconciliation');
  return false;
}
