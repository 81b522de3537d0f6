// What a job does to one card: decided from the card as read in the job's transaction, applied there (the card's
// move is guarded by the state it was read in, so a card that moved meanwhile is left as it is and fails).
import type { JobItemRow, JobRow, CardRow } from '../../adapters/store/iot/index.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { OrderState } from '../../domain/order.ts';
import type { CardRoute } from '../../domain/iot/cancellation.ts';
import { newId } from '../platform/deps.ts';
import type { IotActivationAnswer } from './ports.ts';
import { cardEvent, iotOutbox, IOT_SYSTEM, type IotActor } from './trail.ts';

export interface StepResult {
  outcome: 'done' | 'failed';
  detail: string | null;
  /** The card's change, its trail and outbox rows; false when the card was no longer where it was read. */
  apply?: (r: Repos) => Promise<boolean>;
}

const failed = (detail: string): StepResult => ({ outcome: 'failed', detail });
const actorOf = (job: JobRow): IotActor => ({ type: 'business', id: job.created_by });

export function activationStep(card: CardRow, answer: IotActivationAnswer | undefined, job: JobRow, now: number): StepResult {
  if (card.pending_return) return failed('the card is on its way back after a cancellation');
  if (card.state !== 'delivered' && card.state !== 'shipped') return failed(`the card is ${card.state}; only a delivered card is activated`);
  if (!answer) return failed('the carrier was not asked');
  if (answer.status === 'failed') return failed(`the carrier refused: ${answer.error}`);
  const from = card.state as OrderState;
  return {
    outcome: 'done', detail: null,
    async apply(r) {
      const iot = iotRepos(r);
      // The carrier's activation proves the card arrived: a card still shown shipped is delivered at the same time.
      const moved = await iot.cards.moveCard(card.id, from, { state: 'activated', activated_at: answer.at, delivered_at: card.delivered_at ?? answer.at }, now);
      if (!moved) return false;
      await iot.cards.insertEvents([
        ...(from === 'shipped' ? [cardEvent(card.id, 'card.delivered', 'shipped', 'delivered', IOT_SYSTEM, now, 'activated before the courier\u2019s delivery scan', job.id)] : []),
        cardEvent(card.id, 'card.activated', 'delivered', 'activated', actorOf(job), now, `batch activation ${job.id}`, job.id),
      ]);
      return true;
    },
  };
}

/** The states a route was planned from: a card found elsewhere at run time is not touched. */
const ROUTE_FROM: Record<Exclude<CardRoute, 'keep'>, OrderState[]> = {
  release: ['pending_payment'], refund: ['paid', 'packing'], intercept: ['shipped'], return: ['delivered'], close: ['activated'],
};

