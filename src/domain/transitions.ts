import { ORDER_STATES, type OrderState } from './order.ts';

/**
 * Every move an order may make, as data. Cancellation exists from every live state because the
 * brief makes each one cancellable by its own route (unlock, interception, return, trial unsubscription);
 * `activated` ends either by trial unsubscription (`cancelled`) or by account closure.
 */
export const TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['packing', 'cancelled'],
  packing: ['shipped', 'cancelled'],
  shipped: ['delivered', 'cancelled'],
  delivered: ['activated', 'cancelled'],
  activated: ['cancelled', 'account_closed'],
  cancelled: [],
  account_closed: [],
};

export const canTransition = (from: OrderState, to: OrderState): boolean => TRANSITIONS[from].includes(to);

/** Checked at start-up and in tests: every state appears, every target is a state, terminal states go nowhere. */
export function validateTransitions(table: Readonly<Record<string, readonly string[]>> = TRANSITIONS): string[] {
  const problems: string[] = [];
  const states = new Set<string>(ORDER_STATES);
  for (const s of ORDER_STATES) if (!(s in table)) problems.push(`state ${s} has no entry`);
  for (const [from, tos] of Object.entries(table)) {
    if (!states.has(from)) problems.push(`unknown state ${from}`);
    for (const to of tos) {
      if (!states.has(to)) problems.push(`${from} -> unknown state ${to}`);
      if (to === from) problems.push(`${from} -> itself`);
    }
  }
  return problems;
}
