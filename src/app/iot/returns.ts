// Cards a cancellation sent back (an intercepted parcel, or delivered cards returned unactivated) are received at
// the warehouse: a card that passes inspection (intact, PIN area not scratched) is cancelled and its share of the
// batch payment refunded, as the preview said; one that fails stays the business's, with the reason in its trail.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { OrderState } from '../../domain/order.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { startCardRefund } from './job-steps.ts';
import { cardEvent, type IotActor } from './trail.ts';

export interface ReceivedCard {
  iccid: string;
  passed: boolean;
  /** Why inspection failed (required then). */
  note?: string;
}

export async function receiveReturnedCards(deps: Deps, actor: IotActor, received: ReceivedCard[]): Promise<{ refunded: number; refundFen: number; refused: number } | DomainError> {
  for (const x of received) if (!x.passed && !x.note?.trim()) return fail('RETURN.REASON_REQUIRED', 'Say why the card failed inspection.', { iccid: x.iccid });
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    let refunded = 0;
    let refundFen = 0;
    let refused = 0;
    for (const x of received) {
      const card = await iot.cards.cardByIccid(x.iccid, true);
      if (!card || !card.pending_return) return fail('IOT.CARD_NOT_IN_STATE', 'This card is not expected back.', { iccid: x.iccid });
      const from = card.state as OrderState;
      const pending = card.pending_return as 'intercept' | 'return';
      const item = await iot.jobs.cancellationItemOf(card.id, pending);
      if (!item) throw new Error(`card ${card.id} waits to come back but no cancellation sent it`);
      if (!x.passed) {
        await iot.cards.moveCard(card.id, from, { pending_return: null }, now, pending);
        await iot.cards.insertEvents([cardEvent(card.id, 'card.inspection_failed', from, from, actor, now, `inspection failed: ${x.note!.trim()}; the card is sent back to the business`, item.job_id)]);
        refused += 1;
        continue;
      }
      const reason = pending === 'intercept' ? 'intercepted' : 'returned';
      if (!(await iot.cards.moveCard(card.id, from, { state: 'cancelled', close_reason: reason, closed_at: now, pending_return: null }, now, pending))) {
        return fail('IOT.CARD_NOT_IN_STATE', 'The card changed meanwhile; try again.', { iccid: x.iccid });
      }
      const payment = (await iot.cards.paymentsOf(card.batch_id)).find((p) => p.state === 'succeeded');
      if (!payment) throw new Error(`batch ${card.batch_id} has cards sent back but no captured payment`);
      await startCardRefund(r, card, payment, item.refund_fen, item.job_id, now);
      await iot.cards.insertEvents([cardEvent(card.id, 'card.cancelled', from, 'cancelled', actor, now, `${reason === 'intercepted' ? 'intercepted parcel' : 'returned card'} received and inspected; share ${item.refund_fen} fen refunded`, item.job_id)]);
      refunded += 1;
      refundFen += item.refund_fen;
    }
    return { refunded, refundFen, refused };
  });
}

/** A card's refund for a batch paid by bank transfer is sent back by transfer: the operator records that it went. */
export async function recordRefundTransfer(deps: Deps, operatorId: string, refundId: string, reference: string): Promise<{ refundNo: string; state: string } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const refund = await iot.jobs.getRefund(refundId);
    if (!refund) return fail('REFUND.NOT_FOUND', 'No such refund.', { refundNo: refundId });
    if (!(await iot.jobs.setRefund(refund.id, ['awaiting_transfer'], { state: 'succeeded', channel_refund_no: reference }, now))) {
      return fail('REFUND.NOT_REFUNDABLE', 'This refund does not wait for a bank transfer.', { refundNo: refund.id, state: refund.state });
    }
    await iot.cards.insertEvents([cardEvent(refund.card_id, 'card.refunded', 'cancelled', 'cancelled', { type: 'operator', id: operatorId }, now, `refund ${refund.id}: ${refund.amount_fen} fen sent by bank transfer ${reference}`)]);
    return { refundNo: refund.id, state: 'succeeded' };
  });
}
