// Writes a cancellation request's decisions: the request (guarded by state and version), its audit event
// and its effects, all inside the caller's transaction.
import type { Insertable } from 'kysely';
import type { Actor } from '../../domain/decide.ts';
import type { RequestDecision, RequestEvent, CancellationRequest } from '../../domain/cancellation-request.ts';
import { fail, Rejection } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import type { OrderEventsTable } from '../../adapters/store/schema.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { applyEffects } from '../platform/commit.ts';

/** Request events go on the order's audit trail, where people look; the order's state is unchanged by them. */
export function requestEventRow(order: Order, ev: RequestEvent, actor: Actor, now: number): Insertable<OrderEventsTable> {
  return {
    order_id: order.id, actor_type: actor.type, actor_id: actor.id, action: ev.action, from_state: order.state, to_state: order.state,
    reason: ev.reason, automatic: ev.automatic ? 1 : 0, at: now,
  };
}

/**
 * `before` null: a new request. `order` is the order as it stands after any order decision of the same
 * use case (commit that first), so the trail's last event always names the order's current state.
 */
export async function commitRequest(r: Repos, before: CancellationRequest | null, d: RequestDecision, order: Order, actor: Actor, now: number): Promise<void> {
  if (before === null) await r.requests.insert(d.request);
  else if (!(await r.requests.update(before, d.request))) {
    throw new Rejection(fail('CANCEL_REQUEST.NOT_OPEN', 'The request changed meanwhile; reload it.', { requestId: before.id }));
  }
  await r.orders.insertEvents([requestEventRow(order, d.event, actor, now)]);
  await applyEffects(r, [{ order, effects: d.effects }], now);
}

/**
 * Loads a request and its order for a change, locking them in the order every use case follows (the order,
 * then its request), so that two transactions never wait for each other crosswise on PostgreSQL.
 */
export async function lockRequest(r: Repos, requestId: string): Promise<{ req: CancellationRequest; order: Order } | undefined> {
  const peek = await r.requests.get(requestId);
  if (!peek) return undefined;
  const order = await r.orders.getOrder(peek.orderId, true);
  const req = await r.requests.get(requestId, true);
  if (!order || !req) throw new Error(`request ${requestId} or its order ${peek.orderId} is missing`);
  return { req, order };
}
