// Batches, their payment, the cards with their audit trail, and the carrier's daily usage.
import { sql, type Insertable, type Selectable } from 'kysely';
import type { IotBatchesTable, IotCardEventsTable, IotCardsTable, IotPaymentsTable, IotUsageTable } from './schema.ts';
import { penaltyOf, type IotExecutor } from './accounts-repo.ts';
import { chunks, groupBy } from '../order-repo.ts';
import type { IotCard, PendingReturn } from '../../../domain/iot/card.ts';
import type { OrderState } from '../../../domain/order.ts';

export type BatchRow = Selectable<IotBatchesTable>;
export type IotPaymentRow = Selectable<IotPaymentsTable>;
export type CardRow = Selectable<IotCardsTable>;
export type CardEventRow = Selectable<IotCardEventsTable>;

export function toCard(r: CardRow): IotCard {
  return {
    id: r.id, batchId: r.batch_id, businessId: r.business_id, iccid: r.iccid, msisdn: r.msisdn, state: r.state as OrderState, shareFen: r.share_fen,
    quotaMb: r.quota_mb, paymentDeadline: r.payment_deadline, trackingNo: r.tracking_no, deliveredAt: r.delivered_at, activatedAt: r.activated_at,
    poolId: r.pool_id, pendingReturn: r.pending_return as PendingReturn,
    terms: {
      planPriceFen: r.share_fen, monthlyFeeFen: r.monthly_fee_fen, contractMonths: r.contract_months, penaltyRule: penaltyOf(r.penalty_kind, r.penalty_value),
      activationWindowDays: r.activation_window_days, trialDays: 0,
    },
  };
}

export interface CardFilter {
  businessId: string;
  batchId?: string;
  states?: OrderState[];
  iccids?: string[];
  poolId?: string;
  limit?: number;
  offset?: number;
}

export class IotCardsRepo {
  constructor(private readonly db: IotExecutor, private readonly forUpdate: boolean) {}

  async insertBatch(row: Insertable<IotBatchesTable>): Promise<void> {
    await this.db.insertInto('iot_batches').values(row).execute();
  }

