// Jobs over many cards (activation, cancellation), one item per card whose outcome is written with the card's
// change; batch cancellations and the refunds of their cards.
import { sql, type Insertable, type Selectable } from 'kysely';
import type { IotCancellationsTable, IotJobItemsTable, IotJobsTable, IotRefundsTable } from './schema.ts';
import type { IotExecutor } from './accounts-repo.ts';
import { chunks, groupBy } from '../order-repo.ts';

export type JobRow = Selectable<IotJobsTable>;
export type JobItemRow = Selectable<IotJobItemsTable>;
export type CancellationRow = Selectable<IotCancellationsTable>;
export type IotRefundRow = Selectable<IotRefundsTable>;

export class IotJobsRepo {
  constructor(private readonly db: IotExecutor, private readonly forUpdate: boolean) {}

  async insertJob(row: Insertable<IotJobsTable>, items: Insertable<IotJobItemsTable>[]): Promise<void> {
    await this.db.insertInto('iot_jobs').values(row).execute();
    for (const c of chunks(items)) await this.db.insertInto('iot_job_items').values(c).execute();
  }

  async getJob(id: string, lock = false): Promise<JobRow | undefined> {
    let q = this.db.selectFrom('iot_jobs').selectAll().where('id', '=', id);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async listJobs(businessId: string): Promise<JobRow[]> {
    return this.db.selectFrom('iot_jobs').selectAll().where('business_id', '=', businessId).orderBy('created_at', 'desc').execute();
  }

  async setJobState(id: string, from: string, to: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('iot_jobs').set({ state: to, updated_at: now }).where('id', '=', id).where('state', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The next cards of a job not yet handled, in the job's order (locked on PostgreSQL: one runner per item). */
  async openItems(jobId: string, limit: number): Promise<JobItemRow[]> {
    let q = this.db.selectFrom('iot_job_items').selectAll().where('job_id', '=', jobId).where('outcome', 'is', null).orderBy('seq').limit(limit);
    if (this.forUpdate) q = q.forUpdate().skipLocked();
    return q.execute();
  }

  async items(jobId: string): Promise<JobItemRow[]> {
    return this.db.selectFrom('iot_job_items').selectAll().where('job_id', '=', jobId).orderBy('seq').execute();
  }

  /**
   * Many items' outcomes at once (a job's chunk), each written only where the item had none; the cards whose outcome
   * this call wrote. Items that share an outcome and detail go in one statement.
   */
  async finishItems(jobId: string, outcomes: { cardId: string; outcome: string; detail: string | null }[], now: number): Promise<Set<string>> {
    const written = new Set<string>();
    for (const group of groupBy(outcomes, (o) => JSON.stringify([o.outcome, o.detail]))) {
      const { outcome, detail } = group[0]!;
      for (const ids of chunks(group.map((o) => o.cardId))) {
        const rows = await this.db.updateTable('iot_job_items').set({ outcome, detail, handled_at: now })
          .where('job_id', '=', jobId).where('card_id', 'in', ids).where('outcome', 'is', null).returning('card_id').execute();
        for (const r of rows) written.add(r.card_id);
      }
    }
    return written;
  }

  async setOutcome(jobId: string, cardId: string, outcome: string, detail: string | null, now: number): Promise<void> {
    await this.db.updateTable('iot_job_items').set({ outcome, detail, handled_at: now }).where('job_id', '=', jobId).where('card_id', '=', cardId).execute();
  }

  /** Adds to the job's counts, and finishes it when every card has an outcome. */
  /** True when this call finished the job (once: the job moves to done under the guard). */
  async countProgress(jobId: string, done: number, failed: number, now: number): Promise<boolean> {
    await this.db.updateTable('iot_jobs').set((eb) => ({ done: eb('done', '+', done), failed: eb('failed', '+', failed), updated_at: now }))
      .where('id', '=', jobId).execute();
    const r = await this.db.updateTable('iot_jobs').set({ state: 'done', finished_at: now })
      .where('id', '=', jobId).where('state', '=', 'running').where(sql<boolean>`done + failed >= total`).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Of these cards, those in a job that has not finished with them (a card is in one running job at a time). */
  async busyCards(cardIds: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const c of chunks(cardIds)) {
      const rows = await this.db.selectFrom('iot_job_items as i').innerJoin('iot_jobs as j', 'j.id', 'i.job_id').select('i.card_id')
        .where('i.card_id', 'in', c).where('i.outcome', 'is', null).where('j.state', 'in', ['running', 'awaiting_review']).execute();
      out.push(...rows.map((r) => r.card_id));
    }
    return out;
  }

  /** The cancellation item that sent a card back (its route and refund share). */
  async cancellationItemOf(cardId: string, route: 'intercept' | 'return'): Promise<JobItemRow | undefined> {
    return this.db.selectFrom('iot_job_items').selectAll().where('card_id', '=', cardId).where('route', '=', route).where('outcome', '=', 'done')
      .orderBy('handled_at', 'desc').executeTakeFirst();
  }

  /** Whether another card of this parcel was already sent for interception by this job (one interception per parcel). */
  async parcelAlreadyIntercepted(jobId: string, trackingNo: string, cardId: string): Promise<boolean> {
    const row = await this.db.selectFrom('iot_job_items as i').innerJoin('iot_cards as c', 'c.id', 'i.card_id').select('i.card_id')
      .where('i.job_id', '=', jobId).where('i.route', '=', 'intercept').where('i.outcome', '=', 'done').where('c.tracking_no', '=', trackingNo)
      .where('i.card_id', '!=', cardId).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** A card's cancellation changed route on the way (intercepted too late: returned), so that its receipt finds its share. */
  async moveItemsRoute(cardIds: string[], from: string, to: string): Promise<void> {
    for (const c of chunks(cardIds)) await this.db.updateTable('iot_job_items').set({ route: to }).where('card_id', 'in', c).where('route', '=', from).where('outcome', '=', 'done').execute();
  }

  // ---- cancellations
  async insertCancellation(row: Insertable<IotCancellationsTable>): Promise<void> {
    await this.db.insertInto('iot_cancellations').values(row).execute();
  }

  async getCancellation(id: string, lock = false): Promise<CancellationRow | undefined> {
    let q = this.db.selectFrom('iot_cancellations').selectAll().where('id', '=', id);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async listCancellations(f: { businessId?: string; state?: string }): Promise<CancellationRow[]> {
    let q = this.db.selectFrom('iot_cancellations').selectAll();
    if (f.businessId) q = q.where('business_id', '=', f.businessId);
    if (f.state) q = q.where('state', '=', f.state);
    return q.orderBy('created_at').execute();
  }

  async updateCancellation(id: string, from: string, patch: Partial<Omit<CancellationRow, 'id'>>): Promise<boolean> {
    const r = await this.db.updateTable('iot_cancellations').set(patch).where('id', '=', id).where('state', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---- refunds, one per card
  /** Many cards' refunds in one statement per chunk; how many were new (a card has one refund at most). */
  async insertRefunds(rows: Insertable<IotRefundsTable>[]): Promise<number> {
    let inserted = 0;
    for (const c of chunks(rows, 200)) inserted += (await this.db.insertInto('iot_refunds').values(c).onConflict((oc) => oc.column('card_id').doNothing()).returning('card_id').execute()).length;
    return inserted;
  }

  async insertRefund(row: Insertable<IotRefundsTable>): Promise<boolean> {
    const r = await this.db.insertInto('iot_refunds').values(row).onConflict((oc) => oc.column('card_id').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async getRefund(id: string): Promise<IotRefundRow | undefined> {
    return this.db.selectFrom('iot_refunds').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async refundsOf(cancellationId: string): Promise<IotRefundRow[]> {
    return this.db.selectFrom('iot_refunds').selectAll().where('cancellation_id', '=', cancellationId).orderBy('id').execute();
  }

  async setRefund(id: string, fromStates: string[], patch: Partial<Pick<IotRefundRow, 'state' | 'channel_refund_no' | 'last_error'>>, now: number): Promise<boolean> {
    const r = await this.db.updateTable('iot_refunds').set({ ...patch, updated_at: now }).where('id', '=', id).where('state', 'in', fromStates).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
