// A paid batch leaves the warehouse in one or more parcels (the courier's e-waybill number on each card of it);
// the courier's delivery of a parcel delivers its cards, and the activation window counts from then.
import { fail, type DomainError } from '../../domain/errors.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { cardEvent, type IotActor } from './trail.ts';

/** Packs the next `count` paid cards of a batch (in their order) into one parcel and hands it to the courier. */
export async function shipParcel(deps: Deps, actor: IotActor, batchId: string, count: number): Promise<{ trackingNo: string; iccids: string[] } | DomainError> {
  const batch = await iotRepos(deps.store).cards.getBatch(batchId);
  if (!batch) return fail('IOT.BATCH_NOT_FOUND', 'No such batch.', { batchId });
  const waiting = (await iotRepos(deps.store).cards.listCards({ businessId: batch.business_id, batchId, states: ['paid'] })).filter((c) => c.pending_return === null);
  if (!Number.isInteger(count) || count < 1 || count > waiting.length) return fail('IOT.CARD_NOT_IN_STATE', `The batch has ${waiting.length} paid cards waiting to ship.`, { count, waiting: waiting.length });
  // The waybill is the courier's (a remote call): asked first, then the cards move under it.
  const { trackingNo } = await deps.courier.createWaybill({ orderId: batchId });
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const moved: string[] = [];
    for (const c of waiting.slice(0, count)) {
      if (await iot.cards.moveCard(c.id, 'paid', { state: 'shipped', tracking_no: trackingNo }, now)) moved.push(c.id);
    }
    if (moved.length === 0) return fail('IOT.CARD_NOT_IN_STATE', 'The cards changed meanwhile; try again.');
    await iot.cards.insertEvents(moved.map((id) => cardEvent(id, 'card.shipped', 'paid', 'shipped', actor, now, `parcel ${trackingNo}`)));
    const iccids = waiting.filter((c) => moved.includes(c.id)).map((c) => c.iccid);
    return { trackingNo, iccids };
  });
}

/** The courier delivered a parcel: its cards still on their way are delivered at `at`. */
export async function deliverParcel(deps: Deps, actor: IotActor, trackingNo: string, at: number): Promise<{ delivered: number } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const cards = await iot.cards.cardsOfParcel(trackingNo);
    if (cards.length === 0) return fail('PARCEL.NOT_FOUND', 'No IoT cards travel in this parcel.', { trackingNo });
    const moved: string[] = [];
    // A card intercepted on the way is not delivered: it is coming back.
    for (const c of cards) if (await iot.cards.moveCard(c.id, 'shipped', { state: 'delivered', delivered_at: at }, now)) moved.push(c.id);
    await iot.cards.insertEvents(moved.map((id) => cardEvent(id, 'card.delivered', 'shipped', 'delivered', actor, now, `parcel ${trackingNo}`)));
    return { delivered: moved.length };
  });
}

