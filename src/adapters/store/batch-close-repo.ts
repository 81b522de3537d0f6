// Closing a batch of orders with one decision (app/ordering/close-overdue.ts): set-based statements whose texts do not
// depend on the batch's size, so that SQLite compiles each once and the rows go in as one parameter.
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Order } from '../../domain/order.ts';
import { listRows, unindexed, type Engine } from './db.ts';
import { currentRequestId } from '../request-context.ts';
import { fromOrder } from './rows.ts';
import type { DB, OrderEventsTable } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** What a closed order's row gives the decision's per-order parts (its notice). */
export interface ClosedRow { id: string; customer_id: string; number: string; number_id: string }

export interface BatchClose {
  /** Only orders still in this state, with their deadline passed at `now`, are closed. */
  fromState: string;
  now: number;
  /** The decision on a sample order: the columns it changes are set on every order (the version goes up by one). */
  before: Order;
  after: Order;
  event: Omit<Insertable<OrderEventsTable>, 'order_id'>;
  releaseNumber: boolean;
  cancelTimerKinds: string[];
  /** The notice's payload for one closed order; null: no notice. */
  notice: ((row: ClosedRow) => string) | null;
}

export class BatchCloseRepo {
  constructor(private readonly db: Executor, private readonly engine: Engine) {}

  /** Closes the listed orders that the guard still lets through; returns them in the order they were listed. */
  async closeOverdue(orderIds: string[], c: BatchClose): Promise<string[]> {
    const b = fromOrder(c.before) as unknown as Record<string, unknown>;
    const a = fromOrder(c.after) as unknown as Record<string, unknown>;
    const set: Record<string, unknown> = {};
    for (const k of Object.keys(a)) if (k !== 'version' && a[k] !== b[k]) set[k] = a[k];
    const ids = (xs: string[]) => sql<string>`(select value from ${listRows(this.engine, xs)})`;
    const rows = await this.db.updateTable('orders').set({ ...set, version: sql`version + 1` } as never)
      .where('id', 'in', ids(orderIds)).where(unindexed(this.engine, 'state'), '=', c.fromState).where('payment_deadline', '<=', c.now)
      .returning(['id', 'customer_id', 'number', 'number_id']).execute();
    if (rows.length === 0) return [];
    const at = new Map(orderIds.map((id, i) => [id, i]));
    rows.sort((x, y) => at.get(x.id)! - at.get(y.id)!);
    const closed = rows.map((r) => r.id);
    const e = c.event;
    await sql`insert into order_events (order_id, actor_type, actor_id, action, from_state, to_state, reason, automatic, at)
      select value, cast(${e.actor_type} as text), cast(${e.actor_id} as text), cast(${e.action} as text), cast(${e.from_state ?? null} as text),
        cast(${e.to_state} as text), cast(${e.reason ?? null} as text), cast(${e.automatic} as integer), cast(${e.at} as bigint)
      from ${listRows(this.engine, closed)}`.execute(this.db);
    if (c.releaseNumber) {
      await this.db.updateTable('numbers').set({ state: 'free', order_id: null, updated_at: c.now }).where('order_id', 'in', ids(closed)).execute();
    }
    if (c.cancelTimerKinds.length) {
      await this.db.deleteFrom('timers').where('order_id', 'in', ids(closed)).where('kind', 'in', c.cancelTimerKinds).execute();
    }
    if (c.notice) {
      // One list of [order id, payload] pairs, in the batch's order, so outbox ids follow it as they do order by order.
      const pairs = rows.map((r) => [r.id, c.notice!(r)]);
      const requestId = currentRequestId();
      const from = this.engine === 'postgres'
        ? sql`(select value->>0 as o, value->>1 as p from json_array_elements(${JSON.stringify(pairs)}::json) with ordinality as list(value, n) order by n) as x`
        : sql`(select json_extract(value, '$[0]') as o, json_extract(value, '$[1]') as p from json_each(${JSON.stringify(pairs)})) as x`;
      await sql`insert into outbox (order_id, topic, payload, attempts, next_attempt_at, created_at, request_id)
        select x.o, 'notify', x.p, 0, cast(${c.now} as bigint), cast(${c.now} as bigint), cast(${requestId} as text) from ${from}`.execute(this.db);
    }
    // A payment opened at the channel but never completed is closed with its order.
    await this.db.updateTable('payments').set({ state: 'closed' }).where('order_id', 'in', ids(closed)).where('state', '=', 'created').execute();
    return closed;
  }
}