export async function cancellationStep(r: Repos, card: CardRow, item: JobItemRow, job: JobRow, now: number): Promise<StepResult> {
  const route = item.route as Exclude<CardRoute, 'keep'>;
  const from = card.state as OrderState;
  if (card.pending_return || !ROUTE_FROM[route]?.includes(from)) return failed(`the card is now ${card.state}${card.pending_return ? ' and on its way back' : ''}; preview the cancellation again`);
  const actor = actorOf(job);
  const iot = iotRepos(r);
  switch (route) {
    case 'release':
      return {
        outcome: 'done', detail: 'released',
        async apply() {
          if (!(await iot.cards.moveCard(card.id, from, { state: 'cancelled', close_reason: 'customer_abandoned', closed_at: now }, now))) return false;
          await iot.cards.insertEvents([cardEvent(card.id, 'card.released', from, 'cancelled', actor, now, 'batch cancellation: unpaid card released', job.id)]);
          // The last card of an unpaid batch released: the batch is cancelled and its open trade closed at the channel,
          // so that it can no longer be paid (money that still arrives is refunded whole).
          if ((await iot.cards.countCards(card.business_id, card.batch_id)).pending_payment === undefined && (await iot.cards.setBatchState(card.batch_id, 'pending_payment', 'cancelled'))) {
            await r.queue.insertOutbox([iotOutbox('iot_close_payment', { batchId: card.batch_id }, now)]);
          }
          return true;
        },
      };
    case 'refund': {
      const payment = (await iot.cards.paymentsOf(card.batch_id)).find((p) => p.state === 'succeeded');
      if (!payment) return failed('the batch has no captured payment to refund from');
      return {
        outcome: 'done', detail: `refund ${item.refund_fen} fen`,
        async apply(rr) {
          if (!(await iot.cards.moveCard(card.id, from, { state: 'cancelled', close_reason: 'customer_cancelled', closed_at: now }, now))) return false;
          await startCardRefund(rr, card, payment, item.refund_fen, job.id, now);
          await iot.cards.insertEvents([cardEvent(card.id, 'card.cancelled', from, 'cancelled', actor, now, `batch cancellation: share ${item.refund_fen} fen refunded to ${payment.channel}`, job.id)]);
          return true;
        },
      };
    }
    case 'intercept':
      return {
        outcome: 'done', detail: `interception of parcel ${card.tracking_no} requested`,
        async apply(rr) {
          if (!(await iot.cards.moveCard(card.id, from, { pending_return: 'intercept' }, now))) return false;
          // One interception per parcel, however many of its cards are cancelled (the number is the courier's key too).
          if (!(await iot.jobs.parcelAlreadyIntercepted(job.id, card.tracking_no!, card.id))) await rr.queue.insertOutbox([iotOutbox('iot_intercept', { interceptNo: `${job.id}:${card.tracking_no}`, trackingNo: card.tracking_no, cardId: card.id }, now)]);
          await iot.cards.insertEvents([cardEvent(card.id, 'card.interception_requested', from, from, actor, now, `batch cancellation: parcel ${card.tracking_no} to be intercepted; share ${item.refund_fen} fen refunded once back`, job.id)]);
          return true;
        },
      };
    case 'return':
      return {
        outcome: 'done', detail: 'return instructions given',
        async apply() {
          if (!(await iot.cards.moveCard(card.id, from, { pending_return: 'return' }, now))) return false;
          await iot.cards.insertEvents([cardEvent(card.id, 'card.return_requested', from, from, actor, now, `batch cancellation: to be sent back unactivated; share ${item.refund_fen} fen refunded once inspected`, job.id)]);
          return true;
        },
      };
    case 'close':
      return {
        outcome: 'done', detail: `closed, penalty ${item.penalty_fen} fen`,
        async apply(rr) {
          if (!(await iot.cards.moveCard(card.id, from, { state: 'account_closed', close_reason: 'account_closed', closed_at: now, penalty_fen: item.penalty_fen }, now))) return false;
          await rr.queue.insertOutbox([iotOutbox('iot_close_line', { cardId: card.id, closeNo: `${job.id}:${card.id}` }, now)]);
          await iot.cards.insertEvents([cardEvent(card.id, 'card.closed', from, 'account_closed', actor, now, `batch cancellation: line closed, early-termination penalty ${item.penalty_fen} fen`, job.id)]);
          return true;
        },
      };
  }
}

/**
 * A card's refund: one per card (unique), its own request number, sent by the outbox to the channel the batch paid
 * through. A bank transfer is paid back by transfer: the refund waits for the operator who sends it.
 */
export async function startCardRefund(r: Repos, card: Pick<CardRow, 'id' | 'batch_id'>, payment: { id: string; channel: string }, amountFen: number, cancellationRef: string, now: number): Promise<void> {
  if (amountFen <= 0) return;
  const id = newId('IRF', now);
  const byTransfer = payment.channel === 'bank_transfer';
  const inserted = await iotRepos(r).jobs.insertRefund({
    id, card_id: card.id, batch_id: card.batch_id, cancellation_id: cancellationRef, payment_id: payment.id, channel: payment.channel, amount_fen: amountFen,
    state: byTransfer ? 'awaiting_transfer' : 'pending', channel_refund_no: null, last_error: null, created_at: now, updated_at: now,
  });
  if (!inserted) throw new Error(`card ${card.id} already has a refund`);
  if (!byTransfer) await r.queue.insertOutbox([iotOutbox('iot_refund', { refundId: id }, now)]);
}
