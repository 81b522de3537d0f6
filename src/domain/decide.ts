import { fail, type DomainError } from './errors.ts';
import type { CloseReason, Order, OrderState, PaymentChannel } from './order.ts';
import { canTransition } from './transitions.ts';
import type { Settings } from './settings.ts';

export type ActorType = 'customer' | 'agent' | 'system';
export interface Actor {
  type: ActorType;
  id: string;
}
export const SYSTEM: Actor = { type: 'system', id: 'system' };

export type Command =
  | { type: 'cancel_unpaid'; confirm: boolean; reason?: string }
  | { type: 'close_unpaid' }
  | { type: 'pay'; channel: PaymentChannel; paymentNo: string }
  // A paid order's cancellation, decided by its request (review, or express without review).
  | { type: 'cancel_paid'; requestId: string; express: boolean }
  // The warehouse held a packing order's parcel (拦截发货 accepted).
  | { type: 'intercepted'; requestId: string }
  // Fulfilment holds back while a cancellation request is open: the guard needs to know of it.
  | { type: 'start_packing'; openRequestId: string | null }
  | { type: 'ship'; trackingNo: string };

export type TimerKind = 'payment_reminder' | 'payment_deadline' | 'review_sla_warning' | 'review_sla_breach';

export type Effect =
  | { type: 'release_number'; numberId: string }
  | { type: 'sell_number'; numberId: string }
  | { type: 'notify'; template: NotificationTemplate; data: Record<string, unknown> }
  | { type: 'schedule'; kind: TimerKind; dueAt: number }
  | { type: 'cancel_timers'; kinds: TimerKind[] }
  // Paid cancellations: the number goes back at the carrier and the money to its channel, both through the outbox.
  | { type: 'release_number_at_carrier' }
  | { type: 'start_refund'; amountFen: number; reason: string; express: boolean }
  | { type: 'intercept_parcel'; requestId: string }
  | { type: 'alert_staff'; template: StaffAlertTemplate; data: Record<string, unknown> };

export type StaffAlertTemplate = 'review_sla_warning' | 'review_sla_breach';

export type NotificationTemplate =
  | 'order_placed'
  | 'payment_reminder'
  | 'order_paid'
  | 'order_cancelled'
  | 'order_closed_unpaid'
  | 'late_payment_refunded'
  | 'cancellation_requested'
  | 'cancellation_express'
  | 'cancellation_approved'
  | 'cancellation_intercepting'
  | 'cancellation_rejected'
  | 'cancellation_withdrawn'
  | 'cancellation_completed'
  | 'interception_refused';

export interface AuditEvent {
  action: string;
  fromState: OrderState | null;
  toState: OrderState;
  reason: string | null;
  automatic: boolean;
}

export interface Decision {
  order: Order;
  event: AuditEvent;
  effects: Effect[];
}

export interface DecideContext {
  now: number;
  settings: Settings;
}

/** The confirmation the customer must accept before an unpaid order is cancelled (the brief's wording). */
export const CANCEL_CONFIRMATION_TEXT = '取消后订单信息将无法恢复';

function move(order: Order, to: OrderState, now: number, patch: Partial<Order>): Order | DomainError {
  if (!canTransition(order.state, to)) {
    return fail('ORDER.INVALID_TRANSITION', `An order cannot go from ${order.state} to ${to}.`, { from: order.state, to });
  }
  return { ...order, ...patch, state: to, updatedAt: now, version: order.version + 1 };
}

function closeUnpaid(order: Order, reason: CloseReason, ctx: DecideContext, actorReason: string | null, automatic: boolean): Decision | DomainError {
  const keeps = reason === 'payment_timeout' ? ctx.settings.reorderDiscount.afterPaymentTimeout : ctx.settings.reorderDiscount.afterCustomerAbandoned;
  const next = move(order, 'cancelled', ctx.now, { closeReason: reason, closedAt: ctx.now, keepsReorderDiscount: keeps });
  if ('kind' in next) return next;
  return {
    order: next,
    event: { action: reason === 'payment_timeout' ? 'order.closed_unpaid' : 'order.cancelled', fromState: order.state, toState: 'cancelled', reason: actorReason ?? reason, automatic },
    effects: [
      { type: 'release_number', numberId: order.numberId },
      { type: 'cancel_timers', kinds: ['payment_reminder', 'payment_deadline'] },
      {
        type: 'notify',
        template: reason === 'payment_timeout' ? 'order_closed_unpaid' : 'order_cancelled',
        data: { orderId: order.id, number: order.number, keepsReorderDiscount: keeps },
      },
    ],
  };
}

/**
 * A paid order leaves by the customer's request: the number is released at the carrier and the full amount
 * goes back to the channel it came from. A customer's own cancel keeps re-order discounts as an unpaid
 * abandonment does (the same platform setting), so the two kinds of "I changed my mind" are treated alike.
 */
