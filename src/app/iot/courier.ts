// The courier's signed pushes about a parcel of IoT cards (a batch ships in one or more parcels): the same verified
// push as a card order's, told apart by its waybill. Applied once (nonce and event id kept). Delivered: the parcel's
// cards still on their way are delivered at the scan's time; a card whose interception was asked and came too late is
// to be returned unactivated instead. Interception answers and the parcel's return join each card's trail; the cards
// come back to the warehouse, where an agent receives them (returns.ts).
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { checkPushText } from '../../domain/policies/partner-push.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';
import type { CourierNotice } from '../platform/ports.ts';
import type { CallbackOutcome } from '../platform/signed-callback.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { refusePush } from '../platform/push-refusals.ts';
import { cardEvent, type IotActor } from './trail.ts';

const COURIER: IotActor = { type: 'system', id: 'courier' };

/** Whether a waybill carries IoT cards (one indexed look-up). */
export async function isIotParcel(deps: Deps, trackingNo: string): Promise<boolean> {
  return (await iotRepos(deps.store).cards.cardsOfParcel(trackingNo)).length > 0;
}

export async function applyIotCourierNotice(deps: Deps, notice: CourierNotice): Promise<{ outcome: CallbackOutcome; orderId: string } | DomainError> {
  const now = deps.clock.now();
  const out = await inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const cards = await iot.cards.cardsOfParcel(notice.trackingNo);
    if (cards.length === 0) return fail('PARCEL.NOT_FOUND', 'No cards ship under this tracking number.', { trackingNo: notice.trackingNo });
    const detail = checkPushText('detail', notice.detail);
    if (isError(detail)) return detail;
    if (notice.occurredAt > now + 5 * 60_000) return fail('CALLBACK.TIME_OUT_OF_RANGE', 'The scan is dated in the future.', { occurredAt: notice.occurredAt });
    if (notice.nonce !== null && !(await r.afterSales.recordNonce('courier', notice.nonce, now))) return fail('CALLBACK.REPLAYED', 'This callback was already received.', { nonce: notice.nonce });
    const batchId = cards[0]!.batch_id;
    const fresh = await r.afterSales.recordEvent({
      source: 'courier', event_id: notice.eventId, order_id: batchId, ref: notice.trackingNo, kind: notice.kind, detail: detail.text,
      occurred_at: notice.occurredAt, received_at: now, outcome: 'received',
    });
    if (!fresh) return { outcome: 'duplicate' as const, orderId: batchId };
    let changed = 0;
    if (notice.kind === 'delivered') {
      for (const c of cards.filter((x) => x.state === 'shipped')) {
        // Delivered before the interception reached it: the card goes back as an unactivated return.
        const pending = c.pending_return === 'intercept' ? 'return' : null;
        if (!(await iot.cards.moveCard(c.id, 'shipped', { state: 'delivered', delivered_at: notice.occurredAt, ...(pending ? { pending_return: pending } : {}) }, now, c.pending_return as 'intercept' | null))) continue;
        changed += 1;
        await iot.cards.insertEvents([cardEvent(c.id, 'card.delivered', 'shipped', 'delivered', COURIER, now, pending ? `parcel ${notice.trackingNo} delivered before its interception: to be returned unactivated` : `parcel ${notice.trackingNo}`)]);
      }
      if (changed > 0) await iot.jobs.moveItemsRoute(cards.filter((c) => c.pending_return === 'intercept').map((c) => c.id), 'intercept', 'return');
    } else if (notice.kind === 'interception_accepted' || notice.kind === 'interception_refused' || notice.kind === 'returned_to_sender') {
      const waiting = cards.filter((c) => c.pending_return === 'intercept');
      await iot.cards.insertEvents(waiting.map((c) => cardEvent(c.id, `card.${notice.kind}`, c.state, c.state, COURIER, now, `parcel ${notice.trackingNo}${detail.text ? `: ${detail.text}` : ''}`)));
      changed = waiting.length;
    }
    return { outcome: changed > 0 ? 'applied' as const : 'recorded' as const, orderId: batchId };
  });
  return isError(out) ? refusePush(deps.log, 'courier', out) : out;
}
