// Supplier plans, number holds, orders at their suppliers and the callbacks received (migration 018).
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { DB } from '../schema.ts';
import { statement } from '../compiled.ts';

export interface SupplierPlansTable {
  plan_id: string; supplier_id: string; supplier_plan_id: string; terms: string; disclosure: string; state: string; synced_at: number; withdrawn_at: number | null;
}
export interface SupplierReservationsTable {
  id: string; supplier_id: string; plan_id: string; number: string; reservation_id: string; expires_at: number; order_id: string | null; state: string; created_at: number; released_at: number | null;
}
export interface SupplierOrdersTable {
  order_id: string; supplier_id: string; plan_id: string; supplier_plan_id: string; reservation: string | null; real_name_enc: string | null; disclosure: string;
  submission: string; submit_error: string | null; supplier_order_id: string | null; state: string | null; waybill: string | null; iccid: string | null;
  produced_number: string | null; activated_at: number | null; first_top_up_fen: number | null; first_top_up_at: number | null; reason: string | null;
  polled_at: number | null;
  /** A return or a closure of the line, once reported to the supplier: `returned` or `closed`. */
  after_sale: string | null;
  updated_at: number; created_at: number;
}
export interface SupplierCallbacksTable { supplier_id: string; event_id: string; order_id: string; state: string; outcome: string; received_at: number }

export interface SupplierTables {
  supplier_plans: SupplierPlansTable;
  supplier_reservations: SupplierReservationsTable;
  supplier_orders: SupplierOrdersTable;
  supplier_callbacks: SupplierCallbacksTable;
}

type SDB = DB & SupplierTables;
type Executor = Kysely<DB> | Transaction<DB>;
export type SupplierPlanRow = Selectable<SupplierPlansTable>;
export type ReservationRow = Selectable<SupplierReservationsTable>;
export type SupplierOrderRow = Selectable<SupplierOrdersTable>;

/** Plans: `new` (synced, not yet published by an operator), `published`, `withdrawn` (the supplier took it off sale). */
export type SupplierPlanState = 'new' | 'published' | 'withdrawn';
/** Holds: `held` at the supplier, `used` by a submitted order, `released` back to the supplier's pool. */
export type ReservationState = 'held' | 'used' | 'released';
/** Submission: `waiting` for payment, `queued` in the outbox, `accepted` by the supplier, `refused` by it, `closed` (the order ended unsubmitted). */
export type Submission = 'waiting' | 'queued' | 'accepted' | 'refused' | 'closed';

/** Every order placement asks whether its plan comes from a supplier: compiled once (compiled.ts). */
const supplierPlan = statement<{ planId: string }, SupplierPlanRow>((db, p) => (db as unknown as Kysely<SDB>).selectFrom('supplier_plans').selectAll().where('plan_id', '=', p('planId')) as never);

const LIVE_SUPPLIER_STATES = ['submitted', 'reviewing', 'photos_needed', 'awaiting_shipment', 'shipped', 'activated'];

export class SupplierRepo {
  private readonly db: Kysely<SDB> | Transaction<SDB>;

  constructor(db: Executor, private readonly forUpdate: boolean) {
    this.db = db as unknown as Kysely<SDB>;
  }

  // ---- plans
  async getPlan(planId: string): Promise<SupplierPlanRow | undefined> {
    return supplierPlan.first(this.db as never, { planId });
  }

  async listPlans(supplierId?: string): Promise<SupplierPlanRow[]> {
    let q = this.db.selectFrom('supplier_plans').selectAll();
    if (supplierId) q = q.where('supplier_id', '=', supplierId);
    return q.orderBy('plan_id').execute();
  }

  async insertPlan(row: Insertable<SupplierPlansTable>): Promise<void> {
    await this.db.insertInto('supplier_plans').values(row).execute();
  }

  async updatePlan(planId: string, patch: Updateable<SupplierPlansTable>): Promise<void> {
    await this.db.updateTable('supplier_plans').set(patch).where('plan_id', '=', planId).execute();
  }

  // ---- number holds
  async insertReservation(row: Insertable<SupplierReservationsTable>): Promise<void> {
    await this.db.insertInto('supplier_reservations').values(row).execute();
  }

