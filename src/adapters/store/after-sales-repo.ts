// Shipped, delivered and activated orders: signed callbacks applied once, returned cards, account closures,
// carrier disagreements.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Checklist, Return, ReturnKind, ReturnState } from '../../domain/return.ts';
import type { AccountClosuresTable, CallbackEventsTable, CarrierTasksTable, DB, ReturnPhotosTable, ReturnsTable } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

const toReturn = (r: Selectable<ReturnsTable>): Return => ({
  id: r.id, orderId: r.order_id, customerId: r.customer_id, kind: r.kind as ReturnKind, state: r.state as ReturnState, requestId: r.request_id,
  returnTrackingNo: r.return_tracking_no, checklist: r.checklist ? (JSON.parse(r.checklist) as Checklist) : null, notes: r.notes,
  rejectionReason: r.rejection_reason, inspectedBy: r.inspected_by, inspectedAt: r.inspected_at, refundEarliest: r.refund_earliest,
  refundLatest: r.refund_latest, createdAt: r.created_at, updatedAt: r.updated_at, version: r.version,
  reasonCode: r.reason_code ?? null, reasonText: r.reason_text ?? null,
});

const fromReturn = (x: Return): ReturnsTable => ({
  id: x.id, order_id: x.orderId, customer_id: x.customerId, kind: x.kind, state: x.state, request_id: x.requestId,
  return_tracking_no: x.returnTrackingNo, checklist: x.checklist ? JSON.stringify(x.checklist) : null, notes: x.notes,
  rejection_reason: x.rejectionReason, inspected_by: x.inspectedBy, inspected_at: x.inspectedAt, refund_earliest: x.refundEarliest,
  refund_latest: x.refundLatest, created_at: x.createdAt, updated_at: x.updatedAt, version: x.version,
  reason_code: x.reasonCode, reason_text: x.reasonText,
});

export type CallbackEventRow = Selectable<CallbackEventsTable>;
export type ClosureRow = Selectable<AccountClosuresTable>;
export type CarrierTaskRow = Selectable<CarrierTasksTable>;

export class AfterSalesRepo {
  constructor(private readonly db: Executor, private readonly forUpdate: boolean) {}

