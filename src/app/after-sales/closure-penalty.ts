// The early-termination penalty (违约金) of an account closure is collected before an agent spends time on the
// closure: paid through the same channels, simulators and signed notifications as an order, applied once. A
// closure withdrawn by the customer or refused by an agent after the penalty was paid gives it back through
// the refund path; money for a closure that no longer waits for it (paid twice, paid after a withdrawal) too.
import { type Actor, SYSTEM } from '../../domain/decide.ts';
import { canClosureMove, type ClosureState } from '../../domain/account-closure.ts';
import { fail, type DomainError } from '../../domain/errors.ts';
import type { Order, PaymentChannel } from '../../domain/order.ts';
import type { ClosureRow } from '../../adapters/store/after-sales-repo.ts';
import type { PaymentRow } from '../../adapters/store/payment-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { notifyRow } from '../platform/rows.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { refuseUnoffered } from '../platform/offered-channels.ts';
import { startRefund } from '../refunds/refunds.ts';
import { requestEventRow } from '../cancellation/request-commit.ts';
import type { StartedPayment } from '../ordering/start-payment.ts';
import type { Principal } from '../platform/secrets.ts';

/** Opens a payment of the penalty at the chosen channel; the channel's notification moves the closure on. */
export async function startPenaltyPayment(deps: Deps, orderId: string, customerId: string, channel: PaymentChannel): Promise<StartedPayment | DomainError> {
  const unoffered = refuseUnoffered(deps, channel);
  if (unoffered) return unoffered;
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  const expiresAt = now + settings.paymentTimeoutMs;
  const opened = await inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || order.customerId !== customerId) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    const closure = await r.afterSales.closureFor(order.id, true);
    if (!closure) return fail('CLOSURE.NOT_FOUND', 'This line has no account closure.', { orderId });
    if (closure.state !== 'awaiting_penalty') {
      return fail('CLOSURE.PENALTY_NOT_DUE', closure.penalty_paid_at !== null ? 'The penalty is already paid.' : `The closure is ${closure.state}: no penalty is due.`, { state: closure.state, penaltyFen: closure.penalty_fen });
    }
    const paymentNo = newId('PAY', now);
    await r.payments.insertPayment({ id: paymentNo, order_id: order.id, channel, amount_fen: closure.penalty_fen, state: 'created', channel_trade_no: null, created_at: now, succeeded_at: null, purpose: 'penalty' });
    await r.orders.insertEvents([requestEventRow(order, { action: 'closure.penalty_payment_opened', reason: `${closure.id} ${channel}:${paymentNo} ${closure.penalty_fen} fen`, automatic: false }, { type: 'customer', id: customerId }, now)]);
    return { paymentNo, order, closure };
  });
  if ('kind' in opened) return opened;
  const { paymentNo, order, closure } = opened;
  const { payUrl } = await deps.payments[channel].createPayment({ paymentNo, amountFen: closure.penalty_fen, subject: `销户违约金 ${order.number}`, expiresAt });
  return { paymentNo, orderId: order.id, channel, amountFen: closure.penalty_fen, payUrl, expiresAt };
}

/**
 * A captured penalty payment, inside the notification's transaction (called once per payment: the capture is a
 * guarded update). The closure waiting for it moves to the agents' queue; otherwise the money goes back.
 */
