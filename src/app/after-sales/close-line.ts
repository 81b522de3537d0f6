// Ending an activated line: free unsubscription inside the trial it was sold with (one step, by the customer), or an
// account closure (销户) the customer confirms with its early-termination penalty and an agent completes with
// the carrier. The penalty confirmed is the penalty charged: if it changed meanwhile (a month turned) the
// customer confirms again. A penalty above zero is paid before the closure reaches the agents (closure-penalty.ts).
import { initialClosureState } from '../../domain/account-closure.ts';
import { decide, type Actor } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { earlyTerminationPenalty, type Penalty } from '../../domain/policies/penalty.ts';
import type { ClosureRow } from '../../adapters/store/after-sales-repo.ts';
import { commitDecisions } from '../platform/commit.ts';
import { notifyRow } from '../platform/rows.ts';
import { endOpenClosure } from './closure-penalty.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { requestEventRow } from '../cancellation/request-commit.ts';
import type { Principal } from '../platform/secrets.ts';

export async function unsubscribeTrial(deps: Deps, orderId: string, customerId: string): Promise<Order | DomainError> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || order.customerId !== customerId) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    const d = decide(order, { type: 'unsubscribe_trial' }, { now, settings });
    if (isError(d)) return d;
    await commitDecisions(r, [{ before: order, decision: d, actor: { type: 'customer', id: customerId } }], now);
    // Free unsubscription replaces a closure the customer had asked for: its penalty, if paid, goes back.
    await endOpenClosure(r, d.order, 'withdrawn', 'replaced by the free unsubscription inside the trial', { type: 'customer', id: customerId }, now);
    return d.order;
  });
}

/** What a closure would cost now: the pure policy over the order's terms as sold and the activation time. */
export function closurePenalty(order: Order, now: number): Penalty | null {
  return order.state === 'activated' && order.activatedAt !== null ? earlyTerminationPenalty(order.terms, order.activatedAt, now) : null;
}

export async function requestClosure(deps: Deps, orderId: string, customerId: string, confirmedPenaltyFen: number): Promise<{ closure: ClosureRow; penalty: Penalty } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || order.customerId !== customerId) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    if (order.state !== 'activated') return fail('ORDER.NOT_CANCELLABLE', 'Only an activated line is closed by an account closure.', { state: order.state });
    const penalty = closurePenalty(order, now)!;
    if (penalty.penaltyFen !== confirmedPenaltyFen) {
      return fail('CLOSURE.PENALTY_CHANGED', 'The penalty is not the one you confirmed; look at the preview again.', { penaltyFen: penalty.penaltyFen, confirmedPenaltyFen });
    }
    const id = newId('AC', now);
    const row = { id, order_id: order.id, customer_id: customerId, state: initialClosureState(penalty.penaltyFen), penalty_fen: penalty.penaltyFen, months_left: penalty.monthsLeft, requested_at: now, completed_at: null, completed_by: null };
    if (!(await r.afterSales.insertClosure(row))) {
      const existing = await r.afterSales.closureFor(order.id);
      return fail('CLOSURE.ALREADY_REQUESTED', 'An account closure was already requested for this line.', { closureId: existing?.id });
    }
    await r.orders.insertEvents([requestEventRow(order, { action: 'closure.requested', reason: `${row.id} penalty ${penalty.penaltyFen} fen, ${penalty.monthsLeft} months left`, automatic: false }, { type: 'customer', id: customerId }, now)]);
    await r.queue.insertOutbox([notifyRow(order, 'closure_requested', { orderId: order.id, closureId: row.id, penaltyFen: penalty.penaltyFen, awaitingPenalty: row.state === 'awaiting_penalty' }, now)]);
    return { closure: (await r.afterSales.getClosure(id))!, penalty };
  });
}

/** An agent has closed the line at the carrier; the order becomes `account_closed` and the number goes back. */
export async function completeClosure(deps: Deps, closureId: string, who: Principal): Promise<{ closure: ClosureRow; order: Order } | DomainError> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  const agent: Actor = { type: 'agent', id: who.sub };
  const pending = await deps.store.afterSales.getClosure(closureId);
  if (pending?.state === 'requested') {
    const order = await deps.store.orders.getOrder(pending.order_id);
    // Closed at the carrier first: the order only says account_closed once the line really is.
    const answer = order ? await deps.carrier.closeLine({ closeNo: `CL${closureId.slice(2)}`, number: order.number }) : null;
    if (answer?.status === 'failed') return fail('CARRIER.UNAVAILABLE', 'The carrier could not close the line now; try again.', { error: answer.error });
  }
  return inTx(deps.store, async (r) => {
    const closure = await r.afterSales.getClosure(closureId);
    if (!closure) return fail('CLOSURE.NOT_FOUND', 'No such account closure.', { closureId });
    const order = (await r.orders.getOrder(closure.order_id, true))!;
    // The penalty is collected first: a line is never closed on a promise to pay.
    if (closure.state === 'awaiting_penalty') return fail('CLOSURE.PENALTY_UNPAID', 'The customer has not paid the early-termination penalty yet.', { penaltyFen: closure.penalty_fen });
    if (closure.state !== 'requested') return fail('CLOSURE.NOT_OPEN', `The closure is already ${closure.state}.`, { state: closure.state });
    const d = decide(order, { type: 'close_account', closureId, penaltyFen: closure.penalty_fen }, { now, settings });
    if (isError(d)) return d;
    if (!(await r.afterSales.completeClosure(closureId, who.sub, now))) return fail('CLOSURE.NOT_OPEN', 'The closure changed meanwhile.', { closureId });
    await commitDecisions(r, [{ before: order, decision: d, actor: agent }], now);
    return { closure: (await r.afterSales.getClosure(closureId))!, order: d.order };
  });
}
