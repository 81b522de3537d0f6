// The operators' view of each distributor: orders, activation and first top-up rates, cancellation rate and reasons,
// commissions. A distributor whose customers cancel far more often than the platform's are flagged: its promotion
// likely promises what the card does not give.
import { BUCKETS } from '../../domain/distribution/ledger.ts';
import type { Deps } from '../platform/deps.ts';

/** Flagged: at least this many paid orders, and a cancellation rate over this multiple of the platform's (and 10 points above it). */
export const FLAG_MIN_PAID = 5;
export const FLAG_MULTIPLE = 2;

const rate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 1000);

export async function distributorStats(deps: Deps) {
  const reports = deps.store.distributionReports;
  const [all, counts, platform] = [await deps.store.distribution.listDistributors(), await reports.counts(), await reports.platformCancellation()];
  const platformRate = rate(platform.cancelled, platform.paid);
  const byId = new Map(counts.map((c) => [c.distributorId, c]));
  const balances = await deps.store.distribution.accountBalances('distributor:');
  const out = [];
  for (const d of all) {
    const c = byId.get(d.id) ?? { orders: 0, paid: 0, activated: 0, toppedUp: 0, cancelledAfterPaying: 0, cancelled: 0 };
    const cancellationRate = rate(c.cancelledAfterPaying, c.paid);
    out.push({
      id: d.id, name: d.name, level: d.level, parentId: d.parent_id, state: d.state,
      orders: c.orders, paid: c.paid,
      activationRate: rate(c.activated, c.paid), firstTopUpRate: rate(c.toppedUp, c.activated), cancellationRate,
      reasons: c.cancelled > 0 ? await reports.reasons(d.id) : [],
      commissions: Object.fromEntries(BUCKETS.map((b) => [b, balances.get(`distributor:${d.id}:${b}`) ?? 0])),
      flagged: c.paid >= FLAG_MIN_PAID && cancellationRate > platformRate * FLAG_MULTIPLE && cancellationRate - platformRate >= 0.1,
    });
  }
  return { platform: { paid: platform.paid, cancellationRate: platformRate }, distributors: out };
}
