// The number of a cancelled paid order goes back at the carrier. Sent from the outbox: a busy carrier is
// retried with backoff, a slow one is asked again under the same release number, and a crash between the
// call and its record repeats the call, which the carrier answers the same way. Until the carrier confirms,
// the number stays sold to the order and the order shows "cancelling".
import { decideRequest } from '../../domain/cancellation-request.ts';
import { SYSTEM } from '../../domain/decide.ts';
import { isError } from '../../domain/errors.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { Deps } from '../platform/deps.ts';
import { commitRequest, requestEventRow } from './request-commit.ts';

export const releaseNo = (orderId: string) => `NR${orderId.slice(2)}`;

export async function releaseNumberAtCarrier(deps: Deps, orderId: string): Promise<void> {
  const order = await deps.store.orders.getOrder(orderId);
  // Cancelled orders and closed accounts both give their number back to the carrier's pool.
  if (!order || (order.state !== 'cancelled' && order.state !== 'account_closed')) return;
  const number = await deps.store.orders.getNumber(order.numberId);
  if (!number || number.orderId !== order.id) return; // already released (a repeat of a delivered row)
  const answer = await deps.carrier.releaseNumber({ releaseNo: releaseNo(order.id), carrier: order.carrier, number: order.number });
  if (answer.status === 'pending') throw new Error(`carrier has not yet released ${order.number} (${releaseNo(order.id)})`);
  if (answer.status === 'failed') throw new Error(`carrier release ${releaseNo(order.id)} failed: ${answer.error}`);
  const now = deps.clock.now();
  await deps.store.tx(async (r) => {
    await r.orders.getOrder(order.id, true); // lock order first, its request second, as every use case does
    const current = await r.orders.getNumber(order.numberId);
    if (!current || current.orderId !== order.id) return;
    await r.orders.releaseNumbers([order.id], now);
    await r.orders.insertEvents([requestEventRow(order, { action: 'number.released', reason: `${order.number} ${releaseNo(order.id)}`, automatic: true }, { type: 'system', id: 'carrier' }, now)]);
    const req = await r.requests.getOpenForOrder(order.id, true);
    if (req) {
      const d = decideRequest(req, order, { type: 'number_released' }, { now });
      if (!isError(d) && d.request !== req) await commitRequest(r, req, d, order, SYSTEM, now);
    }
    await settleCancellation(r, order.id, now);
  });
}

/**
 * An approved request completes once the number is released and its refund has arrived, whichever comes
 * last. Called after each of the two, inside the transaction that records it; a call too early does nothing.
 */
export async function settleCancellation(r: Repos, orderId: string, now: number): Promise<void> {
  const order = await r.orders.getOrder(orderId, true);
  const req = await r.requests.getOpenForOrder(orderId, true);
  if (!order || !req || req.state !== 'approved') return;
  const refundSucceeded = order.amountFen === 0 || (await r.refunds.listRefunds(orderId)).some((x) => x.reason === `cancellation:${req.id}` && x.state === 'succeeded');
  const d = decideRequest(req, order, { type: 'complete', refundSucceeded }, { now });
  if (isError(d)) return;
  await commitRequest(r, req, d, order, SYSTEM, now);
}
