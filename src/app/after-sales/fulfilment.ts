// The fulfilment moves a cancellation can meet: an agent picks the SIM card for a paid order and starts
// packing it, and the warehouse reports that a packing order's parcel left. All are guarded updates of the
// order, so a cancellation racing any of them ends with exactly one outcome.
import { decideRequest } from '../../domain/cancellation-request.ts';
import { decide, SYSTEM, type Actor } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { parseIccid } from '../../domain/iccid.ts';
import type { Order } from '../../domain/order.ts';
import { commitDecisions } from '../platform/commit.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { commitRequest } from '../cancellation/request-commit.ts';
import { outboxRow } from '../platform/rows.ts';

/**
 * The agent takes the card for the order's number from stock and records its ICCID. The order stays `paid`
 * (picking is a step inside it); a card already in another live order's parcel cannot be picked twice.
 */
export async function pickCard(deps: Deps, orderId: string, rawIccid: string, actor: Actor): Promise<Order | DomainError> {
  const iccid = parseIccid(rawIccid);
  if (isError(iccid)) return iccid;
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  try {
    return await inTx(deps.store, async (r) => {
      const order = await r.orders.getOrder(orderId, true);
      if (!order) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
      const open = await r.requests.getOpenForOrder(order.id, true);
      const d = decide(order, { type: 'pick', iccid, openRequestId: open?.id ?? null }, { now, settings });
      if (isError(d)) return d;
      const holder = await r.afterSales.iccidHolder(iccid, order.id);
      if (holder) return fail('FULFILMENT.ICCID_IN_USE', 'This card is already picked for another order.', { iccid });
      await commitDecisions(r, [{ before: order, decision: d, actor }], now);
      return d.order;
    });
  } catch (e) {
    // Two agents picking the same card at once: the unique index lets one of them through.
    if (/unique|duplicate key/i.test(String((e as Error).message))) return fail('FULFILMENT.ICCID_IN_USE', 'This card is already picked for another order.', { iccid });
    throw e;
  }
}

export async function startPacking(deps: Deps, orderId: string, actor: Actor): Promise<Order | DomainError> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    const open = await r.requests.getOpenForOrder(order.id, true);
    const d = decide(order, { type: 'start_packing', openRequestId: open?.id ?? null }, { now, settings });
    if (isError(d)) return d;
    await commitDecisions(r, [{ before: order, decision: d, actor }], now);
    return d.order;
  });
}

/**
 * The parcel left the warehouse. A request still waiting (or an interception not yet answered) can no longer
 * hold it: the request is superseded and the customer told that a courier interception or a return follows.
 * Reported twice, the second report changes nothing; reported for an order that was intercepted and
 * cancelled first, it is refused and the order stays cancelled.
 */
export async function recordShipment(deps: Deps, orderId: string, trackingNo: string): Promise<Order | DomainError> {
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    if (order.state === 'shipped') return order;
    const shipped = decide(order, { type: 'ship', trackingNo }, { now, settings });
    if (isError(shipped)) return shipped;
    const open = await r.requests.getOpenForOrder(order.id, true);
    const superseded = open ? decideRequest(open, shipped.order, { type: 'supersede', reason: `parcel shipped ${trackingNo}` }, { now }) : null;
    if (superseded && isError(superseded)) return superseded;
    const warehouse: Actor = { type: 'system', id: 'warehouse' };
    await commitDecisions(r, [{ before: order, decision: shipped, actor: warehouse }], now);
    // A courier that pushes only the waybills one subscribed to (Kuaidi100) is asked to track this one, once it commits.
    if (deps.courier.subscribe) await r.queue.insertOutbox([outboxRow(shipped.order, 'courier_subscribe', { orderId, trackingNo }, now)]);
    if (open && superseded) await commitRequest(r, open, superseded, shipped.order, SYSTEM, now);
    return shipped.order;
  });
}

/**
 * An agent hands a packed parcel to the courier: the courier issues the waybill (tracking number) and the
 * order becomes `shipped` as if the warehouse had reported it, open requests included.
 */
export async function handToCourier(deps: Deps, orderId: string): Promise<Order | DomainError> {
  const order = await deps.store.orders.getOrder(orderId);
  if (!order) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
  if (order.state !== 'packing') return fail('ORDER.INVALID_TRANSITION', 'Only a packing order can be handed to the courier.', { state: order.state });
  let trackingNo: string;
  try {
    ({ trackingNo } = await deps.courier.createWaybill({ orderId }));
  } catch (e) {
    // The e-waybill system refused or did not answer: no waybill, so the parcel has not left; the agent tries again.
    deps.log.warn({ orderId, error: (e as Error).message.slice(0, 200) }, 'courier issued no waybill');
    return fail('COURIER.UNAVAILABLE', 'The courier issued no waybill; try again shortly.', { orderId });
  }
  return recordShipment(deps, orderId, trackingNo);
}

/** The outbox's courier interception (快递拦截): sent once per parcel; the answer comes back by callback. */
export async function sendCourierInterception(deps: Deps, requestId: string, trackingNo: string): Promise<void> {
  const req = await deps.store.requests.get(requestId);
  if (!req || req.state !== 'approved' || req.interception !== 'pending') return;
  const answer = await deps.courier.intercept({ interceptNo: `CI${requestId.slice(2)}`, trackingNo });
  if (answer.status === 'failed') throw new Error(`courier interception of ${trackingNo} failed: ${answer.error}`);
}
