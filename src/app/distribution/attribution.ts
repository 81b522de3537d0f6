// Who sold an order: a promotion code (?ref=) or the distributor's own open-API call. The order keeps the seller, the
// chain above it and the commission rule as they were at placement; later changes to the tree or the rule are for new orders.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { Order } from '../../domain/order.ts';
import { shares } from '../../domain/distribution/rules.ts';
import { chainOf, type Distributor } from '../../domain/distribution/tree.ts';
import { toDistributor, type Attribution } from '../../adapters/store/distribution/distribution-repo.ts';
import type { Repos } from '../../adapters/store/store.ts';

export type Source = { ref: string } | { distributorId: string };

export async function attributeOrder(r: Repos, order: Order, source: Source, now: number): Promise<Attribution | DomainError> {
  let distributorId: string;
  let code: string | null = null;
  if ('ref' in source) {
    const promo = await r.distribution.getPromotionCode(source.ref);
    if (!promo) return fail('PROMOTION.NOT_FOUND', 'This promotion link is not known; check the link you followed.', { ref: source.ref });
    if (promo.plan_id && promo.plan_id !== order.planId) {
      return fail('PROMOTION.PLAN_MISMATCH', 'This promotion link is for another plan.', { ref: source.ref, planId: promo.plan_id });
    }
    distributorId = promo.distributor_id;
    code = promo.code;
  } else distributorId = source.distributorId;
  const seller = await r.distribution.getDistributor(distributorId);
  if (!seller) return fail('DISTRIBUTOR.NOT_FOUND', 'No such distributor.', { distributorId });
  if (seller.state !== 'active') return fail('DISTRIBUTOR.SUSPENDED', 'This distributor is suspended and cannot take orders.', { distributorId });
  const known = new Map<string, Distributor>([[seller.id, toDistributor(seller)]]);
  for (let cur = known.get(seller.id)!; cur.parentId && !known.has(cur.parentId);) {
    const p = await r.distribution.getDistributor(cur.parentId);
    if (!p) break;
    cur = toDistributor(p);
    known.set(cur.id, cur);
  }
  const chain = chainOf(seller.id, (id) => known.get(id));
  const rule = await r.distribution.getRule(order.planId);
  const a: Attribution = {
    orderId: order.id, distributorId, promotionCode: code, channel: 'ref' in source ? 'link' : 'open_api',
    chain, rule, shares: rule ? shares(rule, chain) : [], createdAt: now,
  };
  await r.distribution.insertAttribution(a);
  return a;
}
