// Writes decisions: state, audit event, number, timers and outbox rows, all inside the caller's transaction.
import type { Insertable } from 'kysely';
import type { Actor, Decision, Effect } from '../../domain/decide.ts';
import { fail, Rejection } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { OrderEventsTable, OutboxTable, TimersTable } from '../../adapters/store/schema.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import { startRefund } from '../refunds/refunds.ts';
import { eventRow, notifyRow, outboxRow } from './rows.ts';
import { afterOrderChanges } from '../distribution/commissions.ts';

export interface Decided {
  before: Order;
  decision: Decision;
  actor: Actor;
}

/** Applies effects of orders that are new or already written (placement), and of decisions. */
export async function applyEffects(r: Repos, items: { order: Order; effects: Effect[] }[], now: number): Promise<void> {
  const release: string[] = [];
  const sell: string[] = [];
  const timers: Insertable<TimersTable>[] = [];
  const outbox: Insertable<OutboxTable>[] = [];
  const cancel = new Map<string, string[]>();
  const refunds: { order: Order; amountFen: number; reason: string; express: boolean }[] = [];
  const restocked: Insertable<OrderEventsTable>[] = [];
  for (const { order, effects } of items) {
    for (const e of effects) {
      switch (e.type) {
        case 'release_number': release.push(order.id); break;
        case 'sell_number': sell.push(order.id); break;
        case 'schedule': timers.push({ order_id: order.id, kind: e.kind, due_at: e.dueAt, claimed_until: null, attempts: 0 }); break;
        case 'cancel_timers': {
          const key = e.kinds.join(',');
          cancel.set(key, [...(cancel.get(key) ?? []), order.id]);
          break;
        }
        case 'notify': outbox.push(notifyRow(order, e.template, e.data, now)); break;
        case 'release_number_at_carrier': outbox.push(outboxRow(order, 'carrier_release', { orderId: order.id }, now)); break;
        // A parcel that already left is intercepted at the courier (快递拦截), a packing one at the warehouse.
        case 'intercept_parcel': outbox.push(order.state === 'shipped'
          ? outboxRow(order, 'courier_intercept', { orderId: order.id, requestId: e.requestId, trackingNo: order.trackingNo }, now)
          : outboxRow(order, 'warehouse_intercept', { orderId: order.id, requestId: e.requestId }, now)); break;
        case 'intercept_courier': outbox.push(outboxRow(order, 'courier_intercept', { orderId: order.id, requestId: e.requestId, trackingNo: e.trackingNo }, now)); break;
        case 'alert_staff': outbox.push(outboxRow(order, 'staff_alert', { template: e.template, data: e.data }, now)); break;
        case 'start_refund': refunds.push({ order, amountFen: e.amountFen, reason: e.reason, express: e.express }); break;
        case 'restock_card': restocked.push(eventRow(order, { event: { action: 'warehouse.restocked', fromState: order.state, toState: order.state, reason: `card ${e.iccid} back in stock, pick undone`, automatic: true } }, { type: 'system', id: 'warehouse' }, now)); break;
      }
    }
  }
  if (restocked.length) await r.orders.insertEvents(restocked);
  if (release.length) await r.orders.releaseNumbers(release, now);
  if (sell.length) await r.orders.sellNumbers(sell, now);
  for (const [kinds, ids] of cancel) await r.queue.deleteTimers(ids, kinds.split(','));
  if (timers.length) await r.queue.insertTimers(timers);
  // Refunds first: an express refund's outbox row then goes out ahead of the carrier call.
  for (const x of refunds) {
    // The order's own payment: a penalty paid for an account closure is not the order's money.
    const payment = (await r.payments.listPayments(x.order.id)).find((p) => p.state === 'succeeded' && p.purpose === 'order');
    if (!payment) throw new Error(`order ${x.order.id} is refunded but has no captured payment`);
    await startRefund(r, { orderId: x.order.id, paymentId: payment.id, channel: payment.channel as PaymentChannel, amountFen: x.amountFen, reason: x.reason, express: x.express, order: x.order }, now);
  }
  if (outbox.length) await r.queue.insertOutbox(outbox);
}

/**
 * What a use case writes with its decisions, in the same statements: audit events that go on the trail before and after
 * the decisions' own, and effects applied after theirs (a cancellation request's, when it is decided at once).
 */
export interface Alongside {
  eventsBefore?: Insertable<OrderEventsTable>[];
  eventsAfter?: Insertable<OrderEventsTable>[];
  effects?: { order: Order; effects: Effect[] }[];
}

/** Commits decisions made on orders read in this transaction; a lost race rolls everything back. */
export async function commitDecisions(r: Repos, decided: Decided[], now: number, alongside: Alongside = {}): Promise<void> {
  if (decided.length === 0) return;
  const ok = await r.orders.updateOrders(decided.map((d) => ({ before: d.before, after: d.decision.order })));
  if (!ok) throw new Rejection(fail('ORDER.CONCURRENT_UPDATE', 'The order changed meanwhile; try again.'));
  await r.orders.insertEvents([...(alongside.eventsBefore ?? []), ...decided.map((d) => eventRow(d.before, d.decision, d.actor, now)), ...(alongside.eventsAfter ?? [])]);
  await applyEffects(r, [...decided.map((d) => ({ order: d.decision.order, effects: d.decision.effects })), ...(alongside.effects ?? [])], now);
  // Every cancellation, return and closure passes here: distributors' commissions follow in this transaction.
  await afterOrderChanges(r, decided.map((d) => ({ before: d.before, after: d.decision.order })), now);
}
