// The operators' view of each distributor: orders, activation and first top-up rates, cancellation rate and reasons,
// commissions. A distributor whose customers cancel far more often than the platform's are flagged: its promotion
// likely promises what the card does not give.
import { BUCKETS } from '../../domain/distribution/ledger.ts';
import { farAbovePlatform } from '../../domain/distribution/flag.ts';
import type { Deps } from '../platform/deps.ts';

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
      flagged: farAbovePlatform(c.paid, cancellationRate, platformRate),
    });
  }
  return { platform: { paid: platform.paid, cancellationRate: platformRate }, distributors: out };
}
