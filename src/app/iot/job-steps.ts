// What a job does to one card: decided from the card as read in the job's transaction, applied there (the card's
// move is guarded by the state it was read in, so a card that moved meanwhile is left as it is and fails). The chunk's
// moves go together (`moveCards`: one statement per starting state and change), then each moved card's rows.
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

export interface CardMove { from: OrderState; patch: Partial<Omit<CardRow, 'id'>> }

export interface StepResult {
  outcome: 'done' | 'failed';
  detail: string | null;
  /** The card's change, made only if the card is still in `from` (and not waiting to come back). */
  move?: CardMove;
  /** Once the card moved: its trail, refund and outbox rows to the chunk's lists. */
  after?: (ctx: ChunkRows) => void;
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
  private readonly interceptedBefore = new Map<string, boolean>();
  constructor(readonly r: Repos) {}

  /** The batch's captured payment, read once per chunk. */
  async paymentOf(batchId: string): Promise<{ id: string; channel: string } | null> {
    if (!this.payments.has(batchId)) this.payments.set(batchId, (await iotRepos(this.r).cards.paymentsOf(batchId)).find((p) => p.state === 'succeeded') ?? null);
    return this.payments.get(batchId)!;
  }

  /** Whether an earlier chunk of the job already asked for the parcel's interception, read once per parcel and chunk. */
  async parcelInterceptedBefore(jobId: string, trackingNo: string, cardId: string): Promise<boolean> {
    if (!this.interceptedBefore.has(trackingNo)) this.interceptedBefore.set(trackingNo, await iotRepos(this.r).jobs.parcelAlreadyIntercepted(jobId, trackingNo, cardId));
    return this.interceptedBefore.get(trackingNo)!;
  }

  async write(now: number): Promise<void> {
    const iot = iotRepos(this.r);
    if ((await iot.jobs.insertRefunds(this.refunds)) !== this.refunds.length) throw new Error(`a card of the chunk already has a refund: ${this.refunds.map((x) => x.card_id).join(', ')}`);
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
    // The carrier's activation proves the card arrived: a card still shown shipped is delivered at the same time.
    move: { from, patch: { state: 'activated', activated_at: answer.at, delivered_at: card.delivered_at ?? answer.at } },
    after(ctx) {
      if (from === 'shipped') ctx.events.push(cardEvent(card.id, 'card.delivered', 'shipped', 'delivered', IOT_SYSTEM, now, 'activated before the courier\u2019s delivery scan', job.id));
      ctx.events.push(cardEvent(card.id, 'card.activated', 'delivered', 'activated', actorOf(job), now, `batch activation ${job.id}`, job.id));
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
  switch (route) {
    case 'release':
      return {
        outcome: 'done', detail: 'released',
        move: { from, patch: { state: 'cancelled', close_reason: 'customer_abandoned', closed_at: now } },
        after(c) {
          c.events.push(cardEvent(card.id, 'card.released', from, 'cancelled', actor, now, 'batch cancellation: unpaid card released', job.id));
          c.releasedBatches.set(card.batch_id, card.business_id);
        },
      };
    case 'refund': {
      const payment = await ctx.paymentOf(card.batch_id);
      if (!payment) return failed('the batch has no captured payment to refund from');
      return {
        outcome: 'done', detail: `refund ${item.refund_fen} fen`,
        move: { from, patch: { state: 'cancelled', close_reason: 'customer_cancelled', closed_at: now } },
        after(c) {
          const rows = refundRows(card, payment, item.refund_fen, job.id, now);
          if (rows) {
            c.refunds.push(rows.refund);
            if (rows.outbox) c.outbox.push(rows.outbox);
          }
          c.events.push(cardEvent(card.id, 'card.cancelled', from, 'cancelled', actor, now, `batch cancellation: share ${item.refund_fen} fen refunded to ${payment.channel}`, job.id));
        },
      };
    }
    case 'intercept': {
      // One interception per parcel, however many of its cards are cancelled (the number is the courier's key too):
      // asked for by the first card of the parcel this job moves, unless an earlier chunk did.
      const parcel = card.tracking_no!;
      const before = await ctx.parcelInterceptedBefore(job.id, parcel, card.id);
      return {
        outcome: 'done', detail: `interception of parcel ${parcel} requested`,
        move: { from, patch: { pending_return: 'intercept' } },
        after(c) {
          if (!c.interceptedParcels.has(parcel) && !before) {
            c.outbox.push(iotOutbox('iot_intercept', { interceptNo: `${job.id}:${parcel}`, trackingNo: parcel, cardId: card.id }, now));
          }
          c.interceptedParcels.add(parcel);
          c.events.push(cardEvent(card.id, 'card.interception_requested', from, from, actor, now, `batch cancellation: parcel ${parcel} to be intercepted; share ${item.refund_fen} fen refunded once back`, job.id));
        },
      };
    }
    case 'return':
      return {
        outcome: 'done', detail: 'return instructions given',
        move: { from, patch: { pending_return: 'return' } },
        after(c) {
          c.events.push(cardEvent(card.id, 'card.return_requested', from, from, actor, now, `batch cancellation: to be sent back unactivated; share ${item.refund_fen} fen refunded once inspected`, job.id));
        },
      };
    case 'close':
      return {
        outcome: 'done', detail: `closed, penalty ${item.penalty_fen} fen`,
        move: { from, patch: { state: 'account_closed', close_reason: 'account_closed', closed_at: now, penalty_fen: item.penalty_fen } },
        after(c) {
          c.outbox.push(iotOutbox('iot_close_line', { cardId: card.id, closeNo: `${job.id}:${card.id}` }, now));
          c.events.push(cardEvent(card.id, 'card.closed', from, 'account_closed', actor, now, `batch cancellation: line closed, early-termination penalty ${item.penalty_fen} fen`, job.id));
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