  async getBatch(id: string, lock = false): Promise<BatchRow | undefined> {
    let q = this.db.selectFrom('iot_batches').selectAll().where('id', '=', id);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async listBatches(businessId: string): Promise<BatchRow[]> {
    return this.db.selectFrom('iot_batches').selectAll().where('business_id', '=', businessId).orderBy('created_at', 'desc').execute();
  }

  async setBatchState(id: string, from: string, to: string, patch: Partial<Pick<BatchRow, 'paid_at'>> = {}): Promise<boolean> {
    const r = await this.db.updateTable('iot_batches').set({ state: to, ...patch }).where('id', '=', id).where('state', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---- the batch's payment
  async insertPayment(row: Insertable<IotPaymentsTable>): Promise<void> {
    await this.db.insertInto('iot_payments').values(row).execute();
  }

  async getPayment(id: string, lock = false): Promise<IotPaymentRow | undefined> {
    let q = this.db.selectFrom('iot_payments').selectAll().where('id', '=', id);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async paymentsOf(batchId: string): Promise<IotPaymentRow[]> {
    return this.db.selectFrom('iot_payments').selectAll().where('batch_id', '=', batchId).orderBy('created_at').execute();
  }

  /** Marks the payment paid if it is still open: true the first time only. */
  async markPaymentSucceeded(id: string, tradeNo: string | null, confirmedBy: string | null, now: number): Promise<boolean> {
    const r = await this.db.updateTable('iot_payments').set({ state: 'succeeded', trade_no: tradeNo, confirmed_by: confirmedBy, succeeded_at: now })
      .where('id', '=', id).where('state', '=', 'created').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setPaymentState(id: string, from: string, to: string): Promise<boolean> {
    const r = await this.db.updateTable('iot_payments').set({ state: to }).where('id', '=', id).where('state', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** A notification's nonce, once: false when it was received before (a replay). */
  async recordNotice(channel: string, nonce: string, paymentId: string, now: number): Promise<boolean> {
    const r = await this.db.insertInto('iot_payment_notices').values({ channel, nonce, payment_id: paymentId, received_at: now })
      .onConflict((oc) => oc.columns(['channel', 'nonce']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  // ---- cards
  async insertCards(rows: Insertable<IotCardsTable>[]): Promise<void> {
    for (const c of chunks(rows)) await this.db.insertInto('iot_cards').values(c).execute();
  }

  async listCards(f: CardFilter): Promise<CardRow[]> {
    let q = this.db.selectFrom('iot_cards').selectAll().where('business_id', '=', f.businessId);
    if (f.batchId) q = q.where('batch_id', '=', f.batchId);
    if (f.states?.length) q = q.where('state', 'in', f.states);
    if (f.poolId) q = q.where('pool_id', '=', f.poolId);
    if (f.iccids) {
      if (f.iccids.length === 0) return [];
      const out: CardRow[] = [];
      for (const c of chunks(f.iccids)) out.push(...(await q.where('iccid', 'in', c).orderBy('batch_id').orderBy('seq').execute()));
      return out;
    }
    q = q.orderBy('batch_id').orderBy('seq');
    if (f.limit !== undefined) q = q.limit(f.limit).offset(f.offset ?? 0);
    return q.execute();
  }

  async cardByIccid(iccid: string, lock = false): Promise<CardRow | undefined> {
    let q = this.db.selectFrom('iot_cards').selectAll().where('iccid', '=', iccid);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** Cards by ICCID whoever holds them (the carrier's reports name cards, not businesses). */
  async cardsByIccids(iccids: string[]): Promise<CardRow[]> {
    const out: CardRow[] = [];
    for (const c of chunks(iccids)) out.push(...(await this.db.selectFrom('iot_cards').selectAll().where('iccid', 'in', c).execute()));
    return out;
  }

  /** Cards activated by `before` (the cards whose usage the carrier reports for a day ending then). */
  async activatedIccids(before: number): Promise<string[]> {
    const rows = await this.db.selectFrom('iot_cards').select('iccid').where('activated_at', 'is not', null).where('activated_at', '<', before).orderBy('iccid').execute();
    return rows.map((r) => r.iccid);
  }

  async cardsOfParcel(trackingNo: string): Promise<CardRow[]> {
    return this.db.selectFrom('iot_cards').selectAll().where('tracking_no', '=', trackingNo).orderBy('batch_id').orderBy('seq').execute();
  }

  async countCards(businessId: string, batchId?: string): Promise<Record<string, number>> {
    let q = this.db.selectFrom('iot_cards').select(['state', sql<number>`count(*)`.as('n')]).where('business_id', '=', businessId);
    if (batchId) q = q.where('batch_id', '=', batchId);
    const rows = await q.groupBy('state').execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  async getCards(ids: string[], lock = false): Promise<CardRow[]> {
    const out: CardRow[] = [];
    for (const c of chunks(ids)) {
      let q = this.db.selectFrom('iot_cards').selectAll().where('id', 'in', c);
      if (lock && this.forUpdate) q = q.forUpdate();
      out.push(...(await q.execute()));
    }
    return out;
  }

  /** Moves a card if it is still in `from` (and not waiting to come back, unless `pending` says so): true when it moved. */
  async moveCard(id: string, from: OrderState, patch: Partial<Omit<CardRow, 'id'>>, now: number, pending: PendingReturn = null): Promise<boolean> {
    let q = this.db.updateTable('iot_cards').set({ ...patch, updated_at: now }).where('id', '=', id).where('state', '=', from);
    q = pending === null ? q.where('pending_return', 'is', null) : q.where('pending_return', '=', pending);
    return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
  }

  /**
   * Many cards' guarded moves at once (a job's chunk): the cards that share a starting state and a change move in one
   * statement, each only if it is still in its `from` and not waiting to come back; the ids that moved.
   */
  async moveCards(moves: { id: string; from: OrderState; patch: Partial<Omit<CardRow, 'id'>> }[], now: number): Promise<Set<string>> {
    const moved = new Set<string>();
    for (const group of groupBy(moves, (m) => `${m.from} ${JSON.stringify(m.patch)}`)) {
      const { from, patch } = group[0]!;
      for (const ids of chunks(group.map((m) => m.id))) {
        const rows = await this.db.updateTable('iot_cards').set({ ...patch, updated_at: now }).where('id', 'in', ids).where('state', '=', from)
          .where('pending_return', 'is', null).returning('id').execute();
        for (const r of rows) moved.add(r.id);
      }
    }
    return moved;
  }

  /** Every card of a batch still in `from` moves to `to`; their ids. */
  async moveBatchCards(batchId: string, from: OrderState, to: OrderState, now: number): Promise<string[]> {
    const ids = (await this.db.selectFrom('iot_cards').select('id').where('batch_id', '=', batchId).where('state', '=', from).orderBy('seq').execute()).map((r) => r.id);
    await this.db.updateTable('iot_cards').set({ state: to, updated_at: now }).where('batch_id', '=', batchId).where('state', '=', from).execute();
    return ids;
  }

  async closeReleased(ids: string[], reason: string, now: number): Promise<void> {
    for (const c of chunks(ids)) await this.db.updateTable('iot_cards').set({ close_reason: reason, closed_at: now }).where('id', 'in', c).execute();
  }

  async setPool(cardIds: string[], poolId: string | null, now: number): Promise<number> {
    let n = 0;
    for (const c of chunks(cardIds)) n += Number((await this.db.updateTable('iot_cards').set({ pool_id: poolId, updated_at: now }).where('id', 'in', c).executeTakeFirst()).numUpdatedRows);
    return n;
  }

  async setDataStopped(poolId: string, stopped: boolean, now: number): Promise<void> {
    await this.db.updateTable('iot_cards').set({ data_stopped: stopped ? 1 : 0, updated_at: now }).where('pool_id', '=', poolId).execute();
  }

  async insertEvents(rows: Insertable<IotCardEventsTable>[]): Promise<void> {
    for (const c of chunks(rows)) await this.db.insertInto('iot_card_events').values(c).execute();
  }

  async events(cardId: string): Promise<CardEventRow[]> {
    return this.db.selectFrom('iot_card_events').selectAll().where('card_id', '=', cardId).orderBy('id').execute();
  }

  // ---- usage
  /** Each card's usage of a day is taken once: a report sent again adds nothing. Returns the rows new to us. */
  async insertUsage(rows: Insertable<IotUsageTable>[]): Promise<number> {
    let n = 0;
    for (const c of chunks(rows)) {
      const r = await this.db.insertInto('iot_usage').values(c).onConflict((oc) => oc.columns(['card_id', 'day']).doNothing()).executeTakeFirst();
      n += Number(r.numInsertedOrUpdatedRows ?? 0n);
    }
    return n;
  }

  /** What the pool's cards used between two days (YYYY-MM-DD, both included). */
  async poolUsageMb(poolId: string, fromDay: string, toDay: string): Promise<number> {
    const r = await this.db.selectFrom('iot_usage').select(sql<number>`coalesce(sum(used_mb), 0)`.as('mb'))
      .where('pool_id', '=', poolId).where('day', '>=', fromDay).where('day', '<=', toDay).executeTakeFirst();
    return Number(r?.mb ?? 0);
  }

  async dailyPoolUsage(poolId: string, fromDay: string, toDay: string): Promise<{ day: string; mb: number }[]> {
    const rows = await this.db.selectFrom('iot_usage').select(['day', sql<number>`sum(used_mb)`.as('mb')])
      .where('pool_id', '=', poolId).where('day', '>=', fromDay).where('day', '<=', toDay).groupBy('day').orderBy('day').execute();
    return rows.map((r) => ({ day: r.day, mb: Number(r.mb) }));
  }

  async recordAlert(poolId: string, month: string, level: number, usedMb: number, quotaMb: number, now: number): Promise<boolean> {
    const r = await this.db.insertInto('iot_pool_alerts').values({ pool_id: poolId, month, level, used_mb: usedMb, quota_mb: quotaMb, at: now })
      .onConflict((oc) => oc.columns(['pool_id', 'month', 'level']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async alerts(poolId: string): Promise<{ month: string; level: number; used_mb: number; quota_mb: number; at: number }[]> {
    return this.db.selectFrom('iot_pool_alerts').select(['month', 'level', 'used_mb', 'quota_mb', 'at']).where('pool_id', '=', poolId).orderBy('at').orderBy('level').execute();
  }
}
