// What a job does to one card: decided from the card as read in the job's transaction, applied there (the card's
// move is guarded by the state it was read in, so a card that moved meanwhile is left as it is and fails).
import type { Insertable } from 'kysely';
import type { JobItemRow, JobRow, CardRow } from '../../adapters/store/iot/index.ts';
import type { IotCardEventsTable, IotRefundsTable } from '../../adapters/store/iot/schema.ts';
import type { OutboxTable } from '../../adapters/store/schema.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { OrderState } from '../../domain/order.ts';
import { routeAllowed, type CardRoute } from '../../domain/iot/cancellation.ts';
import { newId } from '../platform/deps.ts';
import type { IotActivationAnswer } from './ports.ts';
import { cardEvent, iotOutbox, IOT_SYSTEM, type IotActor } from './trail.ts';

export interface StepResult {
  outcome: 'done' | 'failed';
  detail: string | null;
  /** The card's change; its trail, refund and outbox rows go to the chunk's lists. False when the card was no longer where it was read. */
  apply?: (ctx: ChunkRows) => Promise<boolean>;
}

/**
 * What a chunk's cards leave besides their own rows, written once for the chunk (a round trip per kind of row, not
 * per card), in the chunk's transaction: the trail, the refunds and their outbox rows, the batches whose last unpaid
 * card was released.
 */
export class ChunkRows {
  readonly events: Insertable<IotCardEventsTable>[] = [];
  readonly outbox: Insertable<OutboxTable>[] = [];
  readonly refunds: Insertable<IotRefundsTable>[] = [];
  readonly releasedBatches = new Map<string, string>();
  readonly interceptedParcels = new Set<string>();
  private readonly payments = new Map<string, { id: string; channel: string } | null>();
  constructor(readonly r: Repos) {}

  /** The batch's captured payment, read once per chunk. */
  async paymentOf(batchId: string): Promise<{ id: string; channel: string } | null> {
    if (!this.payments.has(batchId)) this.payments.set(batchId, (await iotRepos(this.r).cards.paymentsOf(batchId)).find((p) => p.state === 'succeeded') ?? null);
    return this.payments.get(batchId)!;
  }

  async write(now: number): Promise<void> {
    const iot = iotRepos(this.r);
    for (const refund of this.refunds) if (!(await iot.jobs.insertRefund(refund))) throw new Error(`card ${refund.card_id} already has a refund`);
    if (this.events.length) await iot.cards.insertEvents(this.events);
    // The last unpaid card of a batch released: the batch is cancelled and its open trade closed at the channel, so
    // that it can no longer be paid (money that still arrives is refunded whole).
    for (const [batchId, businessId] of this.releasedBatches) {
      if ((await iot.cards.countCards(businessId, batchId)).pending_payment === undefined && (await iot.cards.setBatchState(batchId, 'pending_payment', 'cancelled'))) {
        this.outbox.push(iotOutbox('iot_close_payment', { batchId }, now));
      }
    }
    if (this.outbox.length) await this.r.queue.insertOutbox(this.outbox);
  }
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
    async apply(ctx) {
      const iot = iotRepos(ctx.r);
      // The carrier's activation proves the card arrived: a card still shown shipped is delivered at the same time.
      const moved = await iot.cards.moveCard(card.id, from, { state: 'activated', activated_at: answer.at, delivered_at: card.delivered_at ?? answer.at }, now);
      if (!moved) return false;
      if (from === 'shipped') ctx.events.push(cardEvent(card.id, 'card.delivered', 'shipped', 'delivered', IOT_SYSTEM, now, 'activated before the courier\u2019s delivery scan', job.id));
      ctx.events.push(cardEvent(card.id, 'card.activated', 'delivered', 'activated', actorOf(job), now, `batch activation ${job.id}`, job.id));
      return true;
    },
  };
}

/** The states a route was planned from: a card found elsewhere at run time is not touched. */
const ROUTE_FROM: Record<Exclude<CardRoute, 'keep'>, OrderState[]> = {
  release: ['pending_payment'], refund: ['paid', 'packing'], intercept: ['shipped'], return: ['delivered'], close: ['activated'],
};

