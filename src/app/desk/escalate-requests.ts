// Review-SLA timers: at 80 % of a request's SLA and again at its due time, supervisors are alerted and the
// request carries its escalation level into the queue. Runs inside the timer batch's transaction; a timer
// that fires late, twice, or after the request was decided changes nothing.
import { decideRequest, type CancellationRequest } from '../../domain/cancellation-request.ts';
import { SYSTEM, type Effect } from '../../domain/decide.ts';
import { fail, isError, Rejection } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { TimerRow } from '../../adapters/store/queue-repo.ts';
import { applyEffects } from '../platform/commit.ts';
import { requestEventRow } from '../cancellation/request-commit.ts';

const LEVEL: Record<string, 1 | 2> = { review_sla_warning: 1, review_sla_breach: 2 };

export async function escalateRequests(r: Repos, timers: TimerRow[], orders: Map<string, Order>, now: number): Promise<void> {
  const due = timers.filter((t) => t.kind in LEVEL);
  if (due.length === 0) return;
  const before = new Map((await r.requests.listOpenForOrders([...new Set(due.map((t) => t.order_id))], true)).map((q) => [q.orderId, q]));
  const after = new Map<string, CancellationRequest>(before);
  const events = [];
  const effects: { order: Order; effects: Effect[] }[] = [];
  const again = [];
  for (const t of due) {
    const req = after.get(t.order_id);
    const order = orders.get(t.order_id);
    if (!req || !order) continue;
    const d = decideRequest(req, order, { type: 'escalate', level: LEVEL[t.kind]! }, { now });
    if (isError(d)) {
      // Never lose an escalation to a timer that came too early: put it back for its moment.
      if (d.code === 'CANCEL_REQUEST.NOT_READY') again.push({ order_id: t.order_id, kind: t.kind, due_at: Number(d.details?.at), claimed_until: null, attempts: 0 });
      continue;
    }
    after.set(t.order_id, d.request);
    events.push(requestEventRow(order, d.event, SYSTEM, now));
    effects.push({ order, effects: d.effects });
  }
  for (const [orderId, req] of after) {
    const b = before.get(orderId)!;
    if (req !== b && !(await r.requests.update(b, req))) throw new Rejection(fail('CANCEL_REQUEST.NOT_OPEN', 'A request changed while it was being escalated.'));
  }
  if (events.length) await r.orders.insertEvents(events);
  await applyEffects(r, effects, now);
  if (again.length) await r.queue.insertTimers(again);
}
