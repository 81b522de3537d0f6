import { decide, SYSTEM } from '../domain/decide.ts';
import { isError } from '../domain/errors.ts';
import type { TimerRow } from '../adapters/store/queue-repo.ts';
import { commitDecisions, notifyRow, type Decided } from './commit.ts';
import type { Deps } from './deps.ts';
import { escalateRequests } from './escalate-requests.ts';
import { returnTimers } from './returns.ts';

/** How long a claimed timer stays with its worker before another may take it (the worker died). */
export const TIMER_LEASE_MS = 30_000;

/**
 * Claims due timers and handles them in one transaction per batch. Each handler is guarded by the
 * order's current state, so a timer that fires twice, late, or after the order moved on does nothing.
 */
export async function fireDueTimers(deps: Deps, limit = 500): Promise<number> {
  const now = deps.clock.now();
  const claimed = await deps.store.queue.claimDueTimers(now, limit, TIMER_LEASE_MS);
  if (claimed.length === 0) return 0;
  const settings = await deps.settings.get();
  await deps.store.tx(async (r) => {
    const orders = new Map((await r.orders.getOrders([...new Set(claimed.map((t) => t.order_id))], true)).map((o) => [o.id, o]));
    const decided: Decided[] = [];
    const reminders = [];
    const done: TimerRow[] = [];
    for (const t of claimed) {
      const order = orders.get(t.order_id);
      done.push(t);
      if (!order) continue;
      if (t.kind === 'payment_deadline') {
        const decision = decide(order, { type: 'close_unpaid' }, { now, settings });
        if (!isError(decision)) decided.push({ before: order, decision, actor: SYSTEM });
      } else if (t.kind === 'carrier_sync' && order.state === 'delivered') {
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
    if (reminders.length) await r.queue.insertOutbox(reminders);
    await escalateRequests(r, claimed, orders, now);
    await returnTimers(r, claimed, orders, now);
  });
  return claimed.length;
}
