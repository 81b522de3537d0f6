// Closing a backlog of overdue orders (the worker was down, or a flash sale's orders all lapsed at once):
// the worker's fire-timers batches against plain set-based SQL doing the same writes, on identical copies.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import { fireDueTimers } from '../src/app/platform/fire-timers.ts';
import { childArgs, finish, replyError } from './child.ts';
import { openRaw } from './fixtures.ts';
import { insertCustomers, seedPendingOrders } from './seed-orders.ts';

export interface OverdueArgs {
  dir: string;
  orders: number;
  /**
   * Every n-th order opened a payment that was never paid (0: none). The worker asks the channel about each of
   * those before it closes (deadline-payments.ts), order by order; the rest close set-based.
   */
  openPaymentEvery?: number;
}

const config = (file: string) => loadConfig({ HAOKA_DATABASE_URL: file, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' });

/** The same writes as a deadline close, for every overdue order at once, in one transaction. */
function closeAllWithSql(raw: SqliteDatabase.Database, now: number): number {
  let closed = 0;
  raw.transaction(() => {
    raw.exec('drop table if exists temp.due');
    raw.prepare(`create temp table due as
      select o.id, o.customer_id, o.number from orders o join timers t on t.order_id = o.id
      where t.kind = 'payment_deadline' and t.due_at <= ? and o.state = 'pending_payment' and o.payment_deadline <= ?`).run(now, now);
    closed = raw.prepare(`update orders set state = 'cancelled', close_reason = 'payment_timeout', closed_at = ?, keeps_reorder_discount = 1,
      updated_at = ?, version = version + 1 where id in (select id from due)`).run(now, now).changes;
    raw.prepare(`update numbers set state = 'free', order_id = null, updated_at = ? where order_id in (select id from due)`).run(now);
    raw.exec('delete from timers where order_id in (select id from due)');
    raw.prepare(`insert into order_events (order_id, actor_type, actor_id, action, from_state, to_state, reason, automatic, at)
      select id, 'system', 'system', 'order.closed_unpaid', 'pending_payment', 'cancelled', 'payment_timeout', 1, ? from due`).run(now);
    raw.prepare(`insert into outbox (order_id, topic, payload, attempts, next_attempt_at, created_at)
      select id, 'notify', json_object('template', 'order_closed_unpaid', 'customerId', customer_id, 'orderId', id,
        'data', json_object('orderId', id, 'number', number, 'keepsReorderDiscount', json('true'))), 0, ?, ? from due`).run(now, now);
    raw.exec(`update payments set state = 'closed' where order_id in (select id from due) and state = 'created'`);
    raw.exec('drop table temp.due');
  })();
  return closed;
}

/** What both ways must have left behind, to compare them. */
function summary(raw: SqliteDatabase.Database): Record<string, number> {
  const count = (q: string) => (raw.prepare(q).get() as { n: number }).n;
  return {
    cancelled: count(`select count(*) as n from orders where state = 'cancelled' and close_reason = 'payment_timeout'`),
    pending: count(`select count(*) as n from orders where state = 'pending_payment'`),
    freeNumbers: count(`select count(*) as n from numbers where state = 'free'`),
    timers: count('select count(*) as n from timers'),
    closeEvents: count(`select count(*) as n from order_events where action = 'order.closed_unpaid'`),
    closeNotices: count(`select count(*) as n from outbox where payload like '%order_closed_unpaid%' and delivered_at is null`),
    openPayments: count(`select count(*) as n from payments where state = 'created'`),
  };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

async function main() {
  const a = childArgs<OverdueArgs>();
  const fileA = join(a.dir, 'overdue-worker.db');
  const fileB = join(a.dir, 'overdue-sql.db');
  await (await compose(config(fileA), { seed: true, numbersPerCarrier: 10 })).close();

  const raw = openRaw(fileA);
  const now = Date.now();
  const t0 = performance.now();
  const customers = insertCustomers(raw, 1000, now);
  // Deadlines over the last hour; reminders long gone.
  seedPendingOrders(raw, {
    prefix: 'O', count: a.orders, numberFrom: 0, paymentTimeoutMs: 30 * 60_000, openPaymentEvery: a.openPaymentEvery ?? 0, customers,
    deadline: (i) => now - 3_600_000 + Math.floor((i * 3_000_000) / a.orders),
    reminderAt: () => null,
  });
  const seedMs = performance.now() - t0;
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  copyFileSync(fileA, fileB);

  const haoka = await compose(config(fileA));
  const w0 = performance.now();
  const wc = process.cpuUsage();
  let batches = 0;
  while ((await fireDueTimers(haoka.deps)) > 0) batches++;
  const workerMs = performance.now() - w0;
  const workerCpuMs = cpuMs(wc);
  await haoka.close();

  const rawB = openRaw(fileB);
  const s0 = performance.now();
  const sc = process.cpuUsage();
  const sqlClosed = closeAllWithSql(rawB, Date.now());
  const sqlMs = performance.now() - s0;
  const sqlCpuMs = cpuMs(sc);

  const rawA = openRaw(fileA);
  const byWorker = summary(rawA);
  const bySql = summary(rawB);
  rawA.close();
  rawB.close();
  const differences = Object.keys(byWorker).filter((k) => byWorker[k] !== bySql[k]).map((k) => `${k}: worker ${byWorker[k]}, sql ${bySql[k]}`);
  finish({ orders: a.orders, seedMs, batches, workerMs, sqlMs, workerCpuMs, sqlCpuMs, sqlClosed, workerClosed: byWorker.cancelled, differences });
}

main().catch(replyError);
