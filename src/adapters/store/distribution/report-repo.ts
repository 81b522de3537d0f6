// What distributors and operators read: a distributor's orders with how each ended, and per-distributor counts.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import type { DistributionDB } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface EndedOrder {
  orderId: string; state: string; closeReason: string | null; closedAt: number | null;
  /** The state the order was in when it was cancelled or closed: the step where the customer stopped. */
  fromState: string | null;
  reasonCode: string | null; reasonText: string | null;
}

export interface DistributorCounts {
  distributorId: string; orders: number; paid: number; activated: number; toppedUp: number; cancelledAfterPaying: number; cancelled: number;
}

export class DistributionReportRepo {
  private readonly db: Kysely<DistributionDB>;
  constructor(db: Executor) {
    this.db = db as unknown as Kysely<DistributionDB>;
  }

  /** A distributor's orders that ended (cancelled, returned, closed), newest first, with the step and the reason. */
  async endedOrders(distributorId: string, limit = 100): Promise<EndedOrder[]> {
    const rows = await this.db.selectFrom('order_attributions as a').innerJoin('orders as o', 'o.id', 'a.order_id')
      .select(['o.id', 'o.state', 'o.close_reason', 'o.closed_at'])
      .select((eb) => [
        eb.selectFrom('order_events as e').select('e.from_state').whereRef('e.order_id', '=', 'o.id').whereRef('e.to_state', '=', 'o.state').where('e.from_state', 'is not', null)
          .whereRef('e.from_state', '!=', 'e.to_state').orderBy('e.id', 'desc').limit(1).as('from_state'),
        eb.selectFrom('cancellation_requests as q').select('q.reason_code').whereRef('q.order_id', '=', 'o.id').orderBy('q.created_at', 'desc').limit(1).as('request_code'),
        eb.selectFrom('cancellation_requests as q').select('q.reason_text').whereRef('q.order_id', '=', 'o.id').orderBy('q.created_at', 'desc').limit(1).as('request_text'),
        eb.selectFrom('returns as t').select('t.reason_code').whereRef('t.order_id', '=', 'o.id').orderBy('t.created_at', 'desc').limit(1).as('return_code'),
        eb.selectFrom('reason_classifications as c').select('c.code').whereRef('c.order_id', '=', 'o.id').orderBy('c.id', 'desc').limit(1).as('said_code'),
        eb.selectFrom('reason_classifications as c').select('c.text').whereRef('c.order_id', '=', 'o.id').orderBy('c.id', 'desc').limit(1).as('said_text'),
      ])
      .where('a.distributor_id', '=', distributorId).where('o.state', 'in', ['cancelled', 'account_closed'])
      .orderBy('o.closed_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      orderId: r.id, state: r.state, closeReason: r.close_reason, closedAt: r.closed_at, fromState: r.from_state ?? null,
      reasonCode: r.request_code ?? r.return_code ?? r.said_code ?? null, reasonText: r.request_text ?? r.said_text ?? null,
    }));
  }

  /** Per distributor (as seller): orders, paid, activated, topped up, cancelled (in all and after paying). */
  async counts(): Promise<DistributorCounts[]> {
    const n = (cond: ReturnType<typeof sql>) => sql<number>`sum(case when ${cond} then 1 else 0 end)`;
    const rows = await this.db.selectFrom('order_attributions as a').innerJoin('orders as o', 'o.id', 'a.order_id')
      .leftJoin('line_top_ups as t', 't.order_id', 'a.order_id')
      .select(['a.distributor_id', sql<number>`count(*)`.as('orders'),
        n(sql`o.paid_at is not null`).as('paid'), n(sql`o.activated_at is not null`).as('activated'), n(sql`t.order_id is not null`).as('topped_up'),
        n(sql`o.state in ('cancelled', 'account_closed') and o.paid_at is not null`).as('cancelled_after_paying'),
        n(sql`o.state in ('cancelled', 'account_closed')`).as('cancelled')])
      .groupBy('a.distributor_id').execute();
    return rows.map((r) => ({
      distributorId: r.distributor_id, orders: Number(r.orders), paid: Number(r.paid), activated: Number(r.activated), toppedUp: Number(r.topped_up),
      cancelledAfterPaying: Number(r.cancelled_after_paying), cancelled: Number(r.cancelled),
    }));
  }

  /** The whole platform's paid orders and those of them cancelled or closed since: the rate distributors are held to. */
  async platformCancellation(): Promise<{ paid: number; cancelled: number }> {
    const r = await this.db.selectFrom('orders').select([sql<number>`count(*)`.as('paid'), sql<number>`sum(case when state in ('cancelled', 'account_closed') then 1 else 0 end)`.as('cancelled')])
      .where('paid_at', 'is not', null).executeTakeFirstOrThrow();
    return { paid: Number(r.paid), cancelled: Number(r.cancelled ?? 0) };
  }

  /** Reason codes of a distributor's ended orders, most frequent first. */
  async reasons(distributorId: string): Promise<{ code: string; n: number }[]> {
    const ended = await this.endedOrders(distributorId, 1000);
    const per = new Map<string, number>();
    for (const e of ended) {
      const code = e.reasonCode ?? e.closeReason ?? e.state;
      per.set(code, (per.get(code) ?? 0) + 1);
    }
    return [...per].map(([code, n]) => ({ code, n })).sort((a, b) => b.n - a.n);
  }
}
