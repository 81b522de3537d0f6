// `haoka check` for the commission ledger: each a query listing the rows that break it.
import { sql } from 'kysely';

export const DISTRIBUTION_CHECKS = [
  {
    name: 'a commission is taken back at most once',
    query: sql<{ subject: string; detail: string }>`select e.order_id || ':' || e.distributor_id as subject, count(*) || ' reversing entries' as detail
      from commission_entries e where e.kind in ('void', 'reverse', 'clawback') and e.order_id is not null
      group by e.order_id, e.distributor_id having count(*) > 1`,
  },
  {
    name: 'a settled or qualified commission was accrued first',
    query: sql<{ subject: string; detail: string }>`select e.order_id || ':' || e.distributor_id as subject, e.kind || ' without accrue' as detail
      from commission_entries e where e.kind in ('qualify', 'settle') and e.order_id is not null
      and not exists (select 1 from commission_entries a where a.order_id = e.order_id and a.distributor_id = e.distributor_id and a.kind = 'accrue')`,
  },
  {
    name: 'an ended order keeps no pending commission',
    query: sql<{ subject: string; detail: string }>`select e.order_id || ':' || e.distributor_id as subject, 'order is ' || o.state || ' but its commission is still pending' as detail
      from commission_entries e join orders o on o.id = e.order_id
      where e.kind = 'accrue' and o.state in ('cancelled', 'account_closed')
      and not exists (select 1 from commission_entries x where x.order_id = e.order_id and x.distributor_id = e.distributor_id and x.kind in ('qualify', 'void'))`,
  },
  {
    name: 'no distributor owes a pending or eligible commission back',
    query: sql<{ subject: string; detail: string }>`select b.account as subject, 'balance ' || b.n || ' fen' as detail from (
      select account, sum(n) as n from (
        select credit as account, amount_fen as n from commission_entries
        union all select debit as account, -amount_fen as n from commission_entries) m
      where account like 'distributor:%:pending' or account like 'distributor:%:eligible' group by account) b where b.n < 0`,
  },
];
