// The courier's signed pushes: tracking scans, the answer to an interception, a parcel back at the warehouse.
// Each is applied once: a forged or stale push is refused before anything is written, a byte-for-byte replay
// (same nonce) is refused, and a resend of a known event (fresh nonce) is acknowledged with no effect. Scans
// arrive late and out of order: a scan of the journey is taken only while the order is shipped and dated
// after it left (a late "in transit" after the delivery is refused, never shown), and the tracking list is
// shown by scan time.
import { decideRequest } from '../../domain/cancellation-request.ts';
import { decide, SYSTEM, type Actor } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { arrivedParcel } from '../../domain/return.ts';
import type { Order } from '../../domain/order.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { CourierNotice } from '../platform/ports.ts';
import { commitDecisions } from '../platform/commit.ts';
import { newId, type Deps } from '../platform/deps.ts';
import { applyCallbackOnce, type CallbackOutcome } from '../platform/signed-callback.ts';
import { refusePush } from '../platform/push-refusals.ts';
import { checkPushFits } from '../../domain/policies/partner-push.ts';
import { commitRequest, requestEventRow } from '../cancellation/request-commit.ts';
import { applyIotCourierNotice, isIotParcel } from '../iot/courier.ts';

const COURIER: Actor = { type: 'system', id: 'courier' };

export async function applyCourierNotice(deps: Deps, headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<{ outcome: CallbackOutcome | 'acknowledged'; orderId: string | null } | DomainError> {
  const verified = deps.courier.verifyCallback(headers, rawBody, deps.clock.now());
  if (isError(verified)) return refusePush(deps.log, 'courier', verified);
  if (verified.kind === 'acknowledge') {
    // Signed, and about nothing that happened to a parcel (Kuaidi100 stopped monitoring, no scan yet): answered so
    // that the courier stops resending, and logged.
    deps.log.info({ trackingNo: verified.trackingNo, reason: verified.reason }, 'courier push acknowledged without effect');
    return { outcome: 'acknowledged', orderId: null };
  }
  return applyNotice(deps, verified);
}

/** A courier notice whose origin is established (a verified push, or the courier's answer to our own query). */
export async function applyNotice(deps: Deps, notice: CourierNotice): Promise<{ outcome: CallbackOutcome; orderId: string } | DomainError> {
  // A parcel of a business's IoT cards: its own use case applies the push.
  if (await isIotParcel(deps, notice.trackingNo)) return applyIotCourierNotice(deps, notice);
  return applyCallbackOnce(deps, notice, {
    source: 'courier', ref: notice.trackingNo, kind: notice.kind,
    findOrderId: (r) => r.afterSales.orderIdByTracking(notice.trackingNo),
    notFound: () => fail('PARCEL.NOT_FOUND', 'No order ships under this tracking number.', { trackingNo: notice.trackingNo }),
    fits: (order) => checkPushFits('courier', notice.kind, order.state),
    fitsHistory: notice.wholeTrack ? (r, order) => olderView(r, order, notice) : undefined,
    apply: (r, order, ctx) => applyScan(r, order, { ...notice, detail: ctx.detail }, ctx),
  });
}

/**
 * A push that carries the whole track (Kuaidi100) and whose newest scan is older than a scan we already took is
 * the courier's view from before: applying it would move the tracking backwards. Interception answers are
 * not track views and are not compared.
 */
async function olderView(r: Repos, order: Order, n: CourierNotice): Promise<DomainError | null> {
  const held = (await r.afterSales.listEvents(order.id, 'courier'))
    .filter((e) => e.event_id !== n.eventId && !e.kind.startsWith('interception_'))
    .reduce((m, e) => Math.max(m, e.occurred_at), -Infinity);
  if (n.occurredAt >= held) return null;
  return fail('CALLBACK.OUT_OF_ORDER', 'The push is an older view of the track than the one already received.', { kind: n.kind, occurredAt: n.occurredAt, newestHeld: held });
}

/** What a new scan changes; false when it only joins the tracking history. */
async function applyScan(r: Repos, order: Order, n: CourierNotice, ctx: { now: number; settings: Awaited<ReturnType<Deps['settings']['get']>> }): Promise<boolean> {
  const { now } = ctx;
  const req = await r.requests.getOpenForOrder(order.id, true);
  switch (n.kind) {
    case 'delivered': {
      const d = decide(order, { type: 'deliver', at: n.occurredAt }, ctx);
      if (isError(d)) return false;
      await commitDecisions(r, [{ before: order, decision: d, actor: COURIER }], now);
      // The parcel reached the customer before the courier could turn it back: the interception is over, a return follows.
      if (req && req.state === 'approved' && req.interception === 'pending') {
        const s = decideRequest(req, d.order, { type: 'interception_answered', accepted: false, detail: order.trackingNo }, { now });
        if (!isError(s)) await commitRequest(r, req, s, d.order, SYSTEM, now);
      }
      return true;
    }
    case 'interception_accepted':
    case 'interception_refused': {
      if (!req || req.state !== 'approved' || req.interception !== 'pending' || order.state !== 'shipped') return false;
      const accepted = n.kind === 'interception_accepted';
      const s = decideRequest(req, order, { type: 'interception_answered', accepted, detail: accepted ? n.detail : order.trackingNo }, { now });
      if (isError(s)) return false;
      await commitRequest(r, req, s, order, COURIER, now);
      return true;
    }
    case 'returned_to_sender': {
      // Back at the warehouse: the card waits for inspection; the refund follows a pass.
      if (order.state !== 'shipped' || (await r.afterSales.openReturnFor(order.id, true))) return false;
      const intercepted = req && req.state === 'approved' && req.interception === 'accepted' ? req.id : null;
      const ret = arrivedParcel(order, newId('RT', now), intercepted, now);
      await r.afterSales.insertReturn(ret);
      await r.orders.insertEvents([requestEventRow(order, { action: 'return.received', reason: `${ret.id} parcel ${order.trackingNo} back at the warehouse`, automatic: true }, COURIER, now)]);
      return true;
    }
    default:
      return false;
  }
}
