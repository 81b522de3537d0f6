// Refunds to the original channel (原路退回). Each attempt has one request number, written together with
// the outbox row that sends it, inside the caller's transaction: a refund that was decided always exists
// and is always sent, and sending it again (a retry, a crash) repeats the same number, which the channel
// pays at most once. A new number is only ever created for an attempt that certainly paid nothing.
import type { Insertable } from 'kysely';
import { SYSTEM, type Actor } from '../../domain/decide.ts';
import { fail, Rejection, type DomainError } from '../../domain/errors.ts';
import type { Order, PaymentChannel } from '../../domain/order.ts';
import { refundEta } from '../../domain/policies/refund-eta.ts';
import { canRefundMove, holdsMoney, isRefundFinal, isRetryable, refundCheckDelay, type RefundState } from '../../domain/refund.ts';
import type { RefundEventsTable } from '../../adapters/store/schema.ts';
import type { RefundPatch, RefundRow } from '../../adapters/store/refund-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { notifyRow } from '../platform/rows.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';

export interface StartRefundInput {
  orderId: string;
  paymentId: string;
  channel: PaymentChannel;
  /** What goes back to the customer, in fen: the payment, less any fee or penalty below. */
  amountFen: number;
  reason: string;
  /** Express refund (极速退款): expected on the day it starts. */
  express?: boolean;
  /** Kept by the platform and shown to the customer as the difference (both default to 0). */
  feeFen?: number;
  penaltyFen?: number;
  /** The order as the caller's transaction already holds it (a decision just written), so it is not read again. */
  order?: Order;
}

/** Which notice tells the customer that a refund started: a late payment has its own words. */
const STARTED_TEMPLATE: Record<string, string> = { late_payment: 'late_payment_refunded' };

/**
 * Starts a refund inside the caller's transaction: the attempt (pending), its history, the order's audit
 * event, the outbox row that sends it and the customer's notice with the expected arrival date. Refuses
 * (by throwing a Rejection, which rolls the caller back) a payment that is not captured, not this order's,
 * or has not enough left to refund.
 */
export async function startRefund(r: Repos, input: StartRefundInput, now: number, actor: Actor = SYSTEM): Promise<{ refundNo: string }> {
  const feeFen = input.feeFen ?? 0;
  const penaltyFen = input.penaltyFen ?? 0;
  // The payment row lock serialises refunds of one payment (PostgreSQL; SQLite has one writer).
  const payment = await r.payments.getPayment(input.paymentId, true);
  if (!payment || payment.order_id !== input.orderId) reject(fail('PAYMENT.NOT_FOUND', 'No such payment on this order.', { paymentId: input.paymentId, orderId: input.orderId }));
  if (payment.state !== 'succeeded') reject(fail('REFUND.NOT_REFUNDABLE', 'Only a captured payment can be refunded.', { paymentId: payment.id, state: payment.state }));
  if (payment.channel !== input.channel) reject(fail('PAYMENT.CHANNEL_MISMATCH', 'A refund goes back to the channel the payment came from.', { paymentChannel: payment.channel, channel: input.channel }));
  for (const [name, v] of [['amountFen', input.amountFen], ['feeFen', feeFen], ['penaltyFen', penaltyFen]] as const) {
    if (!Number.isSafeInteger(v) || v < 0 || (name === 'amountFen' && v === 0)) reject(fail('REFUND.INVALID_AMOUNT', `${name} must be a whole number of fen${name === 'amountFen' ? ' above zero' : ''}.`, { [name]: v }));
  }
  if (input.amountFen + feeFen + penaltyFen > payment.amount_fen) {
    reject(fail('REFUND.INVALID_AMOUNT', 'The refund, fee and penalty together exceed the payment.', { paymentFen: payment.amount_fen, amountFen: input.amountFen, feeFen, penaltyFen }));
  }
  const held = (await r.refunds.listByPayment(payment.id)).filter((x) => holdsMoney(x.state as RefundState)).reduce((s, x) => s + x.amount_fen, 0);
  if (held + input.amountFen > payment.amount_fen) {
    reject(fail('REFUND.INVALID_AMOUNT', 'The payment has not that much left to refund.', { paymentFen: payment.amount_fen, alreadyRefundingFen: held, amountFen: input.amountFen }));
  }
  const order = input.order?.id === input.orderId ? input.order : await r.orders.getOrder(input.orderId);
  if (!order) throw new Error(`payment ${payment.id} refers to missing order ${input.orderId}`);
  const refundNo = await createAttempt(r, order, {
    paymentId: payment.id, channel: input.channel, amountFen: input.amountFen, feeFen, penaltyFen, reason: input.reason,
    express: input.express ?? false, attempt: 1, previousRefundId: null,
  }, actor, now);
  if (!refundNo) throw new Error(`refund request number collision on order ${order.id}`);
  return { refundNo };
}

