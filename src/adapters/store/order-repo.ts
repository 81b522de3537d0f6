import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuditEvent, Actor } from '../../domain/decide.ts';
import type { Carrier, NumberResource, Order, Plan } from '../../domain/order.ts';
import type { DB, NumbersTable, OrderEventsTable, OrdersTable, PlansTable } from './schema.ts';
import { fromOrder, fromPlan, toNumber, toOrder, toPlan } from './rows.ts';
import { orderPhoneColumns, VaultHolder } from './personal-data.ts';
import { insertRows, statement } from './compiled.ts';

type Executor = Kysely<DB> | Transaction<DB>;

const orderById = statement<{ id: string }, Selectable<OrdersTable>>((db, p, shape) => {
  const q = db.selectFrom('orders').selectAll().where('id', '=', p('id'));
  return shape === 'lock' ? q.forUpdate() : q;
});
/** Orders in one state and version whose listed columns take the same values; shape `<ids>:<col>,<col>`. */
const updateOrdersAlike = statement<Record<string, unknown>, never>((db, p, shape) => {
  const n = Number(shape.slice(0, shape.indexOf(':')));
  const cols = shape.slice(shape.indexOf(':') + 1).split(',').filter((c) => c !== '');
  return db.updateTable('orders').set({ ...Object.fromEntries(cols.map((c) => [c, p(`set.${c}`)])), version: sql`version + 1` } as never)
    .where('id', 'in', Array.from({ length: n }, (_, i) => p(`id.${i}`) as string)).where('state', '=', p('state') as string).where('version', '=', p('version') as number);
});
/** Frees (shape `<n>:free`) or sells (`<n>:sold`) the numbers of a few orders: the request path's case. */
const moveNumbersOfOrders = statement<Record<string, unknown>, never>((db, p, shape) => {
  const [n, to] = shape.split(':') as [string, 'free' | 'sold'];
  return db.updateTable('numbers').set(to === 'free' ? { state: 'free', order_id: null, updated_at: p('now') as number } : { state: 'sold', updated_at: p('now') as number })
    .where('order_id', 'in', Array.from({ length: Number(n) }, (_, i) => p(`id.${i}`) as string));
});
const planById = statement<{ id: string }, Selectable<PlansTable>>((db, p) => db.selectFrom('plans').selectAll().where('id', '=', p('id')));
const numberById = statement<{ id: string }, Selectable<NumbersTable>>((db, p) => db.selectFrom('numbers').selectAll().where('id', '=', p('id')));
const lockFreeNumber = statement<{ id: string; orderId: string; now: number }, never>((db, p) =>
  db.updateTable('numbers').set({ state: 'locked', order_id: p('orderId'), updated_at: p('now') }).where('id', '=', p('id')).where('state', '=', 'free'));
const liveOrdersOfId = statement<{ idHash: string; carrier: string }, { n: number }>((db, p) =>
  db.selectFrom('orders').select(sql<number>`count(*)`.as('n')).where('id_hash', '=', p('idHash')).where('carrier', '=', p('carrier')).where('state', 'not in', LIVE_EXCLUDED));

export interface StoredEvent extends AuditEvent {
  id: number;
  orderId: string;
  actorType: Actor['type'];
  actorId: string;
  at: number;
}

export interface OrderChange {
  before: Order;
  after: Order;
}

const LIVE_EXCLUDED = ['cancelled', 'account_closed'];
/** Enough rows per statement to amortise round trips, few enough for either engine's parameter limit. */
const CHUNK = 500;

/** The items grouped by a key, in the order each key first appears (rows that one statement can change together). */
export function groupBy<T>(xs: readonly T[], key: (x: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = groups.get(k);
    if (g) g.push(x);
    else groups.set(k, [x]);
  }
  return [...groups.values()];
}

