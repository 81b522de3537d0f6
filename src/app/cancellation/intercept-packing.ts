// Warehouse interception (拦截发货) of a packing order whose cancellation was approved. Sent from the outbox
// (retried with backoff while the warehouse is unreachable), idempotent by its interception number.
// Accepted: the card goes back to stock, the number is released and the refund starts. Refused (the
// parcel left): the order moves on to `shipped` and a courier interception or a return takes over.
import { decideRequest } from '../../domain/cancellation-request.ts';
import { decide, SYSTEM } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { commitDecisions } from '../platform/commit.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import type { InterceptionAnswer } from '../platform/ports.ts';
import { commitRequest, lockRequest, requestEventRow } from './request-commit.ts';
import { loadForStaff } from './review-request.ts';
import type { Principal } from '../platform/secrets.ts';

export const interceptNo = (requestId: string) => `IC${requestId.slice(2)}`;

/** The outbox handler's work: ask the warehouse, then record its answer. */
export async function sendInterception(deps: Deps, requestId: string): Promise<void> {
  const req = await deps.store.requests.get(requestId);
  if (!req || req.state !== 'approved' || req.interception !== 'pending') return;
  const answer = await deps.warehouse.intercept({ interceptNo: interceptNo(req.id), orderId: req.orderId });
  if (answer.status === 'failed') throw new Error(`warehouse interception ${interceptNo(req.id)} failed: ${answer.error}`);
  const applied = await applyInterceptionAnswer(deps, requestId, answer);
  // An answer that finds the request already settled (the parcel was reported shipped meanwhile) changes nothing.
  if (isError(applied)) deps.log.info({ requestId, code: applied.code }, 'interception answer not applied');
}

export async function applyInterceptionAnswer(deps: Deps, requestId: string, answer: Exclude<InterceptionAnswer, { status: 'failed' }>): Promise<Order | DomainError> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const locked = await lockRequest(r, requestId);
    if (!locked) return fail('CANCEL_REQUEST.NOT_FOUND', 'No such cancellation request.', { requestId });
    const { req, order } = locked;
    const accepted = answer.status === 'accepted';
    const warehouse = { type: 'system' as const, id: 'warehouse' };
    const next = accepted
      ? decide(order, { type: 'intercepted', requestId: req.id }, { now, settings })
      : decide(order, { type: 'ship', trackingNo: answer.trackingNo ?? 'unknown' }, { now, settings });
    if (isError(next)) return next;
    const d = decideRequest(req, next.order, { type: 'interception_answered', accepted, detail: accepted ? null : answer.trackingNo }, { now });
    if (isError(d)) return d;
    await commitDecisions(r, [{ before: order, decision: next, actor: warehouse }], now);
    if (accepted) {
      await r.orders.insertEvents([requestEventRow(next.order, { action: 'warehouse.restocked', reason: `card for ${order.number} back in stock`, automatic: true }, warehouse, now)]);
    }
    await commitRequest(r, req, d, next.order, SYSTEM, now);
    return next.order;
  });
}

/** An agent sends the interception again (the warehouse did not answer and the outbox gave up). */
export async function resendInterception(deps: Deps, requestId: string, who: Principal): Promise<{ requestId: string } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const loaded = await loadForStaff(r, requestId, who);
    if (isError(loaded)) return loaded;
    const { req, order, actor } = loaded;
    if (req.state !== 'approved' || req.interception !== 'pending') {
      return fail('CANCEL_REQUEST.INTERCEPTION_NOT_PENDING', 'No interception is waiting for this request; approve the request first.', { state: req.state, interception: req.interception });
    }
    await r.queue.insertOutbox([{ order_id: order.id, topic: 'warehouse_intercept', payload: JSON.stringify({ orderId: order.id, requestId: req.id }), attempts: 0, next_attempt_at: now, created_at: now }]);
    await r.orders.insertEvents([requestEventRow(order, { action: 'request.interception_resent', reason: req.id, automatic: false }, actor, now)]);
    return { requestId: req.id };
  });
}
