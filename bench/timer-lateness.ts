// Timer lateness: many pending orders, a block of them with deadlines spread over a short window, and the
// real worker on the system clock closing them. For each order: how long after its deadline it closed.
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import { childArgs, finish, replyError } from './child.ts';
import { openRaw } from './fixtures.ts';
import { insertCustomers, orderId, seedPendingOrders } from './seed-orders.ts';
import { firstAtOrAfter, max, percentile, recordCommits } from './stats.ts';

export interface TimerArgs {
  dir: string;
  /** Orders whose deadlines fall inside the window. */
  due: number;
  windowMs: number;
  /** Further pending orders whose deadlines come later (they must not close). */
  background: number;
}

const MIN = 60_000;
const TIMEOUT = 30 * MIN;
const REMINDER = 5 * MIN;

async function main() {
  const a = childArgs<TimerArgs>();
  const file = join(a.dir, 'timers.db');
  const haoka = await compose(loadConfig({ HAOKA_DATABASE_URL: file, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' }), { seed: true, numbersPerCarrier: 10 });
  const raw = openRaw(file);
  const now = Date.now();
  const customers = insertCustomers(raw, 1000, now);
  // Later deadlines, 15 to 30 minutes out: their reminders are still ahead too.
  const later = (i: number) => now + 15 * MIN + Math.floor((i * 15 * MIN) / Math.max(1, a.background));
  seedPendingOrders(raw, {
    prefix: 'G', count: a.background, numberFrom: a.due, paymentTimeoutMs: TIMEOUT, openPaymentEvery: 4, customers,
    deadline: later,
    reminderAt: (i) => later(i) - REMINDER,
  });
  // The window starts shortly after seeding; these orders' reminders went out minutes ago.
  const t0 = Date.now() + 2000;
  seedPendingOrders(raw, {
    prefix: 'W', count: a.due, numberFrom: 0, paymentTimeoutMs: TIMEOUT, openPaymentEvery: 4, customers,
    deadline: (i) => t0 + Math.floor((i * a.windowMs) / a.due),
    reminderAt: () => null,
  });
  if (Date.now() > t0 - 500) throw new Error('seeding the window took too long; the first deadlines are already near');

  // When each close became visible: the commit of the worker's transaction, which comes after closed_at
  // (the time the batch was decided). Only the worker writes in this phase.
  const commits = recordCommits(haoka.deps.store);

  haoka.worker.start();
  const open = raw.prepare(`select count(*) as n from orders where id >= ? and id < ? and state = 'pending_payment'`);
  const lo = orderId('W', 0);
  const hi = orderId('W', a.due);
  const giveUp = t0 + a.windowMs + 120_000;
  while ((open.get(lo, hi) as { n: number }).n > 0 && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 200));
  await haoka.worker.stop();

  const rows = raw.prepare(`select payment_deadline as d, closed_at as c from orders where id >= ? and id < ?`).all(lo, hi) as { d: number; c: number | null }[];
  const unclosed = rows.filter((r) => r.c === null).length;
  const closedEarly = rows.filter((r) => r.c !== null && r.c < r.d).length;
  const decided = rows.filter((r) => r.c !== null).map((r) => r.c! - r.d);
  const visible = rows.filter((r) => r.c !== null).map((r) => firstAtOrAfter(commits, r.c!) - r.d);
  const backgroundClosed = (raw.prepare(`select count(*) as n from orders where id like 'HKG%' and state != 'pending_payment'`).get() as { n: number }).n;
  const pendingTimers = a.due + a.background * 2;
  raw.close();
  await haoka.close();
  finish({
    due: a.due, background: a.background, pendingTimers, windowMs: a.windowMs, unclosed, closedEarly, backgroundClosed,
    decidedP50: percentile(decided, 50), decidedP99: percentile(decided, 99), decidedMax: max(decided),
    visibleP50: percentile(visible, 50), visibleP99: percentile(visible, 99), visibleMax: max(visible),
  });
}

main().catch(replyError);
