// An agent resolves a disagreement with the carrier. `follow_carrier`: the order moves to what the carrier
// reports, when the transition table has a way there (a line the carrier closed becomes `account_closed` and
// its number goes back through the usual release). `keep_ours`: the platform's state stands; a line the
// platform polls is asked about again. Both are audited with the agent and the note; a task is resolved once.
import { decide, type Actor, type Decision } from '../../domain/decide.ts';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { CARRIER_SYNC_AFTER_CLOSURE_MS, followCarrier, POLLED_STATES } from '../../domain/policies/carrier-sync.ts';
import type { CarrierTaskRow } from '../../adapters/store/after-sales-repo.ts';
import { commitDecisions } from '../platform/commit.ts';
import { endOpenClosure } from './closure-penalty.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { requestEventRow } from '../cancellation/request-commit.ts';
import type { Principal } from '../platform/secrets.ts';

export type TaskResolution = 'follow_carrier' | 'keep_ours';

export async function resolveCarrierTask(deps: Deps, taskId: number, resolution: TaskResolution, note: string, who: Principal): Promise<CarrierTaskRow | DomainError> {
  const pending = await deps.store.afterSales.getTask(taskId);
  if (!pending) return fail('CARRIER_TASK.NOT_FOUND', 'No such carrier task.', { taskId });
  if (pending.state !== 'open') return alreadyResolved(pending);
  const order = await deps.store.orders.getOrder(pending.order_id);
  if (!order) throw new Error(`carrier task ${taskId} refers to missing order ${pending.order_id}`);
  // What the carrier says now, not when the task was opened: the line may have moved since.
  const status = resolution === 'follow_carrier' ? await deps.carrier.queryLine(order.number) : null;
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  const agent: Actor = { type: 'agent', id: who.sub };
  return inTx(deps.store, async (r) => {
    const task = (await r.afterSales.getTask(taskId, true))!;
    if (task.state !== 'open') return alreadyResolved(task);
    let current = (await r.orders.getOrder(task.order_id, true))!;
    if (status !== null) {
      const move = followCarrier(current.state, status);
      if (move === null) {
        return fail('CARRIER_TASK.CANNOT_FOLLOW', `The order cannot go from ${current.state} to what the carrier reports (${status}); keep ours, or act on the order.`, { state: current.state, carrierStatus: status });
      }
      const steps: Decision[] = [];
      if (move === 'activate') {
        // Activation proves delivery: a shipped order is delivered first, at the same time.
        if (current.state === 'shipped') {
          const d = decide(current, { type: 'deliver', at: now }, { now, settings });
          if (isError(d)) return d;
          steps.push(d);
        }
        const a = decide(steps.at(-1)?.order ?? current, { type: 'activate', at: now }, { now, settings });
        if (isError(a)) return a;
        steps.push(a);
      } else if (move === 'close') {
        const d = decide(current, { type: 'carrier_closed', taskId, note }, { now, settings });
        if (isError(d)) return d;
        steps.push(d);
      }
      for (const d of steps) {
        await commitDecisions(r, [{ before: current, decision: d, actor: agent }], now);
        current = d.order;
      }
      // Closed at the carrier, not by us: a closure the customer had open here has nothing left to do.
      if (move === 'close') await endOpenClosure(r, current, 'refused', `line closed at the carrier: ${note}`, agent, now);
    }
    if (!(await r.afterSales.resolveTask(taskId, resolution, note, who.sub, now))) return alreadyResolved(task);
    await r.orders.insertEvents([requestEventRow(current, { action: 'carrier_task.resolved', reason: `task ${taskId} ${task.kind} ${resolution}${status ? ` (carrier: ${status})` : ''}: ${note}`, automatic: false }, agent, now)]);
    // Keeping our state of a line we poll: ask the carrier again, with a fresh count of polls.
    if (resolution === 'keep_ours' && POLLED_STATES.includes(current.state)) {
      await r.queue.deleteTimers([current.id], ['carrier_sync']);
      await r.queue.insertTimers([{ order_id: current.id, kind: 'carrier_sync', due_at: now + CARRIER_SYNC_AFTER_CLOSURE_MS, claimed_until: null, attempts: 0 }]);
    }
    return (await r.afterSales.getTask(taskId))!;
  });
}

const alreadyResolved = (t: CarrierTaskRow): DomainError =>
  fail('CARRIER_TASK.ALREADY_RESOLVED', 'This carrier task was already resolved.', { taskId: t.id, resolution: t.resolution, resolvedBy: t.resolved_by });
