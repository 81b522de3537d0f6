// Bulk pending orders written straight into the file, row for row what placing them would have left
// behind some minutes later: the order, its locked number, the placed event, the delivered placed notice,
// the deadline timer (and the reminder timer while it is still ahead), sometimes an open payment.
import type SqliteDatabase from 'better-sqlite3';
import { BENCH_PLAN } from './fixtures.ts';
import { DEMO_PLANS } from '../src/seed/demo.ts';
import { TERMS_COLUMNS } from '../src/adapters/store/migrations/013-order-terms.ts';

export interface PendingOrders {
  /** One letter; keeps the ids of several batches in one file apart. */
  prefix: string;
  count: number;
  /** Bench numbers are 147-numbers from this index on; every order holds its own. */
  numberFrom: number;
  deadline(i: number): number;
  /** When the reminder timer is due, or null when it has already fired. */
  reminderAt(i: number): number | null;
  paymentTimeoutMs: number;
  /** Every n-th order has a payment opened at the channel and never completed. */
  openPaymentEvery: number;
  customers: string[];
}

export const orderId = (prefix: string, i: number): string => `HK${prefix}${String(i).padStart(9, '0')}`;

const ADDRESS = JSON.stringify({ province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南区 1 栋 101' });
const PRICE_FEN = 5000;
/** Each order keeps its plan's terms as sold, as placing it would have written them. */
const PLAN_ROW = DEMO_PLANS.find((p) => p.id === BENCH_PLAN)!;
const TERMS: Record<string, number | string> = {
  price_fen: PLAN_ROW.priceFen, monthly_fee_fen: PLAN_ROW.monthlyFeeFen, contract_months: PLAN_ROW.contractMonths, penalty_kind: PLAN_ROW.penaltyRule.kind,
  penalty_value: PLAN_ROW.penaltyRule.kind === 'fixed' ? PLAN_ROW.penaltyRule.fen : PLAN_ROW.penaltyRule.percent,
  activation_window_days: PLAN_ROW.activationWindowDays, trial_days: PLAN_ROW.trialDays,
};
const TERMS_SQL = TERMS_COLUMNS.map(([, from]) => (typeof TERMS[from] === 'string' ? `'${TERMS[from]}'` : String(TERMS[from]))).join(', ');

export function insertCustomers(raw: SqliteDatabase.Database, count: number, now: number): string[] {
  const ins = raw.prepare('insert into customers (id, phone, created_at) values (?, ?, ?)');
  const ids: string[] = [];
  raw.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `CB${String(i).padStart(7, '0')}`;
      ins.run(id, `137${String(i).padStart(8, '0')}`, now);
      ids.push(id);
    }
  })();
  return ids;
}

export function seedPendingOrders(raw: SqliteDatabase.Database, s: PendingOrders): void {
  const number = raw.prepare(`insert into numbers (id, carrier, number, vanity_level, price_fen, state, order_id, updated_at)
    values (?, 'china_mobile', ?, 0, 0, 'locked', ?, ?)`);
  const order = raw.prepare(`insert into orders (id, customer_id, plan_id, number_id, number, carrier, state, amount_fen, contact_name,
    contact_phone, id_hash, id_masked, address, payment_deadline, payment_channel, close_reason, keeps_reorder_discount, created_at,
    updated_at, paid_at, closed_at, version, ${TERMS_COLUMNS.map(([c]) => c).join(', ')})
    values (?, ?, '${BENCH_PLAN}', ?, ?, 'china_mobile', 'pending_payment', ${PRICE_FEN}, '张三', ?, ?, '110***********0011', ?, ?, null, null, null, ?, ?, null, null, 1, ${TERMS_SQL})`);
  const event = raw.prepare(`insert into order_events (order_id, actor_type, actor_id, action, from_state, to_state, reason, automatic, at)
    values (?, 'customer', ?, 'order.placed', null, 'pending_payment', null, 0, ?)`);
  const timer = raw.prepare('insert into timers (order_id, kind, due_at, claimed_until, attempts) values (?, ?, ?, null, 0)');
  const outbox = raw.prepare(`insert into outbox (order_id, topic, payload, attempts, next_attempt_at, claimed_until, created_at, delivered_at, last_error)
    values (?, 'notify', ?, 1, ?, null, ?, ?, null)`);
  const payment = raw.prepare(`insert into payments (id, order_id, channel, amount_fen, state, channel_trade_no, created_at, succeeded_at)
    values (?, ?, 'alipay', ${PRICE_FEN}, 'created', null, ?, null)`);
  raw.transaction(() => {
    for (let i = 0; i < s.count; i++) {
      const id = orderId(s.prefix, i);
      const n = `147${String(s.numberFrom + i).padStart(8, '0')}`;
      const deadline = s.deadline(i);
      const placedAt = deadline - s.paymentTimeoutMs;
      const customer = s.customers[i % s.customers.length]!;
      const phone = `137${customer.slice(2).padStart(8, '0')}`;
      number.run(`N${n}`, n, id, placedAt);
      order.run(id, customer, `N${n}`, n, phone, `bench-id-${s.prefix}${i}`, ADDRESS, deadline, placedAt, placedAt);
      event.run(id, customer, placedAt);
      timer.run(id, 'payment_deadline', deadline);
      const reminder = s.reminderAt(i);
      if (reminder !== null) timer.run(id, 'payment_reminder', reminder);
      const payload = JSON.stringify({ template: 'order_placed', customerId: customer, phone, orderId: id, data: { orderId: id, number: n, paymentDeadline: deadline, amountFen: PRICE_FEN } });
      outbox.run(id, payload, placedAt, placedAt, placedAt + 50);
      if (s.openPaymentEvery > 0 && i % s.openPaymentEvery === 0) payment.run(`PAYB${s.prefix}${i}`, id, placedAt + 1000);
    }
  })();
}