export async function cancellationStep(ctx: ChunkRows, card: CardRow, item: JobItemRow, job: JobRow, now: number): Promise<StepResult> {
  const route = item.route as Exclude<CardRoute, 'keep'>;
  const from = card.state as OrderState;
  if (card.pending_return || !ROUTE_FROM[route]?.includes(from) || !routeAllowed(route, from)) return failed(`the card is now ${card.state}${card.pending_return ? ' and on its way back' : ''}; preview the cancellation again`);
  const actor = actorOf(job);
  const iot = iotRepos(ctx.r);
  switch (route) {
    case 'release':
      return {
        outcome: 'done', detail: 'released',
        async apply(c) {
          if (!(await iot.cards.moveCard(card.id, from, { state: 'cancelled', close_reason: 'customer_abandoned', closed_at: now }, now))) return false;
          c.events.push(cardEvent(card.id, 'card.released', from, 'cancelled', actor, now, 'batch cancellation: unpaid card released', job.id));
          c.releasedBatches.set(card.batch_id, card.business_id);
          return true;
        },
      };
    case 'refund': {
      const payment = await ctx.paymentOf(card.batch_id);
      if (!payment) return failed('the batch has no captured payment to refund from');
      return {
        outcome: 'done', detail: `refund ${item.refund_fen} fen`,
        async apply(c) {
          if (!(await iot.cards.moveCard(card.id, from, { state: 'cancelled', close_reason: 'customer_cancelled', closed_at: now }, now))) return false;
          const rows = refundRows(card, payment, item.refund_fen, job.id, now);
          if (rows) {
            c.refunds.push(rows.refund);
            if (rows.outbox) c.outbox.push(rows.outbox);
          }
          c.events.push(cardEvent(card.id, 'card.cancelled', from, 'cancelled', actor, now, `batch cancellation: share ${item.refund_fen} fen refunded to ${payment.channel}`, job.id));
          return true;
        },
      };
    }
    case 'intercept':
      return {
        outcome: 'done', detail: `interception of parcel ${card.tracking_no} requested`,
        async apply(c) {
          if (!(await iot.cards.moveCard(card.id, from, { pending_return: 'intercept' }, now))) return false;
          // One interception per parcel, however many of its cards are cancelled (the number is the courier's key too).
          const parcel = card.tracking_no!;
          if (!c.interceptedParcels.has(parcel) && !(await iot.jobs.parcelAlreadyIntercepted(job.id, parcel, card.id))) {
            c.outbox.push(iotOutbox('iot_intercept', { interceptNo: `${job.id}:${parcel}`, trackingNo: parcel, cardId: card.id }, now));
          }
          c.interceptedParcels.add(parcel);
          c.events.push(cardEvent(card.id, 'card.interception_requested', from, from, actor, now, `batch cancellation: parcel ${parcel} to be intercepted; share ${item.refund_fen} fen refunded once back`, job.id));
          return true;
        },
      };
    case 'return':
      return {
        outcome: 'done', detail: 'return instructions given',
        async apply(c) {
          if (!(await iot.cards.moveCard(card.id, from, { pending_return: 'return' }, now))) return false;
          c.events.push(cardEvent(card.id, 'card.return_requested', from, from, actor, now, `batch cancellation: to be sent back unactivated; share ${item.refund_fen} fen refunded once inspected`, job.id));
          return true;
        },
      };
    case 'close':
      return {
        outcome: 'done', detail: `closed, penalty ${item.penalty_fen} fen`,
        async apply(c) {
          if (!(await iot.cards.moveCard(card.id, from, { state: 'account_closed', close_reason: 'account_closed', closed_at: now, penalty_fen: item.penalty_fen }, now))) return false;
          c.outbox.push(iotOutbox('iot_close_line', { cardId: card.id, closeNo: `${job.id}:${card.id}` }, now));
          c.events.push(cardEvent(card.id, 'card.closed', from, 'account_closed', actor, now, `batch cancellation: line closed, early-termination penalty ${item.penalty_fen} fen`, job.id));
          return true;
        },
      };
  }
}

/**
 * A card's refund: one per card (unique), its own request number, sent by the outbox to the channel the batch paid
 * through. A bank transfer is paid back by transfer: the refund waits for the operator who sends it.
 */
export function refundRows(card: Pick<CardRow, 'id' | 'batch_id'>, payment: { id: string; channel: string }, amountFen: number, cancellationRef: string, now: number): { refund: Insertable<IotRefundsTable>; outbox: Insertable<OutboxTable> | null } | null {
  if (amountFen <= 0) return null;
  const id = newId('IRF', now);
  const byTransfer = payment.channel === 'bank_transfer';
  return {
    refund: {
      id, card_id: card.id, batch_id: card.batch_id, cancellation_id: cancellationRef, payment_id: payment.id, channel: payment.channel, amount_fen: amountFen,
      state: byTransfer ? 'awaiting_transfer' : 'pending', channel_refund_no: null, last_error: null, created_at: now, updated_at: now,
    },
    outbox: byTransfer ? null : iotOutbox('iot_refund', { refundId: id }, now),
  };
}

/** A card's refund written at once (a card received back, a batch's late payment). */
export async function startCardRefund(r: Repos, card: Pick<CardRow, 'id' | 'batch_id'>, payment: { id: string; channel: string }, amountFen: number, cancellationRef: string, now: number): Promise<void> {
  const rows = refundRows(card, payment, amountFen, cancellationRef, now);
  if (!rows) return;
  if (!(await iotRepos(r).jobs.insertRefund(rows.refund))) throw new Error(`card ${card.id} already has a refund`);
  if (rows.outbox) await r.queue.insertOutbox([rows.outbox]);
}
