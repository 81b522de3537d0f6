// What reconciling with the payment channels needs from the store: deadlines of orders that opened a payment
// (asked at the channel before they close), the daily runs, and the differences left to an operator.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { listRows, type Engine } from './db.ts';
import type { DB, ReconciliationItemsTable } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type ReconciliationItemRow = Selectable<ReconciliationItemsTable>;

export interface DeadlineWithPayment { timerId: number; orderId: string; attempts: number }

export class ReconciliationRepo {
  constructor(private readonly db: Executor, private readonly engine: Engine) {}

  /**
   * Claims due payment-deadline timers of orders with an open payment for `leaseMs`, read from the open payments'
   * partial index (a few rows) rather than from every due timer: a backlog of orders that never opened one is not read.
   */
  async claimDeadlinesWithOpenPayments(now: number, limit: number, leaseMs: number): Promise<DeadlineWithPayment[]> {
    let q = this.db.selectFrom('payments as p').innerJoin('timers as t', (j) => j.onRef('t.order_id', '=', 'p.order_id').on('t.kind', '=', 'payment_deadline'))
      .select(['t.id', 't.order_id', 't.attempts'])
      .where('p.state', '=', 'created').where('t.due_at', '<=', now)
      .where((eb) => eb.or([eb('t.claimed_until', 'is', null), eb('t.claimed_until', '<', now)]))
      .orderBy('t.id').limit(limit);
    if (this.engine === 'postgres') q = q.forUpdate('t').skipLocked();
    // An order with two open payments comes twice (PostgreSQL locks no rows under DISTINCT).
    const rows = [...new Map((await q.execute()).map((r) => [r.id, r])).values()];
    if (rows.length === 0) return [];
    await this.db.updateTable('timers').set({ claimed_until: now + leaseMs }).where('id', 'in', rows.map((r) => r.id)).execute();
    return rows.map((r) => ({ timerId: r.id, orderId: r.order_id, attempts: r.attempts }));
  }

  /** Of these orders, those with a payment opened at a channel and not yet paid or closed. */
  async ordersWithOpenPayments(orderIds: string[]): Promise<string[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db.selectFrom('payments').select('order_id').distinct().where('state', '=', 'created')
      .where('order_id', 'in', sql<string>`(select value from ${listRows(this.engine, orderIds)})`).execute();
    return rows.map((r) => r.order_id);
  }

  /** A timer whose channel did not answer waits until `until`; `attempts` counts the unanswered tries. */
  async deferTimer(id: number, until: number, attempts: number): Promise<void> {
    await this.db.updateTable('timers').set({ claimed_until: until, attempts }).where('id', '=', id).execute();
  }

  async deleteTimer(id: number): Promise<void> {
    await this.db.deleteFrom('timers').where('id', '=', id).execute();
  }

  // ---- daily runs
  async runFinished(channel: string, day: string): Promise<boolean> {
    const r = await this.db.selectFrom('reconciliation_runs').select('finished_at').where('channel', '=', channel).where('day', '=', day).executeTakeFirst();
    return r?.finished_at != null;
  }

  async recordRun(channel: string, day: string, startedAt: number, finishedAt: number, summary: string): Promise<void> {
    await this.db.insertInto('reconciliation_runs').values({ channel, day, started_at: startedAt, finished_at: finishedAt, summary })
      .onConflict((oc) => oc.columns(['channel', 'day']).doUpdateSet({ finished_at: finishedAt, summary })).execute();
  }

  // ---- items for an operator
  /** False when the same difference was already recorded (a second run over the same day). */
  async insertItem(row: Omit<Insertable<ReconciliationItemsTable>, 'state' | 'resolved_by' | 'resolved_at' | 'note'>): Promise<boolean> {
    const r = await this.db.insertInto('reconciliation_items').values({ ...row, state: 'open', resolved_by: null, resolved_at: null, note: null })
      .onConflict((oc) => oc.columns(['channel', 'kind', 'subject']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async listItems(state: 'open' | 'resolved', limit: number): Promise<ReconciliationItemRow[]> {
    return this.db.selectFrom('reconciliation_items').selectAll().where('state', '=', state).orderBy('created_at').orderBy('id').limit(limit).execute();
  }

  async getItem(id: number): Promise<ReconciliationItemRow | undefined> {
    return this.db.selectFrom('reconciliation_items').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Resolves an open item once; false when it was not open (resolved by someone else first). */
  async resolveItem(id: number, by: string, note: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('reconciliation_items').set({ state: 'resolved', resolved_by: by, resolved_at: now, note })
      .where('id', '=', id).where('state', '=', 'open').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---- what `haoka check` asks the channels about
  /** Payments opened since `since` that we do not hold as paid: the channel should not hold them either. */
  async uncapturedPaymentsSince(since: number, limit: number): Promise<{ id: string; order_id: string; channel: string; amount_fen: number; state: string }[]> {
    return this.db.selectFrom('payments').select(['id', 'order_id', 'channel', 'amount_fen', 'state']).where('state', 'in', ['created', 'closed'])
      .where('created_at', '>=', since).orderBy('created_at').limit(limit).execute();
  }

  /** Refunds updated since `since`, ended or not, whose outcome the channel should agree with. */
  async refundsSince(since: number, limit: number): Promise<{ id: string; payment_id: string; order_id: string; channel: string; state: string; updated_at: number }[]> {
    return this.db.selectFrom('refunds').select(['id', 'payment_id', 'order_id', 'channel', 'state', 'updated_at']).where('updated_at', '>=', since)
      .orderBy('updated_at').limit(limit).execute();
  }
}
