// `haoka check`: the database's invariants, each a query that lists the rows breaking it.
// Read-only, and cheap enough to run after every soak or on a schedule.
import { sql } from 'kysely';
import type { Store } from '../../adapters/store/store.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type { PaymentPort } from './ports.ts';
import { channelDifferences, PAYMENT_HELD, REFUNDS_AGREE } from '../reconciliation/channel-check.ts';
import { DISTRIBUTION_CHECKS } from '../distribution/invariants.ts';
import { IOT_CHECKS } from '../iot/invariants.ts';

export interface Violation {
  invariant: string;
  subject: string;
  detail: string;
}

const LIVE = sql`('pending_payment','paid','packing','shipped','delivered','activated')`;

/**
 * A cancelled paid order keeps its number sold until the carrier confirms the release (its approved
 * cancellation request has no release time yet): the order shows "cancelling" meanwhile.
 */
const RELEASING = sql`(o.state in ('cancelled','account_closed') and n.state = 'sold' and (exists (select 1 from cancellation_requests c
  where c.order_id = o.id and c.state = 'approved' and c.number_released_at is null)
  or exists (select 1 from outbox x where x.order_id = o.id and x.topic = 'carrier_release' and x.delivered_at is null)))`;

interface Check {
  name: string;
  query: ReturnType<typeof sql<{ subject: string; detail: string }>>;
}

const CHECKS: Check[] = [
  {
    name: 'a taken number belongs to exactly one live order',
    query: sql`select n.id as subject, 'number ' || n.number || ' is ' || n.state || ' for ' || coalesce(n.order_id, 'no order') as detail
      from numbers n left join orders o on o.id = n.order_id
      where n.state <> 'free' and (o.id is null or o.number_id <> n.id or (o.state not in ${LIVE} and not ${RELEASING}))`,
  },
  {
    name: 'a live order holds its number',
    query: sql`select o.id as subject, 'order is ' || o.state || ' but number ' || o.number || ' is ' || coalesce(n.state, 'missing') as detail
      from orders o left join numbers n on n.id = o.number_id
      where o.state in ${LIVE} and (n.id is null or n.order_id is null or n.order_id <> o.id or n.state = 'free')`,
  },
  {
    name: 'every unpaid order has its deadline timer',
    query: sql`select o.id as subject, 'pending since ' || o.created_at || ' with no payment_deadline timer' as detail
      from orders o where o.state = 'pending_payment'
      and not exists (select 1 from timers t where t.order_id = o.id and t.kind = 'payment_deadline')`,
  },
  {
    name: 'a paid order was paid',
    query: sql`select o.id as subject, 'order is ' || o.state || ' with no captured payment' as detail
      from orders o where o.state in ('paid','packing','shipped','delivered','activated') and o.amount_fen > 0
      and not exists (select 1 from payments p where p.order_id = o.id and p.state = 'succeeded')`,
  },
  {
    name: 'no payment is refunded more than it took',
    query: sql`select p.id as subject, 'refunded ' || sum(r.amount_fen) || ' of ' || max(p.amount_fen) as detail
      from payments p join refunds r on r.payment_id = p.id and r.state = 'succeeded'
      group by p.id having sum(r.amount_fen) > max(p.amount_fen)`,
  },
  {
    name: 'money taken for a closed order is refunded or on its way',
    query: sql`select p.id as subject, 'payment of ' || p.amount_fen || ' for ' || o.state || ' order ' || o.id || ' has no refund' as detail
      from payments p join orders o on o.id = p.order_id
      where p.state = 'succeeded' and o.state = 'cancelled' and p.amount_fen > 0
      and not exists (select 1 from refunds r where r.payment_id = p.id and r.state in ('pending','processing','succeeded'))`,
  },
  {
    // A refund is never lost: until it ends, either its outbox row will send it or its check will ask the channel.
    name: 'every refund not yet ended will be sent or asked about',
    query: sql`select r.id as subject, 'refund is ' || r.state || ' with nothing scheduled to move it' as detail
      from refunds r
      where (r.state = 'pending' and not exists (select 1 from outbox x where x.topic = 'refund' and x.delivered_at is null
               and x.payload = '{"refundNo":"' || r.id || '"}'))
         or (r.state = 'processing' and r.next_check_at is null)`,
  },
  {
    name: 'a cancelled order waiting for its number release has the release on its way',
    query: sql`select c.id as subject, 'request for cancelled order ' || c.order_id || ' waits for a number release nobody will send' as detail
      from cancellation_requests c join orders o on o.id = c.order_id
      where c.state = 'approved' and o.state = 'cancelled' and c.number_released_at is null
      and not exists (select 1 from outbox x where x.order_id = c.order_id and x.topic = 'carrier_release' and x.delivered_at is null)`,
  },
  {
    // A card that passed inspection closed its order: its money is on its way back (or was nothing).
    name: 'an accepted return has its refund',
    query: sql`select t.id as subject, 'return passed for order ' || t.order_id || ' but nothing is refunded' as detail
      from returns t join orders o on o.id = t.order_id
      where t.state = 'passed' and o.amount_fen > 0
      and not exists (select 1 from refunds r where r.order_id = t.order_id and r.state in ('pending','processing','succeeded'))`,
  },
  {
    name: 'a delivered or activated order knows when',
    query: sql`select o.id as subject, 'order is ' || o.state || ' with no ' || case when o.delivered_at is null then 'delivery' else 'activation' end || ' time' as detail
      from orders o where (o.state in ('delivered','activated') and o.delivered_at is null) or (o.state = 'activated' and o.activated_at is null)`,
  },
  {
    // The penalty is collected before the line is closed: a completed closure never rests on an unpaid one.
    name: 'a completed closure with a penalty has a paid penalty payment',
    query: sql`select c.id as subject, 'closure of order ' || c.order_id || ' completed with a penalty of ' || c.penalty_fen || ' fen not paid' as detail
      from account_closures c
      where c.state = 'completed' and c.penalty_fen > 0
      and not exists (select 1 from payments p where p.id = c.penalty_payment_id and p.order_id = c.order_id and p.purpose = 'penalty'
        and p.state = 'succeeded' and p.amount_fen = c.penalty_fen)`,
  },
  {
    name: 'the audit trail explains every state',
    query: sql`select o.id as subject, 'order is ' || o.state || ' but its last event says ' || coalesce(e.to_state, 'nothing') as detail
      from orders o left join order_events e on e.id = (select max(e2.id) from order_events e2 where e2.order_id = o.id)
      where e.id is null or e.to_state <> o.state`,
  },
  ...DISTRIBUTION_CHECKS,
];
// IoT cards for businesses (app/iot/invariants.ts).
CHECKS.push(...IOT_CHECKS);

/** With `channels`, the payment channels are asked too (recent payments and refunds, channel-check.ts). */
export async function checkInvariants(store: Store, channels?: { payments: Record<PaymentChannel, PaymentPort>; now: number }): Promise<{ checked: string[]; violations: Violation[] }> {
  const violations: Violation[] = [];
  for (const c of CHECKS) {
    const { rows } = await c.query.execute(store.database.db);
    for (const r of rows) violations.push({ invariant: c.name, subject: String(r.subject), detail: String(r.detail) });
  }
  if (channels) violations.push(...(await channelDifferences(store, channels.payments, channels.now)));
  return { checked: [...CHECKS.map((c) => c.name), ...(channels ? [PAYMENT_HELD, REFUNDS_AGREE] : [])], violations };
}
