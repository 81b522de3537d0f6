// The distributor tree (代理 invites sub-distributors), at most three levels deep.

export const MAX_LEVELS = 3;

export type DistributorState = 'active' | 'suspended';

export interface Distributor {
  id: string;
  name: string;
  /** Who invited this distributor; null at the top of the tree. */
  parentId: string | null;
  /** 1 at the top, 2 for a distributor invited by a top one, 3 below that. */
  level: number;
  state: DistributorState;
  createdAt: number;
}

/** One member of an order's chain: the seller first, then each distributor above it, as they were at placement. */
export interface ChainLink {
  distributorId: string;
  level: number;
}

/** The level a new distributor takes under `parent`, or null when the tree would grow deeper than three levels. */
export function levelUnder(parent: Pick<Distributor, 'level'> | null): number | null {
  const level = parent ? parent.level + 1 : 1;
  return level > MAX_LEVELS ? null : level;
}

/** The chain of `sellerId` upwards through `byId`; the seller first. */
export function chainOf(sellerId: string, byId: (id: string) => Pick<Distributor, 'id' | 'parentId' | 'level'> | undefined): ChainLink[] {
  const chain: ChainLink[] = [];
  let cur = byId(sellerId);
  while (cur && chain.length < MAX_LEVELS) {
    chain.push({ distributorId: cur.id, level: cur.level });
    cur = cur.parentId ? byId(cur.parentId) : undefined;
  }
  return chain;
}
