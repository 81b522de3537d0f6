// An order as its upstream supplier sees it, and how the supplier's progress moves ours. Pure.
// The supplier's states only go forward: a callback that repeats one we have, or arrives after a later one,
// changes nothing. Our order follows along the transition table, never backwards.
import { fail, type DomainError } from '../errors.ts';
import type { Decision, DecideContext, Effect } from '../decide.ts';
import type { Order, OrderState } from '../order.ts';
import { canTransition } from '../transitions.ts';

export const SUPPLIER_ORDER_STATES = [
  'submitted', // 已提交: the supplier took the order
  'reviewing', // 审核中: real-name and eligibility review at the supplier
  'photos_needed', // 待上传证件照: the supplier asks for ID photos
  'awaiting_shipment', // 待发货: review passed, the card is being prepared
  'shipped', // 已发货: with a waybill
  'activated', // 已激活: with the produced number and ICCID
  'first_top_up', // 已首充
  'rejected', // 审核不通过 (age, region, five cards per ID ...)
  'cancelled', // 已取消 at the supplier
] as const;
export type SupplierOrderState = (typeof SUPPLIER_ORDER_STATES)[number];

/** Order of progress: a state moves only to a higher rank; the two endings are final. */
const RANK: Record<SupplierOrderState, number> = {
  submitted: 1, reviewing: 2, photos_needed: 3, awaiting_shipment: 4, shipped: 5, activated: 6, first_top_up: 7, rejected: 100, cancelled: 100,
};
const FINAL = new Set<SupplierOrderState>(['rejected', 'cancelled', 'first_top_up']);

/** What we know of the order at the supplier, kept beside our order. */
export interface SupplierProgress {
  state: SupplierOrderState;
  waybill: string | null;
  iccid: string | null;
  /** The number the supplier produced (it may differ from the one picked when the supplier assigns at activation). */
  producedNumber: string | null;
  activatedAt: number | null;
  firstTopUpFen: number | null;
  firstTopUpAt: number | null;
  /** The supplier's own words for a rejection or cancellation. */
  reason: string | null;
  updatedAt: number;
}

/** One status report, from a callback or a poll. */
export interface SupplierUpdate {
  state: SupplierOrderState;
  at: number;
  waybill?: string | null;
  iccid?: string | null;
  producedNumber?: string | null;
  topUpFen?: number | null;
  reason?: string | null;
}

export const NEW_PROGRESS = (now: number): SupplierProgress => ({
  state: 'submitted', waybill: null, iccid: null, producedNumber: null, activatedAt: null, firstTopUpFen: null, firstTopUpAt: null, reason: null, updatedAt: now,
});

/** Whether an update moves the supplier's state forward; a repeat or a late, older state does not. */
export function isForward(from: SupplierOrderState, to: SupplierOrderState): boolean {
  if (FINAL.has(from)) return false;
  // A rejection or a cancellation ends an order only before it ships; afterwards it is a contradiction, not progress.
  if (to === 'rejected' || to === 'cancelled') return RANK[from] < RANK.shipped;
  return RANK[to] > RANK[from];
}

/**
 * Folds an update into what we know. `changed: false` for a duplicate or an out-of-order older report; fields the
 * update carries that we did not have (a waybill with a later state) are still taken from a forward update.
 */
export function advance(p: SupplierProgress, u: SupplierUpdate): { progress: SupplierProgress; changed: boolean } {
  if (!isForward(p.state, u.state)) return { progress: p, changed: false };
  const activated = u.state === 'activated' || u.state === 'first_top_up';
  return {
    changed: true,
    progress: {
      state: u.state,
      waybill: u.waybill ?? p.waybill,
      iccid: u.iccid ?? p.iccid,
      producedNumber: u.producedNumber ?? p.producedNumber,
      activatedAt: activated ? (p.activatedAt ?? u.at) : p.activatedAt,
      firstTopUpFen: u.state === 'first_top_up' ? (u.topUpFen ?? p.firstTopUpFen) : p.firstTopUpFen,
      firstTopUpAt: u.state === 'first_top_up' ? u.at : p.firstTopUpAt,
      reason: u.reason ?? p.reason,
      updatedAt: u.at,
    },
  };
}

