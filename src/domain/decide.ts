import { fail, type DomainError } from './errors.ts';
import type { CloseReason, Order, OrderState, PaymentChannel } from './order.ts';
import { canTransition } from './transitions.ts';
import type { Settings } from './settings.ts';
import { CARRIER_SYNC_AFTER_CLOSURE_MS, CARRIER_SYNC_AFTER_DELIVERY_MS } from './policies/carrier-sync.ts';

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
  // The agent takes the SIM card for the order's number from stock (ICCID already validated); the order stays `paid`.
  | { type: 'pick'; iccid: string; openRequestId: string | null }
  // Fulfilment holds back while a cancellation request is open: the guard needs to know of it.
  | { type: 'start_packing'; openRequestId: string | null }
  | { type: 'ship'; trackingNo: string }
  // The courier's "delivered" (签收), at the time it happened: the activation window counts from there.
  | { type: 'deliver'; at: number }
  // The carrier activated the line (after a successful real-name check).
  | { type: 'activate'; at: number }
  // A returned card passed inspection: an unactivated return, or an intercepted parcel back at the warehouse.
  | { type: 'return_passed'; returnId: string; requestId: string | null }
  // Inside the trial the order was sold with, the customer unsubscribes in one step.
  | { type: 'unsubscribe_trial' }
  // An agent completed an account closure (销户) with the carrier.
  | { type: 'close_account'; closureId: string; penaltyFen: number }
  // An agent resolved a carrier task by following the carrier: the line is closed there, so it is closed here.
  | { type: 'carrier_closed'; taskId: number; note: string };

export type TimerKind = 'payment_reminder' | 'payment_deadline' | 'review_sla_warning' | 'review_sla_breach' | 'return_follow_up' | 'return_close' | 'carrier_sync';

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
  // A shipped parcel: the courier is asked to send it back (快递拦截).
  | { type: 'intercept_courier'; requestId: string; trackingNo: string }
  | { type: 'alert_staff'; template: StaffAlertTemplate; data: Record<string, unknown> }
  // A picked card whose order is cancelled before packing goes back on the shelf.
  | { type: 'restock_card'; iccid: string };

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
  | 'interception_refused'
  | 'order_shipped'
  | 'order_delivered'
  | 'line_activated'
  | 'trial_unsubscribed'
  | 'account_closed'
  | 'return_passed'
  | 'return_instructions'
  | 'supplier_rejected';

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
  // A card picked but not packed is put back: the pick is undone on the order and the restock is audited.
  const picked = order.state === 'paid' && order.iccid !== null ? order.iccid : null;
  const next = move(order, 'cancelled', ctx.now, { closeReason: reason, closedAt: ctx.now, keepsReorderDiscount: keeps, ...(picked ? { iccid: null, pickedAt: null } : {}) });
  if ('kind' in next) return next;
  return {
    order: next,
    event: { action: reason === 'intercepted' ? 'order.intercepted' : 'order.cancelled', fromState: order.state, toState: 'cancelled', reason: `${requestId}${express ? ' express_refund' : ''}`, automatic: express || reason === 'intercepted' },
    // A free card (plan and number at 0 fen) has nothing to refund; its number is still released.
    effects: [
      ...(order.amountFen > 0 ? [{ type: 'start_refund', amountFen: order.amountFen, reason: `cancellation:${requestId}`, express } as const] : []),
      { type: 'release_number_at_carrier' },
      ...(picked ? [{ type: 'restock_card', iccid: picked } as const] : []),
    ],
  };
}

const DAY = 86_400_000;