export function chunks<T>(xs: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export class OrderRepo {
  /** Inside a transaction, plans read once are kept for the rest of it (a use case and its answer read the same plan). */
  private readonly txPlans: Map<string, Plan> | null;
  constructor(private readonly db: Executor, private readonly forUpdate: boolean, private readonly vaults: VaultHolder = new VaultHolder(), inTx = false) {
    this.txPlans = inTx ? new Map() : null;
  }

  // ---- plans and numbers
  async listPlans(activeOnly = true): Promise<Plan[]> {
    let q = this.db.selectFrom('plans').selectAll().orderBy('carrier').orderBy('price_fen');
    if (activeOnly) q = q.where('active', '=', 1);
    return (await q.execute()).map(toPlan);
  }

  async getPlan(id: string): Promise<Plan | undefined> {
    const kept = this.txPlans?.get(id);
    if (kept) return kept;
    const r = await planById.first(this.db, { id });
    const plan = r && toPlan(r);
    if (plan) this.txPlans?.set(id, plan);
    return plan;
  }

  async insertPlans(plans: Plan[], now: number): Promise<void> {
    for (const c of chunks(plans)) await this.db.insertInto('plans').values(c.map((p) => fromPlan(p, now))).execute();
  }

  async updatePlan(plan: Plan): Promise<void> {
    const { id, created_at: _c, ...rest } = fromPlan(plan, 0);
    this.txPlans?.delete(id);
    await this.db.updateTable('plans').set(rest).where('id', '=', id).execute();
  }

  async insertNumbers(rows: NumbersTable[]): Promise<void> {
    for (const c of chunks(rows)) await this.db.insertInto('numbers').values(c).execute();
  }

  async getNumber(id: string): Promise<NumberResource | undefined> {
    const r = await numberById.first(this.db, { id });
    return r && toNumber(r);
  }

  /** Free numbers of a carrier; `contains` matches digits anywhere, `endsWith` a tail (靓号 searches). */
  async searchNumbers(q: { carrier?: Carrier; contains?: string; endsWith?: string; limit: number; offset?: number }): Promise<NumberResource[]> {
    let s = this.db.selectFrom('numbers').selectAll().where('state', '=', 'free');
    // Numbers of suppliers' pools (S-…) are searched at their supplier, never in the platform's own pool.
    s = s.where('id', 'not like', 'S-%');
    if (q.carrier) s = s.where('carrier', '=', q.carrier);
    if (q.contains) s = s.where('number', 'like', `%${q.contains}%`);
    if (q.endsWith) s = s.where('number', 'like', `%${q.endsWith}`);
    const rows = await s.orderBy('vanity_level', 'desc').orderBy('number').limit(q.limit).offset(q.offset ?? 0).execute();
    return rows.map(toNumber);
  }

  /** Takes a free number for an order. Exactly one caller can win, whatever the concurrency. */
  async lockNumber(numberId: string, orderId: string, now: number): Promise<boolean> {
    return (await lockFreeNumber.changed(this.db, { id: numberId, orderId, now })) === 1;
  }

  async releaseNumbers(orderIds: string[], now: number): Promise<void> {
    await this.moveNumbers(orderIds, 'free', now);
  }

  async sellNumbers(orderIds: string[], now: number): Promise<void> {
    await this.moveNumbers(orderIds, 'sold', now);
  }

  /** A few orders through a compiled statement, a batch (deadline closes) in chunks built per call. */
  private async moveNumbers(orderIds: string[], to: 'free' | 'sold', now: number): Promise<void> {
    if (orderIds.length > 0 && orderIds.length <= 4) {
      const values: Record<string, unknown> = { now };
      orderIds.forEach((id, i) => { values[`id.${i}`] = id; });
      await moveNumbersOfOrders.run(this.db, values, `${orderIds.length}:${to}`);
      return;
    }
    const set = to === 'free' ? { state: 'free', order_id: null, updated_at: now } : { state: 'sold', updated_at: now };
    for (const c of chunks(orderIds)) await this.db.updateTable('numbers').set(set).where('order_id', 'in', c).execute();
  }

  // ---- orders
  async getOrder(id: string, lock = false): Promise<Order | undefined> {
    const r = await orderById.first(this.db, { id }, lock && this.forUpdate ? 'lock' : '');
    return r && toOrder(r, this.vaults.current);
  }

  async getOrders(ids: string[], lock = false): Promise<Order[]> {
    const out: Order[] = [];
    for (const c of chunks(ids)) {
      let q = this.db.selectFrom('orders').selectAll().where('id', 'in', c);
      if (lock && this.forUpdate) q = q.forUpdate();
      for (const r of await q.execute()) out.push(toOrder(r, this.vaults.current));
    }
    return out;
  }

  async listCustomerOrders(customerId: string, limit: number, beforeCreatedAt?: number): Promise<Order[]> {
    let q = this.db.selectFrom('orders').selectAll().where('customer_id', '=', customerId);
    if (beforeCreatedAt !== undefined) q = q.where('created_at', '<', beforeCreatedAt);
    return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map((r) => toOrder(r, this.vaults.current));
  }

  /** Real-name rule: cards per resident ID per carrier, over orders that are not closed. */
  async countLiveOrders(idHash: string, carrier: Carrier): Promise<number> {
    const r = await liveOrdersOfId.first(this.db, { idHash, carrier });
    return Number(r?.n ?? 0);
  }

  async insertOrder(order: Order): Promise<void> {
    await insertRows(this.db, 'orders', [{ ...fromOrder(order), ...orderPhoneColumns(order.contactPhone, this.vaults.need()) }]);
  }

  /**
   * Writes decided orders. Changes that set the same fields to the same values from the same state and
   * version go in one statement (a batch of deadline closes is a handful of statements, not thousands).
   * Returns false if any row had moved on, so that the caller rolls back.
   */
  async updateOrders(changes: OrderChange[]): Promise<boolean> {
    const groups = new Map<string, { set: Record<string, unknown>; state: string; version: number; ids: string[] }>();
    for (const { before, after } of changes) {
      const b = fromOrder(before) as unknown as Record<string, unknown>;
      const a = fromOrder(after) as unknown as Record<string, unknown>;
      const set: Record<string, unknown> = {};
      for (const k of Object.keys(a)) if (k !== 'version' && a[k] !== b[k]) set[k] = a[k];
      // Compared in the clear, written sealed (a fresh seal differs every time, so it cannot be compared).
      if (typeof set.contact_phone === 'string') Object.assign(set, orderPhoneColumns(set.contact_phone, this.vaults.need()));
      const key = JSON.stringify([set, before.state, before.version]);
      const g = groups.get(key);
      if (g) g.ids.push(before.id);
      else groups.set(key, { set, state: before.state, version: before.version, ids: [before.id] });
    }
    for (const g of groups.values()) {
      for (const c of chunks(g.ids)) {
        if ((await this.updateChunk(g, c)) !== c.length) return false;
      }
    }
    return true;
  }

  /** One statement for orders that change alike; a few orders at a time (the request path) through a compiled statement. */
  private async updateChunk(g: { set: Record<string, unknown>; state: string; version: number }, ids: string[]): Promise<number> {
    const cols = Object.keys(g.set).filter((k) => g.set[k] !== undefined);
    if (ids.length > 4) {
      const r = await this.db.updateTable('orders').set({ ...g.set, version: sql`version + 1` } as never)
        .where('id', 'in', ids).where('state', '=', g.state).where('version', '=', g.version).executeTakeFirst();
      return Number(r.numUpdatedRows);
    }
    const values: Record<string, unknown> = { state: g.state, version: g.version };
    for (const c of cols) values[`set.${c}`] = g.set[c];
    ids.forEach((id, i) => { values[`id.${i}`] = id; });
    return updateOrdersAlike.changed(this.db, values, `${ids.length}:${cols.join(',')}`);
  }

  // ---- audit trail
  async insertEvents(rows: Insertable<OrderEventsTable>[]): Promise<void> {
    for (const c of chunks(rows)) await insertRows(this.db, 'order_events', c);
  }

  /**
   * When the order entered a state: its first audit event there (the table has no way back into a state, so
   * the first is the entry). Undefined for an order whose trail never reached it.
   */
  async stateEnteredAt(orderId: string, state: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('order_events').select('at').where('order_id', '=', orderId).where('to_state', '=', state)
      .orderBy('id').limit(1).executeTakeFirst();
    return r?.at;
  }

  async listEvents(orderId: string): Promise<StoredEvent[]> {
    const rows = await this.db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      orderId: r.order_id,
      actorType: r.actor_type as Actor['type'],
      actorId: r.actor_id,
      action: r.action,
      fromState: r.from_state as StoredEvent['fromState'],
      toState: r.to_state as StoredEvent['toState'],
      reason: r.reason,
      automatic: r.automatic === 1,
      at: r.at,
    }));
  }
}