  // ---- signed callbacks
  /** False when this source already sent this nonce: a byte-for-byte replay. */
  async recordNonce(source: string, nonce: string, now: number): Promise<boolean> {
    const r = await this.db.insertInto('callback_nonces').values({ source, nonce, received_at: now }).onConflict((oc) => oc.columns(['source', 'nonce']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** False when the event was already applied (the sender resent it with a fresh nonce). */
  async recordEvent(row: Insertable<CallbackEventsTable>): Promise<boolean> {
    const r = await this.db.insertInto('callback_events').values(row).onConflict((oc) => oc.columns(['source', 'event_id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** An order's events from one source in the order they happened (not the order they arrived in). */
  async listEvents(orderId: string, source: string): Promise<CallbackEventRow[]> {
    return this.db.selectFrom('callback_events').selectAll().where('order_id', '=', orderId).where('source', '=', source).orderBy('occurred_at').orderBy('id').execute();
  }

  /** The order whose outgoing parcel has this tracking number (read it, locked, through the order repository). */
  async orderIdByTracking(trackingNo: string): Promise<string | undefined> {
    return (await this.db.selectFrom('orders').select('id').where('tracking_no', '=', trackingNo).executeTakeFirst())?.id;
  }

  /** The latest paid order of a phone number: the one the carrier's line belongs to. */
  async orderIdByNumber(number: string): Promise<string | undefined> {
    return (await this.db.selectFrom('orders').select('id').where('number', '=', number).where('state', '<>', 'pending_payment')
      .orderBy('created_at', 'desc').limit(1).executeTakeFirst())?.id;
  }

  // ---- returns
  async insertReturn(x: Return): Promise<void> {
    await this.db.insertInto('returns').values(fromReturn(x)).execute();
  }

  async updateReturn(before: Return, after: Return): Promise<boolean> {
    const { id, ...rest } = fromReturn(after);
    const r = await this.db.updateTable('returns').set(rest).where('id', '=', id).where('version', '=', before.version).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async getReturn(id: string, lock = false): Promise<Return | undefined> {
    let q = this.db.selectFrom('returns').selectAll().where('id', '=', id);
    if (lock && this.forUpdate) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toReturn(r);
  }

  async listReturns(orderId: string): Promise<Return[]> {
    return (await this.db.selectFrom('returns').selectAll().where('order_id', '=', orderId).orderBy('created_at').orderBy('id').execute()).map(toReturn);
  }

  async openReturnFor(orderId: string, lock = false): Promise<Return | undefined> {
    let q = this.db.selectFrom('returns').selectAll().where('order_id', '=', orderId).where('state', 'in', ['awaiting_parcel', 'in_transit', 'received']);
    if (lock && this.forUpdate) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toReturn(r);
  }

  async listReturnsByState(states: ReturnState[], limit: number): Promise<Return[]> {
    return (await this.db.selectFrom('returns').selectAll().where('state', 'in', states).orderBy('updated_at').limit(limit).execute()).map(toReturn);
  }

  async insertPhotos(rows: Insertable<ReturnPhotosTable>[]): Promise<void> {
    if (rows.length) await this.db.insertInto('return_photos').values(rows).execute();
  }

  async photoCount(returnId: string): Promise<number> {
    const r = await this.db.selectFrom('return_photos').select(sql<number>`count(*)`.as('n')).where('return_id', '=', returnId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // ---- account closures
  /** False when the line already has a closure that is open or completed (one at a time; the unique index decides). */
  async insertClosure(row: Insertable<AccountClosuresTable>): Promise<boolean> {
    const r = await this.db.insertInto('account_closures').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async getClosure(id: string, lock = false): Promise<ClosureRow | undefined> {
    let q = this.db.selectFrom('account_closures').selectAll().where('id', '=', id);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** The line's latest closure (withdrawn or refused ones stay as history). */
  async closureFor(orderId: string, lock = false): Promise<ClosureRow | undefined> {
    let q = this.db.selectFrom('account_closures').selectAll().where('order_id', '=', orderId).orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(1);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async completeClosure(id: string, by: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('account_closures').set({ state: 'completed', completed_at: now, completed_by: by }).where('id', '=', id).where('state', '=', 'requested').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The penalty arrived: the closure moves to the agents' queue; false unless it was waiting for exactly that. */
  async markPenaltyPaid(id: string, paymentId: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('account_closures').set({ state: 'requested', penalty_payment_id: paymentId, penalty_paid_at: now })
      .where('id', '=', id).where('state', '=', 'awaiting_penalty').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Withdrawn by the customer or refused by an agent; false when it was no longer open. */
  async endClosure(id: string, to: 'withdrawn' | 'refused', reason: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('account_closures').set({ state: to, ended_at: now, ended_reason: reason })
      .where('id', '=', id).where('state', 'in', ['awaiting_penalty', 'requested']).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async listClosures(state: string): Promise<ClosureRow[]> {
    return this.db.selectFrom('account_closures').selectAll().where('state', '=', state).orderBy('requested_at').execute();
  }

  // ---- carrier disagreements
  async openTask(orderId: string, kind: string, detail: string, now: number): Promise<void> {
    const open = await this.db.selectFrom('carrier_tasks').select('id').where('order_id', '=', orderId).where('kind', '=', kind).where('state', '=', 'open').executeTakeFirst();
    if (!open) await this.db.insertInto('carrier_tasks').values({ order_id: orderId, kind, detail, state: 'open', created_at: now, closed_at: null }).execute();
  }

  async listTasks(state: string): Promise<CarrierTaskRow[]> {
    return this.db.selectFrom('carrier_tasks').selectAll().where('state', '=', state).orderBy('created_at').orderBy('id').execute();
  }

  async getTask(id: number, lock = false): Promise<CarrierTaskRow | undefined> {
    let q = this.db.selectFrom('carrier_tasks').selectAll().where('id', '=', id);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** Closes an open task with the agent's decision; false when it was already resolved (a second agent, a repeat). */
  async resolveTask(id: number, resolution: string, note: string, by: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('carrier_tasks').set({ state: 'resolved', resolution, note, resolved_by: by, closed_at: now })
      .where('id', '=', id).where('state', '=', 'open').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async lastTaskResolvedAt(orderId: string): Promise<number | null> {
    const r = await this.db.selectFrom('carrier_tasks').select('closed_at').where('order_id', '=', orderId).where('state', '=', 'resolved')
      .orderBy('closed_at', 'desc').limit(1).executeTakeFirst();
    return r?.closed_at ?? null;
  }

  /** How many times the carrier was polled about this order since `since` without an answer that settled it. */
  async countPolls(orderId: string, since: number): Promise<number> {
    const r = await this.db.selectFrom('order_events').select(sql<number>`count(*)`.as('n'))
      .where('order_id', '=', orderId).where('action', '=', 'carrier.polled').where('at', '>=', since).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Another live order already holds this card (a card is in one parcel at a time). */
  async iccidHolder(iccid: string, exceptOrderId: string): Promise<string | undefined> {
    return (await this.db.selectFrom('orders').select('id').where('iccid', '=', iccid).where('id', '<>', exceptOrderId)
      .where('state', 'in', ['paid', 'packing', 'shipped', 'delivered', 'activated']).executeTakeFirst())?.id;
  }
}
