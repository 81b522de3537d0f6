// The rows a decision leaves behind: the order's audit event and outbox rows (notices and partner calls).
import type { Insertable } from 'kysely';
import type { Actor, Decision } from '../../domain/decide.ts';
import type { Order } from '../../domain/order.ts';
import type { OrderEventsTable, OutboxTable } from '../../adapters/store/schema.ts';

export function eventRow(order: Order, d: Pick<Decision, 'event'>, actor: Actor, now: number): Insertable<OrderEventsTable> {
  return {
    order_id: order.id,
    actor_type: actor.type,
    actor_id: actor.id,
    action: d.event.action,
    from_state: d.event.fromState,
    to_state: d.event.toState,
    reason: d.event.reason,
    automatic: d.event.automatic ? 1 : 0,
    at: now,
  };
}

export function outboxRow(order: Order, topic: string, payload: Record<string, unknown>, now: number): Insertable<OutboxTable> {
  return { order_id: order.id, topic, payload: JSON.stringify(payload), attempts: 0, next_attempt_at: now, created_at: now };
}

export function notifyRow(order: Order, template: string, data: Record<string, unknown>, now: number): Insertable<OutboxTable> {
  return {
    order_id: order.id,
    topic: 'notify',
    // No phone in the payload: the outbox would keep it in the clear; the handler reads it from the order.
    payload: JSON.stringify({ template, customerId: order.customerId, orderId: order.id, data }),
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
  };
}