/** Where our order goes for a supplier state; null: our state does not change (the supplier is still working). */
export function orderStateFor(s: SupplierOrderState): OrderState | null {
  switch (s) {
    case 'shipped': return 'shipped';
    case 'activated': case 'first_top_up': return 'activated';
    case 'rejected': case 'cancelled': return 'cancelled';
    default: return null;
  }
}

/** The forward path of a live order, in the table's order. */
const PATH: readonly OrderState[] = ['pending_payment', 'paid', 'packing', 'shipped', 'delivered', 'activated'];

/** Whether our order can reach `to` by forward moves the table allows (paid -> packing -> shipped ...). */
export function reachable(from: OrderState, to: OrderState): boolean {
  const a = PATH.indexOf(from);
  const b = PATH.indexOf(to);
  if (a < 1 || b <= a) return false;
  for (let i = a; i < b; i++) if (!canTransition(PATH[i]!, PATH[i + 1]!)) return false;
  return true;
}

/** Plain words for a customer whose order the supplier refused, and what would work instead. */
export function rejectionAdvice(reason: string): string {
  if (/年龄|age|未满|超过/i.test(reason)) return '该套餐仅限年满 16 周岁至 60 周岁的用户办理，可为符合年龄的家人办理，或选择其他套餐。';
  if (/地区|区域|region|禁发|不发货/i.test(reason)) return '该套餐不发往您的收货地区，可更换收货地址后重新下单，或选择支持您所在地区的套餐。';
  if (/五|5|一证|名下|cards? per/i.test(reason)) return '您名下同一运营商的号卡已达上限（一证五号），可先注销不用的号卡，或选择其他运营商的套餐。';
  return '可核对身份信息与收货地址后重新下单，或选择其他套餐；如有疑问请联系客服。';
}

export type SupplierDecision = Decision & { reject?: { reason: string } };

/**
 * What a supplier's report does to our order. A state that does not move our order (still at review), a report our
 * order is already past, or one about an order that is closed is an error value (`ORDER.INVALID_TRANSITION`) and
 * the caller records nothing on the order.
 */
export function decideSupplierUpdate(order: Order, p: SupplierProgress, ctx: DecideContext): SupplierDecision | DomainError {
  const to = orderStateFor(p.state);
  if (to === null) return fail('ORDER.INVALID_TRANSITION', 'The supplier is still working on the order.', { state: order.state, supplierState: p.state });
  if (to === 'cancelled') {
    if (p.state !== 'rejected') return fail('ORDER.INVALID_TRANSITION', 'A cancellation at the supplier is settled by the cancellation that asked for it.', { state: order.state });
    if (!['pending_payment', 'paid', 'packing'].includes(order.state)) {
      return fail('ORDER.INVALID_TRANSITION', 'The order is past the supplier\u2019s review.', { state: order.state });
    }
    const reason = p.reason ?? '审核不通过';
    const paid = order.paidAt !== null && order.amountFen > 0;
    const next: Order = { ...order, state: 'cancelled', closeReason: 'supplier_rejected', closedAt: ctx.now, keepsReorderDiscount: true, updatedAt: ctx.now, version: order.version + 1 };
    const effects: Effect[] = [
      ...(paid ? [{ type: 'start_refund', amountFen: order.amountFen, reason: `supplier_rejected:${order.id}`, express: false } as const] : []),
      { type: 'release_number', numberId: order.numberId },
      { type: 'cancel_timers', kinds: ['payment_reminder', 'payment_deadline'] },
      { type: 'notify', template: 'supplier_rejected', data: { orderId: order.id, number: order.number, reason, advice: rejectionAdvice(reason), amountFen: paid ? order.amountFen : 0, channel: order.paymentChannel } },
    ];
    return { order: next, event: { action: 'order.supplier_rejected', fromState: order.state, toState: 'cancelled', reason, automatic: true }, effects, reject: { reason } };
  }
  if (!reachable(order.state, to)) return fail('ORDER.INVALID_TRANSITION', `The order is already ${order.state}; the supplier's ${p.state} does not move it.`, { state: order.state, supplierState: p.state });
  if (to === 'shipped') {
    const trackingNo = p.waybill ?? order.trackingNo;
    const next: Order = { ...order, state: 'shipped', trackingNo, iccid: order.iccid ?? p.iccid, updatedAt: ctx.now, version: order.version + 1 };
    return {
      order: next,
      event: { action: 'order.shipped', fromState: order.state, toState: 'shipped', reason: `supplier ${trackingNo ?? ''}`.trim(), automatic: true },
      effects: [{ type: 'notify', template: 'order_shipped', data: { orderId: order.id, trackingNo } }],
    };
  }
  const at = p.activatedAt ?? ctx.now;
  const next: Order = {
    ...order, state: 'activated', activatedAt: at, deliveredAt: order.deliveredAt ?? at, trackingNo: order.trackingNo ?? p.waybill, iccid: order.iccid ?? p.iccid,
    updatedAt: ctx.now, version: order.version + 1,
  };
  return {
    order: next,
    event: { action: 'order.activated', fromState: order.state, toState: 'activated', reason: `supplier ${p.producedNumber ?? order.number}`, automatic: true },
    effects: [
      { type: 'cancel_timers', kinds: ['carrier_sync'] },
      { type: 'notify', template: 'line_activated', data: { orderId: order.id, number: p.producedNumber ?? order.number } },
    ],
  };
}

