// `haoka check` for IoT cards: each invariant a query listing the rows that break it (read-only).
import { sql } from 'kysely';

export const IOT_CHECKS = [
  {
    name: 'an IoT card cancelled with money back has one refund of its share',
    query: sql<{ subject: string; detail: string }>`select c.id as subject, 'card ' || c.iccid || ' is cancelled (' || c.close_reason || ') with no refund' as detail
      from iot_cards c where c.state = 'cancelled' and c.close_reason in ('customer_cancelled','intercepted','returned') and c.share_fen > 0
      and not exists (select 1 from iot_refunds r where r.card_id = c.id)`,
  },
  {
    name: 'no IoT batch payment is refunded more than it took',
    query: sql<{ subject: string; detail: string }>`select p.id as subject, 'refunds hold ' || sum(r.amount_fen) || ' of ' || max(p.amount_fen) as detail
      from iot_payments p join iot_refunds r on r.payment_id = p.id and r.state <> 'failed'
      group by p.id having sum(r.amount_fen) > max(p.amount_fen)`,
  },
  {
    name: 'a batch cancellation refunds no more than its preview said',
    query: sql<{ subject: string; detail: string }>`select x.id as subject, 'refunds ' || sum(r.amount_fen) || ' over the preview\u2019s ' || max(x.refund_fen) as detail
      from iot_cancellations x join iot_refunds r on r.cancellation_id = x.id
      group by x.id having sum(r.amount_fen) > max(x.refund_fen)`,
  },
  {
    name: 'every unpaid IoT batch has its deadline timer',
    query: sql<{ subject: string; detail: string }>`select b.id as subject, 'unpaid since ' || b.created_at || ' with no iot_batch_deadline timer' as detail
      from iot_batches b where b.state = 'pending_payment'
      and not exists (select 1 from timers t where t.order_id = b.id and t.kind = 'iot_batch_deadline')`,
  },
  {
    name: 'a finished IoT job has an outcome for every card',
    query: sql<{ subject: string; detail: string }>`select j.id as subject, count(*) || ' cards without outcome' as detail
      from iot_jobs j join iot_job_items i on i.job_id = j.id where j.state = 'done' and i.outcome is null group by j.id`,
  },
];
