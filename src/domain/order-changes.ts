// Changes that keep an order instead of cancelling it: the brief's alternatives to a cancel. Pure, like
// decide(): each returns the changed order and its audit event, or why the change is not possible.
import type { Decision } from './decide.ts';
import { fail, type DomainError } from './errors.ts';
import { termsOf, type Address, type Order, type OrderState, type Plan } from './order.ts';

/** Before shipping the parcel can still go elsewhere; from packing on the warehouse has it in hand. */
export const ADDRESS_CHANGEABLE_IN: readonly OrderState[] = ['pending_payment', 'paid'];

const sameAddress = (a: Address, b: Address) => a.province === b.province && a.city === b.city && a.district === b.district && a.detail === b.detail;

export function changeAddress(order: Order, address: Address, now: number): Decision | DomainError {
  if (!ADDRESS_CHANGEABLE_IN.includes(order.state)) {
    return fail('ORDER.NOT_CHANGEABLE', 'The delivery address can be changed only before the order is packed.', { state: order.state, changeableIn: ADDRESS_CHANGEABLE_IN });
  }
  if (sameAddress(order.address, address)) return fail('ORDER.UNCHANGED', 'That is already the delivery address.');
  // The audit trail is read by agents: it names the area, not the street and door of the customer.
  const from = `${order.address.province}${order.address.city}${order.address.district}`;
  const to = `${address.province}${address.city}${address.district}`;
  return {
    order: { ...order, address, updatedAt: now, version: order.version + 1 },
    event: { action: 'order.address_changed', fromState: order.state, toState: order.state, reason: `${from} -> ${to}`, automatic: false },
    effects: [],
  };
}

/** The price of the order on another plan: the plan's price plus what the number itself costs. */
export const repriced = (plan: Pick<Plan, 'priceFen'>, numberPriceFen: number): number => plan.priceFen + numberPriceFen;

/**
 * Another plan of the same carrier, keeping the locked number, for an order not yet paid: the number
 * belongs to the carrier, so a plan of another carrier would need another number (a new order).
 */
export function switchPlan(order: Order, current: Plan, next: Plan, numberPriceFen: number, now: number): Decision | DomainError {
  if (order.state !== 'pending_payment' || now >= order.paymentDeadline) {
    return fail('ORDER.NOT_CHANGEABLE', 'The plan can be switched only while the order waits for payment.', { state: order.state });
  }
  if (!next.active) return fail('PLAN.NOT_FOUND', 'No such plan on sale.', { planId: next.id });
  if (next.carrier !== order.carrier) {
    return fail('PLAN.CARRIER_MISMATCH', 'Only a plan of the same carrier can keep this number.', { carrier: order.carrier, planCarrier: next.carrier });
  }
  if (next.id === current.id) return fail('ORDER.UNCHANGED', 'The order is already on that plan.');
  const amountFen = repriced(next, numberPriceFen);
  return {
    // A switch before payment is a new sale: the order takes the new plan's terms as they stand now.
    order: { ...order, planId: next.id, amountFen, terms: termsOf(next), updatedAt: now, version: order.version + 1 },
    event: {
      action: 'order.plan_switched', fromState: order.state, toState: order.state, automatic: false,
      reason: `${current.id} -> ${next.id}; ${order.amountFen} -> ${amountFen} fen`,
    },
    effects: [],
  };
}
