// Following a parcel at a courier that tracks by subscription (Kuaidi100): the outbox subscribes once the
// shipment committed; when pushes do not come, the courier's real-time query is asked and its newest scan
// goes through exactly the checks a push goes through.
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import type { Deps } from '../platform/deps.ts';
import { refusePush } from '../platform/push-refusals.ts';
import type { CallbackOutcome } from '../platform/signed-callback.ts';
import { applyNotice } from './courier-callback.ts';

/** Outbox `courier_subscribe`: a refusal for good (a waybill the courier cannot track) is logged, not retried. */
export async function subscribeTracking(deps: Deps, _row: OutboxRow, p: Record<string, unknown>): Promise<void> {
  if (!deps.courier.subscribe) return;
  const trackingNo = p.trackingNo as string;
  const orderId = p.orderId as string;
  const a = await deps.courier.subscribe({ trackingNo, orderId });
  if (a.status === 'subscribed') return;
  if (a.retryable) throw new Error(`courier subscription of ${trackingNo} failed: ${a.error}`);
  deps.log.warn({ orderId, trackingNo, error: a.error }, 'courier refused to track the parcel');
}

/**
 * Asks the courier for the parcel's track now (a push that never came) and applies its newest scan exactly as a
 * push is applied: same checks, same event id, so the push arriving afterwards is a duplicate. `nothing_new`: the
 * courier has no scan yet, or the answer tells nothing about the parcel.
 */
export async function refreshTracking(deps: Deps, orderId: string): Promise<{ outcome: CallbackOutcome | 'nothing_new'; orderId: string } | DomainError> {
  const order = await deps.store.orders.getOrder(orderId);
  if (!order) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
  if (!order.trackingNo) return fail('ORDER.INVALID_TRANSITION', 'The order has not left the warehouse: there is no parcel to follow.', { state: order.state });
  if (!deps.courier.queryTrack) return fail('COURIER.NOT_QUERYABLE', 'This courier cannot be asked for a track; its pushes are the only source.', { trackingNo: order.trackingNo });
  let n: Awaited<ReturnType<NonNullable<Deps['courier']['queryTrack']>>>;
  try {
    n = await deps.courier.queryTrack(order.trackingNo);
  } catch (e) {
    return fail('COURIER.UNAVAILABLE', 'The courier did not answer; ask again later.', { trackingNo: order.trackingNo, error: (e as Error).message.slice(0, 200) });
  }
  if (n === null) return { outcome: 'nothing_new', orderId };
  if (isError(n)) return refusePush(deps.log, 'courier', n, orderId);
  if (n.kind === 'acknowledge') return { outcome: 'nothing_new', orderId };
  return applyNotice(deps, n);
}