export async function applyPenaltyPaid(r: Repos, payment: PaymentRow, now: number): Promise<'paid' | 'refunded_late_payment'> {
  const order = await r.orders.getOrder(payment.order_id, true);
  if (!order) throw new Error(`payment ${payment.id} refers to missing order ${payment.order_id}`);
  const closure = await r.afterSales.closureFor(order.id, true);
  if (closure && closure.state === 'awaiting_penalty' && closure.penalty_fen === payment.amount_fen && (await r.afterSales.markPenaltyPaid(closure.id, payment.id, now))) {
    await r.orders.insertEvents([requestEventRow(order, { action: 'closure.penalty_paid', reason: `${closure.id} ${payment.channel}:${payment.id} ${payment.amount_fen} fen`, automatic: true }, SYSTEM, now)]);
    await r.queue.insertOutbox([notifyRow(order, 'closure_penalty_paid', { orderId: order.id, closureId: closure.id, penaltyFen: payment.amount_fen }, now)]);
    return 'paid';
  }
  await r.orders.insertEvents([requestEventRow(order, { action: 'payment.late_refund_started', reason: `penalty ${payment.channel}:${payment.id}`, automatic: true }, SYSTEM, now)]);
  if (payment.amount_fen > 0) await startRefund(r, { orderId: order.id, paymentId: payment.id, channel: payment.channel as PaymentChannel, amountFen: payment.amount_fen, reason: 'late_payment' }, now);
  return 'refunded_late_payment';
}

/** The customer withdraws a closure that has not completed; a paid penalty is refunded. */
export async function withdrawClosure(deps: Deps, orderId: string, customerId: string): Promise<ClosureRow | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || order.customerId !== customerId) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    const closure = await r.afterSales.closureFor(order.id, true);
    if (!closure) return fail('CLOSURE.NOT_FOUND', 'This line has no account closure.', { orderId });
    return endClosure(r, order, closure, 'withdrawn', 'withdrawn by the customer', { type: 'customer', id: customerId }, now);
  });
}

/** An agent refuses a closure (the customer gave a reason to, the carrier will not close the line); a paid penalty is refunded. */
export async function refuseClosure(deps: Deps, closureId: string, who: Principal, reason: string): Promise<ClosureRow | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const found = await r.afterSales.getClosure(closureId);
    if (!found) return fail('CLOSURE.NOT_FOUND', 'No such account closure.', { closureId });
    const order = (await r.orders.getOrder(found.order_id, true))!;
    const closure = (await r.afterSales.getClosure(closureId, true))!;
    return endClosure(r, order, closure, 'refused', reason, { type: 'agent', id: who.sub }, now);
  });
}

/**
 * The line ended another way while a closure was open (free unsubscription inside the trial, a closure done at
 * the carrier): the closure ends too, and a penalty already paid goes back.
 */
export async function endOpenClosure(r: Repos, order: Order, to: 'withdrawn' | 'refused', reason: string, actor: Actor, now: number): Promise<void> {
  const closure = await r.afterSales.closureFor(order.id, true);
  if (closure && canClosureMove(closure.state as ClosureState, to)) await endClosure(r, order, closure, to, reason, actor, now);
}

async function endClosure(r: Repos, order: Order, closure: ClosureRow, to: 'withdrawn' | 'refused', reason: string, actor: Actor, now: number): Promise<ClosureRow | DomainError> {
  if (!canClosureMove(closure.state as ClosureState, to)) return fail('CLOSURE.NOT_OPEN', `The closure is already ${closure.state}.`, { state: closure.state });
  if (!(await r.afterSales.endClosure(closure.id, to, reason, now))) return fail('CLOSURE.NOT_OPEN', 'The closure changed meanwhile.', { closureId: closure.id });
  // Penalty payments still open at a channel close with it (money that arrives anyway is refunded as late).
  await r.payments.closeOpenPayments([order.id]);
  await r.orders.insertEvents([requestEventRow(order, { action: `closure.${to}`, reason: `${closure.id}: ${reason}`, automatic: false }, actor, now)]);
  await r.queue.insertOutbox([notifyRow(order, `closure_${to}`, { orderId: order.id, closureId: closure.id, reason, penaltyFen: closure.penalty_fen, penaltyRefunded: closure.penalty_payment_id !== null }, now)]);
  if (closure.penalty_payment_id) {
    const payment = await r.payments.getPayment(closure.penalty_payment_id);
    await startRefund(r, { orderId: order.id, paymentId: closure.penalty_payment_id, channel: payment!.channel as PaymentChannel, amountFen: closure.penalty_fen, reason: `closure:${closure.id}` }, now, actor);
  }
  return (await r.afterSales.getClosure(closure.id))!;
}
