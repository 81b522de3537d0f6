// The worker's periodic distribution chores: commissions whose days in service have passed become eligible without
// any event on their order, and open-API nonces older than the freshness window are forgotten (such a call is
// refused for its timestamp anyway).
import type { Deps } from '../platform/deps.ts';
import { accrueCommissions } from './settlement.ts';
import { FRESHNESS_MS } from './signature.ts';

export async function distributionUpkeep(deps: Deps): Promise<void> {
  await accrueCommissions(deps);
  await deps.store.exchanges.forgetNonces(deps.clock.now() - 2 * FRESHNESS_MS);
}
