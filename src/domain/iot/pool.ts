// Traffic pools (流量池): a business's cards sharing data. The pool's monthly quota is the sum of its members'
// quotas; the carrier's usage feed fills it; alerts at 80 % and 100 %; over quota, data stops or each GB started
// over it costs the pool's overage fee. Pure.

export const OVER_QUOTA_ACTIONS = ['stop', 'overage_fee'] as const;
export type OverQuotaAction = (typeof OVER_QUOTA_ACTIONS)[number];

export interface PoolMember {
  cardId: string;
  quotaMb: number;
  monthlyFeeFen: number;
}

export interface PoolFigures {
  members: number;
  quotaMb: number;
  monthlyFeeFen: number;
}

export const poolFigures = (members: readonly PoolMember[]): PoolFigures => ({
  members: members.length,
  quotaMb: members.reduce((s, m) => s + m.quotaMb, 0),
  monthlyFeeFen: members.reduce((s, m) => s + m.monthlyFeeFen, 0),
});

/** The pool before and after some cards leave it (a cancellation's preview shows both). */
export function poolAfterRemovals(members: readonly PoolMember[], removed: ReadonlySet<string>): { before: PoolFigures; after: PoolFigures; removed: number } {
  const staying = members.filter((m) => !removed.has(m.cardId));
  return { before: poolFigures(members), after: poolFigures(staying), removed: members.length - staying.length };
}

export const ALERT_LEVELS = [80, 100] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** The alert levels reached by `usedMb` of `quotaMb` (a pool with no quota left is at 100 %). */
export function alertLevelsReached(usedMb: number, quotaMb: number): AlertLevel[] {
  return ALERT_LEVELS.filter((level) => (quotaMb <= 0 ? usedMb > 0 || level === 100 : usedMb * 100 >= quotaMb * level));
}

const MB_PER_GB = 1024;

/** What the month's use over quota costs: every GB started over the quota at the pool's fee. */
export function overageFen(usedMb: number, quotaMb: number, feePerGbFen: number): { overMb: number; billedGb: number; feeFen: number } {
  const overMb = Math.max(0, usedMb - quotaMb);
  const billedGb = Math.ceil(overMb / MB_PER_GB);
  return { overMb, billedGb, feeFen: billedGb * feePerGbFen };
}

/** Whether the pool's cards have their data stopped: only a pool set to stop, once its use reached the quota. */
export const dataStopped = (action: OverQuotaAction, usedMb: number, quotaMb: number): boolean => action === 'stop' && usedMb >= quotaMb;
