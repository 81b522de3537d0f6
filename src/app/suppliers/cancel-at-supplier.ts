// Cancelling an order at its source. A paid order not yet shipped is first put to the supplier, and its answer
// decides the route: it let the order go (cancelled here, money back, number released), or it already shipped
// (the order follows it to `shipped` and the customer's cancellation takes the courier interception path).
// An order not yet sent to the supplier is simply closed here; its hold is given back by the worker.
import { SYSTEM, type Actor } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { cancelledAtSupplier } from '../../domain/suppliers/supplier-order.ts';
import { applyForCancellation, type Applied, type ApplyInput } from '../cancellation/apply-cancellation.ts';
import { pickedReason } from '../ordering/cancel-reasons.ts';
import { commitDecisions } from '../platform/commit.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { applyReportIn } from './apply-report.ts';

export type SupplierCancel =
  | { route: 'cancelled'; order: Order }
  | { route: 'courier_interception'; order: Order; trackingNo: string | null; request: Applied };

export async function cancelAtSupplier(deps: Deps, orderId: string, customerId: string, input: ApplyInput): Promise<SupplierCancel | DomainError> {
  const row = await deps.store.suppliers.getOrder(orderId);
  const seen = await deps.store.orders.getOrder(orderId);
  if (!seen || seen.customerId !== customerId) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
  if (!row) return fail('SUPPLIER.NOT_FOUND', 'This order was not placed with a supplier.', { orderId });
  if (seen.state !== 'paid' && seen.state !== 'packing') {
    return fail('ORDER.NOT_CANCELLABLE', 'Only a paid order the supplier has not shipped is cancelled at the supplier.', { state: seen.state });
  }
  const checked = await pickedReason(deps.store, input.reasonCode, input.reasonText);
  if (isError(checked)) return checked;
  const customer: Actor = { type: 'customer', id: customerId };
  if (row.submission === 'accepted' || row.submission === 'queued') {
    const port = deps.suppliers?.get(row.supplier_id);
    if (!port || isError(port)) return fail('SUPPLIER.NOT_FOUND', 'The order\u2019s supplier is not configured.', { supplierId: row.supplier_id });
    let answer;
    try {
      answer = await port.cancel({ orderId, reason: checked.text ?? checked.code });
    } catch (e) {
      return fail('SUPPLIER.UNAVAILABLE', 'The supplier does not answer; try again shortly.', { supplierId: row.supplier_id, error: String(e) });
    }
    if (answer.status === 'failed') return fail('SUPPLIER.UNAVAILABLE', 'The supplier could not take the cancellation now; try again shortly.', { error: answer.error });
    if (answer.status === 'refused') return fail('ORDER.NOT_CANCELLABLE', `The supplier refused the cancellation: ${answer.reason}`, { supplierSays: answer.reason });
    if (answer.status === 'already_shipped') {
      const now = deps.clock.now();
      const moved = await inTx(deps.store, async (r) => {
        const out = await applyReportIn(r, deps, row.supplier_id, { eventId: `cancel:${orderId}`, orderId, supplierOrderId: null, state: 'shipped', at: now, waybill: answer.waybill }, now);
        return isError(out) ? out : ((await r.orders.getOrder(orderId)) as Order);
      });
      if (isError(moved)) return moved;
      const request = await applyForCancellation(deps, orderId, customerId, input);
      if (isError(request)) return request;
      return { route: 'courier_interception', order: request.order, trackingNo: moved.trackingNo, request };
    }
  }
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  const out = await inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    const d = cancelledAtSupplier(order, newId('SC', now), { now, settings });
    if (isError(d)) return d;
    await commitDecisions(r, [{ before: order, decision: d, actor: customer }], now);
    await r.suppliers.updateOrder(orderId, { state: 'cancelled', reason: checked.text ?? checked.code, updated_at: now, ...(row.submission === 'waiting' || row.submission === 'queued' ? { submission: 'closed', real_name_enc: null } : {}) });
    if (row.reservation && row.submission === 'accepted') await r.suppliers.setReservationState(row.reservation, 'released', now);
    return d.order;
  });
  if (isError(out)) return out;
  deps.log.info({ orderId, actor: SYSTEM.id }, 'order cancelled at its supplier');
  return { route: 'cancelled', order: out };
}
