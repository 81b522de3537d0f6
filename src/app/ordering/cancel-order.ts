import { decide, type Actor } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { commitDecisions } from '../platform/commit.ts';
import { classifyCancelReason, recordCancelReason } from './cancel-reasons.ts';
import { inTx, type Deps, type Receipt } from '../platform/deps.ts';

/** One-step cancel of an unpaid order: number released, nothing charged, recorded as the customer's choice. */
export async function cancelUnpaidOrder(deps: Deps, orderId: string, actor: Actor, input: { confirm: boolean; reason?: string }, receipt?: Receipt<Order>): Promise<Order | DomainError> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  const reason = classifyCancelReason(input.reason);
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || (actor.type === 'customer' && order.customerId !== actor.id)) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    const decision = decide(order, { type: 'cancel_unpaid', confirm: input.confirm, ...(input.reason ? { reason: input.reason } : {}) }, { now, settings });
    if (isError(decision)) return decision;
    await commitDecisions(r, [{ before: order, decision, actor }], now);
    await r.payments.closeOpenPayments([order.id]);
    await recordCancelReason(r, order.id, 'unpaid_cancel', reason, now);
    // Cancelling is the customer's answer to any alternative still on offer.
    await r.assistant.answerOffers(order.id, {}, 'declined', actor.id, now);
    return decision.order;
  }, receipt);
}