/**
 * An agent redoes an attempt that ended failed or closed: a new attempt under a new request number, linked
 * to the old one, for the same money. An attempt whose outcome is not yet known is never redone; two
 * agents retrying at once get one new attempt (the link is unique).
 */
export async function retryRefund(deps: Deps, refundNo: string, actor: Actor, note: string): Promise<{ refundNo: string } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const prev = await r.refunds.getRefund(refundNo, true);
    if (!prev) return fail('REFUND.NOT_FOUND', 'No such refund.', { refundNo });
    if (!isRetryable(prev.state as RefundState)) {
      return fail('REFUND.NOT_RETRYABLE', prev.state === 'succeeded' ? 'This refund has arrived.' : 'This refund is still on its way; it can be redone only once it has failed.', { refundNo, state: prev.state });
    }
    const next = await r.refunds.successorOf(prev.id);
    if (next) return fail('REFUND.ALREADY_RETRIED', 'This refund was already redone.', { refundNo, retriedAs: next.id });
    const order = await r.orders.getOrder(prev.order_id, true);
    if (!order) throw new Error(`refund ${prev.id} refers to missing order ${prev.order_id}`);
    const created = await createAttempt(r, order, {
      paymentId: prev.payment_id, channel: prev.channel as PaymentChannel, amountFen: prev.amount_fen, feeFen: prev.fee_fen, penaltyFen: prev.penalty_fen,
      reason: prev.reason, express: prev.express === 1, attempt: prev.attempt + 1, previousRefundId: prev.id,
    }, actor, now, note);
    if (!created) return fail('REFUND.ALREADY_RETRIED', 'This refund was already redone.', { refundNo });
    return { refundNo: created };
  });
}

interface Attempt {
  paymentId: string;
  channel: PaymentChannel;
  amountFen: number;
  feeFen: number;
  penaltyFen: number;
  reason: string;
  express: boolean;
  attempt: number;
  previousRefundId: string | null;
}

async function createAttempt(r: Repos, order: Order, a: Attempt, actor: Actor, now: number, note: string | null = null): Promise<string | null> {
  const refundNo = newId('RF', now);
  const eta = refundEta(a.channel, now, { express: a.express });
  const inserted = await r.refunds.insertRefund({
    id: refundNo, order_id: order.id, payment_id: a.paymentId, channel: a.channel, amount_fen: a.amountFen, state: 'pending', reason: a.reason,
    created_at: now, updated_at: now, succeeded_at: null, attempt: a.attempt, previous_refund_id: a.previousRefundId, fee_fen: a.feeFen,
    penalty_fen: a.penaltyFen, express: a.express ? 1 : 0, eta_earliest: eta.earliest, eta_latest: eta.latest,
  });
  if (!inserted) return null;
  const action = a.previousRefundId ? 'refund.retried' : 'refund.started';
  await r.refunds.insertEvents([historyRow(refundNo, order.id, null, 'pending', action, actor, now, note ?? (a.previousRefundId ? `redo of ${a.previousRefundId}` : a.reason))]);
  await r.orders.insertEvents([{
    order_id: order.id, actor_type: actor.type, actor_id: actor.id, action, from_state: order.state, to_state: order.state,
    reason: `${refundNo} ${a.channel} ${a.amountFen} fen: ${a.reason}`, automatic: actor.type === 'system' ? 1 : 0, at: now,
  }]);
  await r.queue.insertOutbox([
    { order_id: order.id, topic: 'refund', payload: JSON.stringify({ refundNo }), attempts: 0, next_attempt_at: now, created_at: now },
    notifyRow(order, STARTED_TEMPLATE[a.reason] ?? 'refund_started', {
      orderId: order.id, refundNo, amountFen: a.amountFen, feeFen: a.feeFen, penaltyFen: a.penaltyFen, channel: a.channel,
      express: a.express, etaEarliest: eta.earliest, etaLatest: eta.latest, attempt: a.attempt,
    }, now),
  ]);
  return refundNo;
}

export function historyRow(refundId: string, orderId: string, from: string | null, to: string, action: string, actor: Actor, now: number, note: string | null): Insertable<RefundEventsTable> {
  return { refund_id: refundId, order_id: orderId, from_state: from, to_state: to, action, actor_type: actor.type, actor_id: actor.id, note, at: now };
}

function reject(e: DomainError): never {
  throw new Rejection(e);
}

export type { RefundRow };
