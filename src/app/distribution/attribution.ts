// Who sold an order: a promotion code (?ref=) or the distributor's own open-API call. The order keeps the seller, the
// chain above it and the commission rule as they were at placement; later changes to the tree or the rule are for new orders.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { shares } from '../../domain/distribution/rules.ts';
import { chainOf, type Distributor } from '../../domain/distribution/tree.ts';
import { ruleFromText, type Attribution } from '../../adapters/store/distribution/distribution-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';

export type Source = { ref: string } | { distributorId: string };

export async function attributeOrder(r: Repos, order: Order, source: Source, now: number): Promise<Attribution | DomainError> {
  const byCode = 'ref' in source;
  const row = await r.distribution.sellerChain(byCode ? 'code' : 'id', byCode ? source.ref : source.distributorId, order.planId);
  if (!row) {
    return byCode
      ? fail('PROMOTION.NOT_FOUND', 'This promotion link is not known; check the link you followed.', { ref: source.ref })
      : fail('DISTRIBUTOR.NOT_FOUND', 'No such distributor.', { distributorId: source.distributorId });
  }
  if (byCode && row.plan_id && row.plan_id !== order.planId) {
    return fail('PROMOTION.PLAN_MISMATCH', 'This promotion link is for another plan.', { ref: source.ref, planId: row.plan_id });
  }
  const distributorId = row.s_id;
  const code = row.code;
  if (row.s_state !== 'active') return fail('DISTRIBUTOR.SUSPENDED', 'This distributor is suspended and cannot take orders.', { distributorId });
  const known = new Map<string, Pick<Distributor, 'id' | 'parentId' | 'level'>>([[row.s_id, { id: row.s_id, parentId: row.s_parent, level: row.s_level }]]);
  if (row.p_id) known.set(row.p_id, { id: row.p_id, parentId: row.p_parent, level: row.p_level! });
  if (row.g_id) known.set(row.g_id, { id: row.g_id, parentId: null, level: row.g_level! });
  const chain = chainOf(row.s_id, (id) => known.get(id));
  const rule = row.rule ? ruleFromText(row.rule) : null;
  const a: Attribution = {
    orderId: order.id, distributorId, promotionCode: code, channel: 'ref' in source ? 'link' : 'open_api',
    chain, rule, shares: rule ? shares(rule, chain) : [], createdAt: now,
  };
  await r.distribution.insertAttribution(a);
  return a;
}
