// Keeping the order instead of cancelling it: a new delivery address, or another plan for the same number.
// Each change is audited like any other move, and answers an open alternative offer of its kind.
import type { Actor } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Address, Order } from '../../domain/order.ts';
import { changeAddress, switchPlan } from '../../domain/order-changes.ts';
import { commitDecisions } from '../platform/commit.ts';
import { inTx, type Deps } from '../platform/deps.ts';

export async function changeOrderAddress(deps: Deps, orderId: string, actor: Actor, address: Address): Promise<Order | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || (actor.type === 'customer' && order.customerId !== actor.id)) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    const decision = changeAddress(order, address, now);
    if (isError(decision)) return decision;
    await commitDecisions(r, [{ before: order, decision, actor }], now);
    await r.assistant.answerOffers(order.id, { kinds: ['change_address'] }, 'accepted', actor.id, now);
    return decision.order;
  });
}

export async function switchOrderPlan(deps: Deps, orderId: string, actor: Actor, planId: string): Promise<Order | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || (actor.type === 'customer' && order.customerId !== actor.id)) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    const [current, next, number] = await Promise.all([r.orders.getPlan(order.planId), r.orders.getPlan(planId), r.orders.getNumber(order.numberId)]);
    if (!current || !number) throw new Error(`order ${order.id} refers to a missing plan or number`);
    if (!next) return fail('PLAN.NOT_FOUND', 'No such plan.', { planId });
    const decision = switchPlan(order, current, next, number.priceFen, now);
    if (isError(decision)) return decision;
    await commitDecisions(r, [{ before: order, decision, actor }], now);
    // A payment opened at the old price must not settle the re-priced order: it is closed here, and
    // money that still arrives on it is refunded (apply-payment-notice compares it with the order).
    await r.payments.closeOpenPayments([order.id]);
    await r.assistant.answerOffers(order.id, { kinds: ['switch_plan'] }, 'accepted', actor.id, now);
    return decision.order;
  });
}
