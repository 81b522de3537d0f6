// The facts the express-refund and priority-channel policies read, loaded in the caller's transaction.
import type { RiskFacts } from '../../domain/policies/express-refund.ts';
import type { Order } from '../../domain/order.ts';
import { PRIORITY_WINDOW_MS } from '../../domain/settings.ts';
import type { Repos } from '../../adapters/store/store.ts';

export async function loadRiskFacts(r: Repos, order: Pick<Order, 'id' | 'customerId'>, now: number): Promise<RiskFacts> {
  const [recentCancellations, refundFailures, flagged] = await Promise.all([
    r.requests.countOwnCancellations(order.customerId, now - PRIORITY_WINDOW_MS),
    r.requests.countRefundFailures(order.customerId),
    r.requests.isFlagged(order.customerId, order.id),
  ]);
  return { recentCancellations, refundFailures, flagged };
}
