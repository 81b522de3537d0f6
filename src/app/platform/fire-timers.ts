import { decide, SYSTEM } from '../../domain/decide.ts';
import { isError } from '../../domain/errors.ts';
import type { TimerRow } from '../../adapters/store/queue-repo.ts';
import { commitDecisions, type Decided } from './commit.ts';
import { notifyRow } from './rows.ts';
import type { Deps } from './deps.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { Settings } from '../../domain/settings.ts';
import { escalateRequests } from '../desk/escalate-requests.ts';
import { returnTimers } from '../after-sales/returns.ts';
import { POLLED_STATES } from '../../domain/policies/carrier-sync.ts';
import { closeOverdueOrders, deadlineCloseShape } from '../ordering/close-overdue.ts';
import { settleDeadlinePayments } from '../ordering/deadline-payments.ts';
import { iotTimers } from '../iot/deadlines.ts';

/** How long a timer whose handling failed is set aside before it is taken again. */
export const TIMER_LEASE_MS = 30_000;
/**
 * Timers taken per batch. A batch of deadline closes costs about 20 us an order set-based, and each batch's
 * commit rewrites every index page it touched (orders by resident ID and by customer, numbers by order are
 * spread over the whole index), so a backlog clears with less writing in larger batches: 4,000 holds the
 * writer about 100 ms (2,000: about 60 ms, and 1.3 times the writing). Timers decided one by one (reminders,
 * escalations) are rarely due by the thousand.
 */
export const TIMER_BATCH = 4000;

/**
 * Takes due timers and handles them in one transaction per batch: the rows are read (locked with SKIP LOCKED
 * on PostgreSQL, under the single writer on SQLite), handled and deleted in the same transaction, so a worker
 * that dies mid-batch leaves them due for the next and a batch costs no separate claim. Each handler is
 * guarded by the order's current state, so a timer that fires late or after the order moved on does nothing.
 * A batch that fails is taken again timer by timer; a timer that still fails is set aside for the lease
 * (`attempts` counts it) so that the others are not held up behind it.
 * Payment-deadline closes are written for the whole batch at once (close-overdue.ts); `setBased: false`
 * decides them order by order, the path any other decision takes (tests hold the two to the same result).
 */
export async function fireDueTimers(deps: Deps, limit = TIMER_BATCH, opts: { setBased?: boolean } = {}): Promise<number> {
  // Deadlines of orders that opened a payment are asked at the channel first, outside the batch's transaction.
  const asked = await settleDeadlinePayments(deps);
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  let taken: TimerRow[] = [];
  try {
    await deps.store.tx(async (r) => {
      taken = await r.queue.takeDueTimers(now, limit);
      await handleTimers(r, taken, now, settings, opts.setBased !== false);
    });
    return asked + taken.length;
  } catch (e) {
    if (taken.length === 0) throw e;
    deps.log.error({ err: e, timers: taken.length }, 'timer batch failed; taking its timers one by one');
  }
  for (const t of taken) {
    try {
      await deps.store.tx(async (r) => handleTimers(r, await r.queue.takeTimersById([t.id], now), now, settings, opts.setBased !== false));
    } catch (e) {
      deps.log.error({ err: e, timerId: t.id, orderId: t.order_id, kind: t.kind }, 'timer failed; set aside for its lease');
      await deps.store.queue.setAsideTimers([t.id], now + TIMER_LEASE_MS);
    }
  }
  return asked + taken.length;
}

async function handleTimers(r: Repos, taken: TimerRow[], now: number, settings: Settings, setBased: boolean): Promise<void> {
  if (taken.length === 0) return;
  // An order that opened a payment (after the channel step above read the open ones) is not closed here: its
  // deadline stays for the next pass, which asks the channel first. One indexed look-up for the whole batch.
  const held = new Set(await r.reconciliation.ordersWithOpenPayments([...new Set(taken.filter((t) => t.kind === 'payment_deadline').map((t) => t.order_id))]));
  const claimed = held.size ? taken.filter((t) => !(t.kind === 'payment_deadline' && held.has(t.order_id))) : taken;
  if (claimed.length === 0) return;
  // Deadline closes go set-based when the domain's decision has a shape the store can apply to the whole batch.
  const shape = setBased && claimed.some((t) => t.kind === 'payment_deadline') ? deadlineCloseShape(now, settings) : null;
  const overdue = shape ? [...new Set(claimed.filter((t) => t.kind === 'payment_deadline').map((t) => t.order_id))] : [];
  const rest = shape ? claimed.filter((t) => t.kind !== 'payment_deadline') : claimed;
  const orders = new Map((await r.orders.getOrders([...new Set(rest.map((t) => t.order_id))], true)).map((o) => [o.id, o]));
  const decided: Decided[] = [];
  const reminders = [];
  for (const t of rest) {
    const order = orders.get(t.order_id);
    if (!order) continue;
    if (t.kind === 'payment_deadline') {
      const decision = decide(order, { type: 'close_unpaid' }, { now, settings });
      if (!isError(decision)) decided.push({ before: order, decision, actor: SYSTEM });
    } else if (t.kind === 'carrier_sync' && POLLED_STATES.includes(order.state)) {
      // The carrier is asked from the outbox, outside this transaction.
      reminders.push({ order_id: order.id, topic: 'carrier_sync', payload: JSON.stringify({ orderId: order.id }), attempts: 0, next_attempt_at: now, created_at: now });
    } else if (t.kind === 'payment_reminder' && order.state === 'pending_payment' && now < order.paymentDeadline) {
      reminders.push(notifyRow(order, 'payment_reminder', { orderId: order.id, paymentDeadline: order.paymentDeadline, amountFen: order.amountFen }, now));
    }
  }
  // Delete first: a deadline close also cancels the order's timers, and these rows must go either way.
  await r.queue.deleteTimersById(claimed.map((t) => t.id));
  await commitDecisions(r, decided, now);
  await r.payments.closeOpenPayments(decided.map((d) => d.before.id));
  if (shape) await closeOverdueOrders(r, overdue, shape);
  if (reminders.length) await r.queue.insertOutbox(reminders);
  await escalateRequests(r, claimed, orders, now);
  await returnTimers(r, claimed, orders, now);
  await iotTimers(r, claimed, now);
}
