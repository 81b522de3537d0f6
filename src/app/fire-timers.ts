import { decide, SYSTEM } from '../domain/decide.ts';
import { isError } from '../domain/errors.ts';
import type { TimerRow } from '../adapters/store/queue-repo.ts';
import { commitDecisions, notifyRow, type Decided } from './commit.ts';
import type { Deps } from './deps.ts';
import { escalateRequests } from './escalate-requests.ts';
import { returnTimers } from './returns.ts';
import { POLLED_STATES } from '../domain/policies/carrier-sync.ts';
import { closeOverdueOrders, deadlineCloseShape } from './close-overdue.ts';

/** How long a claimed timer stays with its worker before another may take it (the worker died). */
export const TIMER_LEASE_MS = 30_000;
/**
 * Timers claimed per batch. A batch of deadline closes costs about 20 us an order set-based (a batch of 2,000
 * holds the writer some 40 ms), and each batch's commit rewrites the index pages it touched, so larger
 * batches clear a backlog with less writing; timers decided one by one (reminders, escalations) are rarely
 * due by the thousand.
 */
export const TIMER_BATCH = 2000;

/**
 * Claims due timers and handles them in one transaction per batch. Each handler is guarded by the
 * order's current state, so a timer that fires twice, late, or after the order moved on does nothing.
 * Payment-deadline closes are written for the whole batch at once (close-overdue.ts); `setBased: false`
 * decides them order by order, the path any other decision takes (tests hold the two to the same result).
 */
export async function fireDueTimers(deps: Deps, limit = TIMER_BATCH, opts: { setBased?: boolean } = {}): Promise<number> {
  const now = deps.clock.now();
  const claimed = await deps.store.queue.claimDueTimers(now, limit, TIMER_LEASE_MS);
  if (claimed.length === 0) return 0;
  const settings = await deps.settings.get();
  // Deadline closes go set-based when the domain's decision has a shape the store can apply to the whole batch.
  const shape = opts.setBased !== false && claimed.some((t) => t.kind === 'payment_deadline') ? deadlineCloseShape(now, settings) : null;
  const overdue = shape ? [...new Set(claimed.filter((t) => t.kind === 'payment_deadline').map((t) => t.order_id))] : [];
  const rest = shape ? claimed.filter((t) => t.kind !== 'payment_deadline') : claimed;
  await deps.store.tx(async (r) => {
    const orders = new Map((await r.orders.getOrders([...new Set(rest.map((t) => t.order_id))], true)).map((o) => [o.id, o]));
    const decided: Decided[] = [];
    const reminders = [];
    const done: TimerRow[] = shape ? claimed.filter((t) => t.kind === 'payment_deadline') : [];
    for (const t of rest) {
      const order = orders.get(t.order_id);
      done.push(t);
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
    await r.queue.deleteTimersById(done.map((t) => t.id));
    await commitDecisions(r, decided, now);
    await r.payments.closeOpenPayments(decided.map((d) => d.before.id));
    if (shape) await closeOverdueOrders(r, overdue, shape);
    if (reminders.length) await r.queue.insertOutbox(reminders);
    await escalateRequests(r, claimed, orders, now);
    await returnTimers(r, claimed, orders, now);
  });
  return claimed.length;
}
