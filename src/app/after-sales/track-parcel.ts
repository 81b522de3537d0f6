// Following a parcel at a courier that tracks by subscription (Kuaidi100): the outbox subscribes once the
// shipment committed; when pushes do not come, the courier's real-time query is asked and its newest scan
// goes through exactly the checks a push goes through.
import { isError, type DomainError } from '../../domain/errors.ts';
import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import type { CourierNotice } from '../platform/ports.ts';
import type { Deps } from '../platform/deps.ts';
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

/** A courier that can be asked for a waybill's track now (Kuaidi100's poll/query.do). */
export interface TrackQuerying {
  queryNotice(trackingNo: string): Promise<CourierNotice | { kind: 'acknowledge' } | DomainError | null>;
}

/**
 * Asks the courier for the parcel's track and applies its newest scan as a push would be applied (same order
 * checks, same event id, so a push that arrives afterwards is a duplicate). Null: nothing new to apply.
 */
export async function refreshTracking(deps: Deps, courier: TrackQuerying, trackingNo: string): Promise<{ outcome: CallbackOutcome; orderId: string } | DomainError | null> {
  const n = await courier.queryNotice(trackingNo);
  if (n === null || (!isError(n) && n.kind === 'acknowledge')) return null;
  if (isError(n)) return n;
  return applyNotice(deps, n as CourierNotice);
}