function closePaid(order: Order, reason: 'customer_cancelled' | 'intercepted', requestId: string, express: boolean, ctx: DecideContext): Decision | DomainError {
  const keeps = ctx.settings.reorderDiscount.afterCustomerAbandoned;
  const next = move(order, 'cancelled', ctx.now, { closeReason: reason, closedAt: ctx.now, keepsReorderDiscount: keeps });
  if ('kind' in next) return next;
  return {
    order: next,
    event: { action: reason === 'intercepted' ? 'order.intercepted' : 'order.cancelled', fromState: order.state, toState: 'cancelled', reason: `${requestId}${express ? ' express_refund' : ''}`, automatic: express || reason === 'intercepted' },
    // A free card (plan and number at 0 fen) has nothing to refund; its number is still released.
    effects: [
      ...(order.amountFen > 0 ? [{ type: 'start_refund', amountFen: order.amountFen, reason: `cancellation:${requestId}`, express } as const] : []),
      { type: 'release_number_at_carrier' },
    ],
  };
}

/** Pure: what a command does to an order, or why it cannot. */
export function decide(order: Order, command: Command, ctx: DecideContext): Decision | DomainError {
  switch (command.type) {
    case 'cancel_unpaid': {
      if (order.state !== 'pending_payment') {
        return fail('ORDER.NOT_CANCELLABLE', 'Only an unpaid order can be cancelled in one step.', { state: order.state });
      }
      if (!command.confirm) {
        return fail('ORDER.CONFIRMATION_REQUIRED', `Confirm the cancellation: ${CANCEL_CONFIRMATION_TEXT}.`, { confirmationText: CANCEL_CONFIRMATION_TEXT });
      }
      return closeUnpaid(order, 'customer_abandoned', ctx, command.reason?.trim() || null, false);
    }
    case 'close_unpaid': {
      // A timer may fire late or twice; the guard makes a repeat harmless and an early fire impossible.
      if (order.state !== 'pending_payment') {
        return fail('ORDER.INVALID_TRANSITION', 'The order is no longer waiting for payment.', { state: order.state });
      }
      if (ctx.now < order.paymentDeadline) {
        return fail('ORDER.INVALID_TRANSITION', 'The payment deadline has not passed yet.', { paymentDeadline: order.paymentDeadline });
      }
      return closeUnpaid(order, 'payment_timeout', ctx, null, true);
    }
    case 'pay': {
      if (order.state !== 'pending_payment') {
        return fail('ORDER.NOT_PAYABLE', 'The order is not waiting for payment.', { state: order.state });
      }
      const next = move(order, 'paid', ctx.now, { paidAt: ctx.now, paymentChannel: command.channel });
      if ('kind' in next) return next;
      return {
        order: next,
        event: { action: 'order.paid', fromState: order.state, toState: 'paid', reason: `${command.channel}:${command.paymentNo}`, automatic: true },
        effects: [
          { type: 'sell_number', numberId: order.numberId },
          { type: 'cancel_timers', kinds: ['payment_reminder', 'payment_deadline'] },
          { type: 'notify', template: 'order_paid', data: { orderId: order.id, amountFen: order.amountFen } },
        ],
      };
    }
    case 'cancel_paid': {
      if (order.state !== 'paid') {
        return fail('ORDER.NOT_CANCELLABLE', 'Only a paid order that is not yet packing is cancelled directly.', { state: order.state });
      }
      return closePaid(order, 'customer_cancelled', command.requestId, command.express, ctx);
    }
    case 'intercepted': {
      if (order.state !== 'packing') {
        return fail('ORDER.INVALID_TRANSITION', 'Only a packing order can be intercepted at the warehouse.', { state: order.state });
      }
      return closePaid(order, 'intercepted', command.requestId, false, ctx);
    }
    case 'start_packing': {
      if (order.state !== 'paid') return fail('ORDER.INVALID_TRANSITION', 'Only a paid order can start packing.', { state: order.state });
      // Packing while the customer waits for an answer would turn a simple cancel into an interception.
      if (command.openRequestId) {
        return fail('ORDER.OPEN_CANCELLATION_REQUEST', 'The customer asked to cancel this order; decide the request before packing.', { requestId: command.openRequestId });
      }
      const next = move(order, 'packing', ctx.now, {});
      if ('kind' in next) return next;
      return { order: next, event: { action: 'order.packing_started', fromState: order.state, toState: 'packing', reason: null, automatic: false }, effects: [] };
    }
    case 'ship': {
      if (order.state !== 'packing') return fail('ORDER.INVALID_TRANSITION', 'Only a packing order can be handed to the courier.', { state: order.state });
      const next = move(order, 'shipped', ctx.now, {});
      if ('kind' in next) return next;
      return { order: next, event: { action: 'order.shipped', fromState: order.state, toState: 'shipped', reason: command.trackingNo, automatic: true }, effects: [] };
    }
  }
}

/** The effects of placing an order: the countdown timers and the notice of where the cancel entry is. */
export function placementEffects(order: Order, settings: Settings): Effect[] {
  const reminderAt = order.paymentDeadline - settings.reminderBeforeMs;
  return [
    ...(reminderAt > order.createdAt ? [{ type: 'schedule', kind: 'payment_reminder', dueAt: reminderAt } as const] : []),
    { type: 'schedule', kind: 'payment_deadline', dueAt: order.paymentDeadline },
    { type: 'notify', template: 'order_placed', data: { orderId: order.id, number: order.number, paymentDeadline: order.paymentDeadline, amountFen: order.amountFen } },
  ];
}
