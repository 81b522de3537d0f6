// Submission to the supplier once the order is paid (a free card at once): queued through the outbox in the
// transaction that marks it, sent with our order id as the supplier's idempotency key, retried with backoff while
// the supplier is busy. The supplier's order id is kept; its refusal at the door is a rejection like any other.
import { isError } from '../../domain/errors.ts';
import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import type { Deps } from '../platform/deps.ts';
import { outboxRow } from '../platform/rows.ts';
import { applyReportIn } from './apply-report.ts';
import { REAL_NAME_PURPOSE } from './place-supplier-order.ts';

/** Paid orders waiting for their supplier get their outbox row (and closed unsubmitted ones lose their sealed details). */
export async function queueSubmissions(deps: Deps, limit = 100): Promise<number> {
  const waiting = await deps.store.suppliers.waitingSubmissions(limit);
  const now = deps.clock.now();
  for (const orderId of waiting) {
    await deps.store.tx(async (r) => {
      const row = await r.suppliers.getOrder(orderId, true);
      const order = await r.orders.getOrder(orderId);
      if (!row || row.submission !== 'waiting' || !order || order.state !== 'paid') return;
      await r.suppliers.updateOrder(orderId, { submission: 'queued', updated_at: now });
      await r.queue.insertOutbox([outboxRow(order, 'supplier_submit', { orderId }, now)]);
    });
  }
  for (const orderId of await deps.store.suppliers.closedUnsubmitted(limit)) {
    await deps.store.tx((r) => r.suppliers.updateOrder(orderId, { submission: 'closed', real_name_enc: null, updated_at: now }));
  }
  return waiting.length;
}

/** The outbox handler: safe to run twice (the supplier answers a repeated order id with the same order). */
export async function submitToSupplier(deps: Deps, _row: OutboxRow, payload: Record<string, unknown>): Promise<void> {
  const orderId = String(payload.orderId);
  const row = await deps.store.suppliers.getOrder(orderId);
  const order = await deps.store.orders.getOrder(orderId);
  if (!row || !order || row.submission !== 'queued' || !row.real_name_enc) return;
  // An order closed meanwhile (a customer's cancel before the worker came) is not sent.
  if (order.state !== 'paid') {
    await deps.store.tx((r) => r.suppliers.updateOrder(orderId, { submission: 'closed', real_name_enc: null, updated_at: deps.clock.now() }));
    return;
  }
  const port = deps.suppliers?.get(row.supplier_id);
  if (!port || isError(port)) throw new Error(`supplier ${row.supplier_id} is not configured`);
  let hold = row.reservation ? await deps.store.suppliers.getReservation(row.reservation) : undefined;
  // The payment window outlasts a supplier's hold: a hold that ran out meanwhile is taken again on the same number.
  if (hold && hold.expires_at <= deps.clock.now()) {
    const again = await port.reserve({ reserveNo: `${hold.id}-${deps.clock.now()}`, supplierPlanId: row.supplier_plan_id, number: order.number });
    if (again.status === 'failed') throw new Error(`supplier ${row.supplier_id} could not hold ${order.number} again: ${again.error}`);
    if (again.status === 'reserved') {
      await deps.store.tx((r) => r.suppliers.renewReservation(hold!.id, again.reservationId, again.expiresAt));
      hold = { ...hold, reservation_id: again.reservationId, expires_at: again.expiresAt };
    }
  }
  const who = JSON.parse(deps.secrets.open(REAL_NAME_PURPOSE, row.real_name_enc)) as { name: string; residentId: string; phone: string };
  const answer = await port.submit({
    orderId, supplierPlanId: row.supplier_plan_id, number: order.number, reservationId: hold?.reservation_id ?? null,
    name: who.name, residentId: who.residentId, phone: who.phone, address: order.address,
  });
  const now = deps.clock.now();
  if (answer.status === 'failed') {
    await deps.store.tx((r) => r.suppliers.updateOrder(orderId, { submit_error: answer.error, updated_at: now }));
    throw new Error(`supplier ${row.supplier_id} did not take order ${orderId}: ${answer.error}`);
  }
  await deps.store.tx(async (r) => {
    const fresh = await r.suppliers.getOrder(orderId, true);
    if (!fresh || fresh.submission !== 'queued') return;
    if (answer.status === 'accepted') {
      await r.suppliers.updateOrder(orderId, { submission: 'accepted', supplier_order_id: answer.supplierOrderId, real_name_enc: null, submit_error: null, state: fresh.state ?? 'submitted', updated_at: now });
      if (fresh.reservation) await r.suppliers.setReservationState(fresh.reservation, 'used', now);
      return;
    }
    // Refused at the door (hold ended, product withdrawn, details refused): the order is rejected, money goes back.
    await r.suppliers.updateOrder(orderId, { submission: 'refused', real_name_enc: null, submit_error: `${answer.code} ${answer.reason}`, updated_at: now });
    const out = await applyReportIn(r, deps, row.supplier_id, { eventId: `submit:${orderId}`, orderId, supplierOrderId: null, state: 'rejected', at: now, reason: answer.reason }, now);
    if (isError(out)) deps.log.warn({ orderId, code: out.code }, 'supplier refusal not applied');
  });
}