/** A free card (nothing to pay) is confirmed at once: no payment, no countdown; the supplier gets it now. */
export function confirmFree(order: Order, ctx: DecideContext): Decision | DomainError {
  if (order.state !== 'pending_payment') return fail('ORDER.INVALID_TRANSITION', 'Only a new order is confirmed as free.', { state: order.state });
  if (order.amountFen !== 0) return fail('ORDER.NOT_PAYABLE', 'The order has an amount to pay.', { amountFen: order.amountFen });
  const next: Order = { ...order, state: 'paid', paidAt: ctx.now, updatedAt: ctx.now, version: order.version + 1 };
  return {
    order: next,
    event: { action: 'order.free_confirmed', fromState: 'pending_payment', toState: 'paid', reason: 'free card', automatic: true },
    effects: [
      { type: 'sell_number', numberId: order.numberId },
      { type: 'cancel_timers', kinds: ['payment_reminder', 'payment_deadline'] },
    ],
  };
}

/** The supplier accepted our cancellation of an order it had not shipped: cancelled here, money back, number released. */
export function cancelledAtSupplier(order: Order, requestId: string, ctx: DecideContext): Decision | DomainError {
  if (order.state !== 'paid' && order.state !== 'packing' && order.state !== 'pending_payment') {
    return fail('ORDER.NOT_CANCELLABLE', 'Only an order not yet shipped is cancelled at the supplier.', { state: order.state });
  }
  const paid = order.paidAt !== null && order.amountFen > 0;
  const next: Order = { ...order, state: 'cancelled', closeReason: 'customer_cancelled', closedAt: ctx.now, keepsReorderDiscount: ctx.settings.reorderDiscount.afterCustomerAbandoned, updatedAt: ctx.now, version: order.version + 1 };
  if (!canTransition(order.state, 'cancelled')) return fail('ORDER.INVALID_TRANSITION', 'The order cannot be cancelled.', { state: order.state });
  return {
    order: next,
    event: { action: 'order.cancelled', fromState: order.state, toState: 'cancelled', reason: `${requestId} supplier_cancelled`, automatic: true },
    effects: [
      ...(paid ? [{ type: 'start_refund', amountFen: order.amountFen, reason: `cancellation:${requestId}`, express: false } as const] : []),
      { type: 'release_number', numberId: order.numberId },
      { type: 'cancel_timers', kinds: ['payment_reminder', 'payment_deadline'] },
      { type: 'notify', template: 'order_cancelled', data: { orderId: order.id, number: order.number } },
    ],
  };
}
