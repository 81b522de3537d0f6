// Differences with a channel's bill that no rule settles (an amount that differs, a number we never issued, a
// refund we hold as failed that the channel paid): an operator looks at the channel's console and our records,
// does what is right, and resolves the item with a note. Who resolved it and when is kept on the item and in
// the order's audit trail.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { ReconciliationItemRow } from '../../adapters/store/reconciliation-repo.ts';
import type { Principal } from '../platform/secrets.ts';
import { inTx, type Deps } from '../platform/deps.ts';

export async function resolveReconciliationItem(deps: Deps, id: number, note: string, by: Principal): Promise<ReconciliationItemRow | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const item = await r.reconciliation.getItem(id);
    if (!item) return fail('RECONCILIATION.ITEM_NOT_FOUND', 'No such reconciliation item.', { id });
    if (!(await r.reconciliation.resolveItem(id, by.sub, note, now))) {
      return fail('RECONCILIATION.ITEM_RESOLVED', 'This item was already resolved.', { id, resolvedBy: item.resolved_by });
    }
    const order = item.order_id ? await r.orders.getOrder(item.order_id) : null;
    if (order) {
      await r.orders.insertEvents([{
        order_id: order.id, actor_type: 'agent', actor_id: by.sub, action: 'reconciliation.item_resolved', from_state: order.state, to_state: order.state,
        reason: `${item.channel} ${item.kind} ${item.subject}: ${note}`, automatic: 0, at: now,
      }]);
    }
    return (await r.reconciliation.getItem(id))!;
  });
}