  async getReservation(id: string): Promise<ReservationRow | undefined> {
    return this.db.selectFrom('supplier_reservations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Ties a hold still running to an order; false when it ran out, was released or belongs to another order. */
  async attachReservation(id: string, orderId: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('supplier_reservations').set({ order_id: orderId })
      .where('id', '=', id).where('state', '=', 'held').where('order_id', 'is', null).where('expires_at', '>', now).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setReservationState(id: string, state: ReservationState, now: number): Promise<void> {
    await this.db.updateTable('supplier_reservations').set({ state, ...(state === 'released' ? { released_at: now } : {}) }).where('id', '=', id).execute();
  }

  /** A hold taken again at the supplier (the first ran out before the order was paid). */
  async renewReservation(id: string, reservationId: string, expiresAt: number): Promise<void> {
    await this.db.updateTable('supplier_reservations').set({ reservation_id: reservationId, expires_at: expiresAt }).where('id', '=', id).execute();
  }

  /** Holds to give back: unused ones whose time ran out, and those of orders that closed before submission. */
  async releasableReservations(now: number, limit: number): Promise<ReservationRow[]> {
    const rows = await this.db.selectFrom('supplier_reservations as r').leftJoin('orders as o', 'o.id', 'r.order_id').selectAll('r')
      .where('r.state', '=', 'held')
      .where((eb) => eb.or([eb.and([eb('r.order_id', 'is', null), eb('r.expires_at', '<=', now)]), eb('o.state', 'in', ['cancelled', 'account_closed'])]))
      .orderBy('r.expires_at').limit(limit).execute();
    return rows;
  }

  // ---- orders at their supplier
  async insertOrder(row: Insertable<SupplierOrdersTable>): Promise<void> {
    await this.db.insertInto('supplier_orders').values(row).execute();
  }

  async getOrder(orderId: string, lock = false): Promise<SupplierOrderRow | undefined> {
    let q = this.db.selectFrom('supplier_orders').selectAll().where('order_id', '=', orderId);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async updateOrder(orderId: string, patch: Updateable<SupplierOrdersTable>): Promise<void> {
    await this.db.updateTable('supplier_orders').set(patch).where('order_id', '=', orderId).execute();
  }

  /** Paid orders still waiting to be sent to their supplier. */
  async waitingSubmissions(limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('supplier_orders as s').innerJoin('orders as o', 'o.id', 's.order_id').select('s.order_id')
      .where('s.submission', '=', 'waiting').where('o.state', '=', 'paid').orderBy('s.created_at').limit(limit).execute();
    return rows.map((r) => r.order_id);
  }

  /** Unsubmitted orders that closed (unpaid cancel, payment timeout): their sealed details are no longer needed. */
  async closedUnsubmitted(limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('supplier_orders as s').innerJoin('orders as o', 'o.id', 's.order_id').select('s.order_id')
      .where('s.submission', '=', 'waiting').where('o.state', 'in', ['cancelled', 'account_closed']).limit(limit).execute();
    return rows.map((r) => r.order_id);
  }

  /** Accepted orders the supplier is still working on, not heard of since `before`: asked again (the poll behind callbacks). */
  async duePolls(before: number, limit: number): Promise<SupplierOrderRow[]> {
    return this.db.selectFrom('supplier_orders as s').innerJoin('orders as o', 'o.id', 's.order_id').selectAll('s')
      .where('s.submission', '=', 'accepted').where('s.state', 'in', LIVE_SUPPLIER_STATES)
      .where('o.state', 'not in', ['cancelled', 'account_closed'])
      .where((eb) => eb.or([eb('s.polled_at', 'is', null), eb('s.polled_at', '<=', before)]))
      .where('s.updated_at', '<=', before)
      .orderBy('s.updated_at').limit(limit).execute();
  }

  /** Orders the supplier took that ended here by a returned card or a closed line, not yet reported to it. */
  async afterSalesToReport(limit: number): Promise<{ order_id: string; supplier_id: string; kind: 'returned' | 'closed'; at: number }[]> {
    const rows = await this.db.selectFrom('supplier_orders as s').innerJoin('orders as o', 'o.id', 's.order_id')
      .select(['s.order_id', 's.supplier_id', 'o.state', 'o.closed_at', 'o.updated_at'])
      .where('s.submission', '=', 'accepted').where('s.after_sale', 'is', null)
      .where((eb) => eb.or([eb('o.state', '=', 'account_closed'), eb.and([eb('o.state', '=', 'cancelled'), eb('o.close_reason', 'in', ['returned', 'intercepted', 'trial_unsubscribed'])])]))
      .limit(limit).execute();
    return rows.map((r) => ({ order_id: r.order_id, supplier_id: r.supplier_id, kind: r.state === 'account_closed' ? 'closed' as const : 'returned' as const, at: r.closed_at ?? r.updated_at }));
  }

  // ---- callbacks
  /** Keeps a callback's event once; false when it was already received (a resend). */
  async recordCallback(row: SupplierCallbacksTable): Promise<boolean> {
    const r = await this.db.insertInto('supplier_callbacks').values(row).onConflict((oc) => oc.columns(['supplier_id', 'event_id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async setCallbackOutcome(supplierId: string, eventId: string, outcome: string): Promise<void> {
    await this.db.updateTable('supplier_callbacks').set({ outcome }).where('supplier_id', '=', supplierId).where('event_id', '=', eventId).execute();
  }

  async callbacksOf(orderId: string): Promise<Selectable<SupplierCallbacksTable>[]> {
    return this.db.selectFrom('supplier_callbacks').selectAll().where('order_id', '=', orderId).orderBy('received_at').execute();
  }
}