/** A card came back and passed inspection: the number goes back at the carrier and the money to its channel. */
function closeReturned(order: Order, command: { returnId: string; requestId: string | null }, ctx: DecideContext): Decision | DomainError {
  if (order.state !== 'delivered' && order.state !== 'shipped') {
    return fail('ORDER.INVALID_TRANSITION', 'Only a shipped or delivered order is closed by a returned card.', { state: order.state });
  }
  const reason: CloseReason = order.state === 'shipped' ? 'intercepted' : 'returned';
  const next = move(order, 'cancelled', ctx.now, { closeReason: reason, closedAt: ctx.now, keepsReorderDiscount: ctx.settings.reorderDiscount.afterCustomerAbandoned });
  if ('kind' in next) return next;
  // An intercepted parcel settles its cancellation request; an unactivated return has its own refund reason.
  const refundReason = command.requestId ? `cancellation:${command.requestId}` : `return:${command.returnId}`;
  return {
    order: next,
    event: { action: reason === 'intercepted' ? 'order.intercepted' : 'order.returned', fromState: order.state, toState: 'cancelled', reason: command.returnId, automatic: false },
    effects: [
      ...(order.amountFen > 0 ? [{ type: 'start_refund', amountFen: order.amountFen, reason: refundReason, express: false } as const] : []),
      { type: 'release_number_at_carrier' },
      { type: 'cancel_timers', kinds: ['return_follow_up', 'return_close', 'carrier_sync'] },
      { type: 'notify', template: 'return_passed', data: { orderId: order.id, returnId: command.returnId, amountFen: order.amountFen, channel: order.paymentChannel } },
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
    case 'pick': {
      if (order.state !== 'paid') return fail('ORDER.INVALID_TRANSITION', 'Only a paid order that is not yet packing can be picked.', { state: order.state });
      if (order.iccid !== null) return fail('FULFILMENT.ALREADY_PICKED', 'A card was already picked for this order.', { iccid: order.iccid, pickedAt: order.pickedAt });
      // Taking a card off the shelf while the customer waits for an answer only means putting it back.
      if (command.openRequestId) {
        return fail('ORDER.OPEN_CANCELLATION_REQUEST', 'The customer asked to cancel this order; decide the request before picking.', { requestId: command.openRequestId });
      }
      const next: Order = { ...order, iccid: command.iccid, pickedAt: ctx.now, updatedAt: ctx.now, version: order.version + 1 };
      return { order: next, event: { action: 'order.picked', fromState: order.state, toState: order.state, reason: command.iccid, automatic: false }, effects: [] };
    }
    case 'start_packing': {
      if (order.state !== 'paid') return fail('ORDER.INVALID_TRANSITION', 'Only a paid order can start packing.', { state: order.state });
      // Packing while the customer waits for an answer would turn a simple cancel into an interception.
      if (command.openRequestId) {
        return fail('ORDER.OPEN_CANCELLATION_REQUEST', 'The customer asked to cancel this order; decide the request before packing.', { requestId: command.openRequestId });
      }
      // The parcel is packed around a real card: the one picked for this number.
      if (order.iccid === null) return fail('FULFILMENT.NOT_PICKED', 'Pick the SIM card for this order before packing.', { state: order.state });
      const next = move(order, 'packing', ctx.now, {});
      if ('kind' in next) return next;
      return { order: next, event: { action: 'order.packing_started', fromState: order.state, toState: 'packing', reason: null, automatic: false }, effects: [] };
    }
    case 'ship': {
      if (order.state !== 'packing') return fail('ORDER.INVALID_TRANSITION', 'Only a packing order can be handed to the courier.', { state: order.state });
      const next = move(order, 'shipped', ctx.now, { trackingNo: command.trackingNo });
      if ('kind' in next) return next;
      return {
        order: next,
        event: { action: 'order.shipped', fromState: order.state, toState: 'shipped', reason: command.trackingNo, automatic: true },
        effects: [{ type: 'notify', template: 'order_shipped', data: { orderId: order.id, trackingNo: command.trackingNo } }],
      };
    }
    case 'deliver': {
      // A late "delivered" never moves an order back, and one that was already applied is not applied twice.
      if (order.state !== 'shipped') return fail('ORDER.INVALID_TRANSITION', 'Only a shipped order can be delivered.', { state: order.state });
      const next = move(order, 'delivered', ctx.now, { deliveredAt: command.at });
      if ('kind' in next) return next;
      return {
        order: next,
        event: { action: 'order.delivered', fromState: order.state, toState: 'delivered', reason: order.trackingNo, automatic: true },
        effects: [
          // If the carrier's activation push never comes, the platform asks (status synchronisation).
          { type: 'schedule', kind: 'carrier_sync', dueAt: ctx.now + CARRIER_SYNC_AFTER_DELIVERY_MS },
          { type: 'notify', template: 'order_delivered', data: { orderId: order.id, trackingNo: order.trackingNo } },
        ],
      };
    }
    case 'activate': {
      if (order.state !== 'delivered') return fail('ORDER.INVALID_TRANSITION', 'Only a delivered card can be activated.', { state: order.state });
      const next = move(order, 'activated', ctx.now, { activatedAt: command.at });
      if ('kind' in next) return next;
      return {
        order: next,
        event: { action: 'order.activated', fromState: order.state, toState: 'activated', reason: order.number, automatic: true },
        effects: [
          { type: 'cancel_timers', kinds: ['carrier_sync'] },
          { type: 'notify', template: 'line_activated', data: { orderId: order.id, number: order.number } },
        ],
      };
    }
    case 'return_passed':
      return closeReturned(order, command, ctx);
    case 'unsubscribe_trial': {
      const trialDays = order.terms.trialDays;
      const trialEnd = order.activatedAt !== null && trialDays > 0 ? order.activatedAt + trialDays * DAY : null;
      if (order.state !== 'activated' || trialEnd === null || ctx.now >= trialEnd) {
        return fail('ORDER.NOT_CANCELLABLE', 'Free unsubscription is only possible inside the plan\u2019s trial.', { state: order.state, reason: 'TRIAL_OVER', trialEnd });
      }
      const next = move(order, 'cancelled', ctx.now, { closeReason: 'trial_unsubscribed', closedAt: ctx.now, keepsReorderDiscount: ctx.settings.reorderDiscount.afterCustomerAbandoned });
      if ('kind' in next) return next;
      // Inside the trial nothing is kept: the whole amount goes back, no penalty (the brief: free unsubscription).
      return {
        order: next,
        event: { action: 'order.trial_unsubscribed', fromState: order.state, toState: 'cancelled', reason: null, automatic: false },
        effects: [
          ...(order.amountFen > 0 ? [{ type: 'start_refund', amountFen: order.amountFen, reason: `trial:${order.id}`, express: false } as const] : []),
          { type: 'release_number_at_carrier' },
          { type: 'notify', template: 'trial_unsubscribed', data: { orderId: order.id, number: order.number, amountFen: order.amountFen } },
        ],
      };
    }
    case 'close_account': {
      if (order.state !== 'activated') return fail('ORDER.INVALID_TRANSITION', 'Only an activated line can be closed.', { state: order.state });
      const next = move(order, 'account_closed', ctx.now, { closedAt: ctx.now });
      if ('kind' in next) return next;
      return {
        order: next,
        event: { action: 'order.account_closed', fromState: order.state, toState: 'account_closed', reason: `${command.closureId} penalty ${command.penaltyFen} fen`, automatic: false },
        effects: [
          { type: 'release_number_at_carrier' },
          // The platform asks until the carrier shows the line closed (status synchronisation).
          { type: 'cancel_timers', kinds: ['carrier_sync'] },
          { type: 'schedule', kind: 'carrier_sync', dueAt: ctx.now + CARRIER_SYNC_AFTER_CLOSURE_MS },
          { type: 'notify', template: 'account_closed', data: { orderId: order.id, number: order.number, penaltyFen: command.penaltyFen } },
        ],
      };
    }
    case 'carrier_closed': {
      if (order.state !== 'activated') return fail('ORDER.INVALID_TRANSITION', 'Only an activated line follows a closure at the carrier.', { state: order.state });
      const next = move(order, 'account_closed', ctx.now, { closedAt: ctx.now });
      if ('kind' in next) return next;
      return {
        order: next,
        event: { action: 'order.closed_by_carrier', fromState: order.state, toState: 'account_closed', reason: `task ${command.taskId}: ${command.note}`, automatic: false },
        effects: [
          { type: 'release_number_at_carrier' },
          { type: 'cancel_timers', kinds: ['carrier_sync'] },
          { type: 'notify', template: 'account_closed', data: { orderId: order.id, number: order.number, penaltyFen: 0 } },
        ],
      };
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
