// Operators run the distributor tree: accounts, promotion codes, commission rules with their change log, and the
// line facts the carrier reports that commissions wait on (the first top-up).
import { randomBytes } from 'node:crypto';
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { validateRule, type CommissionRule } from '../../domain/distribution/rules.ts';
import { levelUnder } from '../../domain/distribution/tree.ts';
import { hashPassword } from '../platform/passwords.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { adjustOrderCommissions } from './commissions.ts';
import { APP_SECRET_PURPOSE } from './signature.ts';

export interface NewDistributor { name: string; password: string; parentId?: string | null; pushUrl?: string | null }

/** A distributor account; its app key and secret sign its open-API calls and the push-backs it receives. */
export async function createDistributor(deps: Deps, input: NewDistributor): Promise<{ id: string; level: number; appKey: string; appSecret: string } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    if (await r.distribution.getDistributorByName(input.name)) return fail('DISTRIBUTOR.NAME_TAKEN', 'A distributor of this name exists.', { name: input.name });
    const parent = input.parentId ? await r.distribution.getDistributor(input.parentId) : null;
    if (input.parentId && !parent) return fail('DISTRIBUTOR.NOT_FOUND', 'No such parent distributor.', { distributorId: input.parentId });
    const level = levelUnder(parent ?? null);
    if (level === null) return fail('DISTRIBUTOR.TOO_DEEP', 'The distributor tree has at most three levels.', { parentId: input.parentId });
    const id = newId('DS', now);
    const appKey = `ak_${randomBytes(9).toString('base64url')}`;
    const appSecret = randomBytes(24).toString('base64url');
    await r.distribution.insertDistributor({
      id, name: input.name, parent_id: parent?.id ?? null, level, state: 'active', password_hash: hashPassword(input.password),
      app_key: appKey, app_secret: deps.secrets.seal(APP_SECRET_PURPOSE, appSecret), push_url: input.pushUrl ?? null, created_at: now,
    });
    return { id, level, appKey, appSecret };
  });
}

export async function setDistributorState(deps: Deps, id: string, state: 'active' | 'suspended'): Promise<{ id: string; state: string } | DomainError> {
  return inTx(deps.store, async (r) => {
    if (!(await r.distribution.getDistributor(id))) return fail('DISTRIBUTOR.NOT_FOUND', 'No such distributor.', { distributorId: id });
    await r.distribution.updateDistributor(id, { state });
    return { id, state };
  });
}

/** The distributor's own push-back URL (订单回传); null stops the pushes. */
export async function setPushUrl(deps: Deps, id: string, pushUrl: string | null): Promise<{ id: string; pushUrl: string | null } | DomainError> {
  if (pushUrl !== null && !/^https?:\/\//.test(pushUrl)) return fail('REQUEST.INVALID', 'The push-back URL is an http or https address.', { field: 'pushUrl' });
  return inTx(deps.store, async (r) => {
    if (!(await r.distribution.getDistributor(id))) return fail('DISTRIBUTOR.NOT_FOUND', 'No such distributor.', { distributorId: id });
    await r.distribution.updateDistributor(id, { push_url: pushUrl });
    return { id, pushUrl };
  });
}

/** A promotion code for a `?ref=` link: for one plan, or general (any plan). */
export async function createPromotionCode(deps: Deps, distributorId: string, planId: string | null): Promise<{ code: string; planId: string | null } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const d = await r.distribution.getDistributor(distributorId);
    if (!d) return fail('DISTRIBUTOR.NOT_FOUND', 'No such distributor.', { distributorId });
    if (planId && !(await r.orders.getPlan(planId))) return fail('PLAN.NOT_FOUND', 'No such plan.', { planId });
    const code = randomBytes(6).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x');
    await r.distribution.insertPromotionCode(code, distributorId, planId, now);
    return { code, planId };
  });
}

/** An operator sets a plan's commission rule; the change log keeps before and after. It applies to orders placed from now. */
export async function putCommissionRule(deps: Deps, planId: string, input: unknown, by: string): Promise<{ planId: string; rule: CommissionRule; changed: boolean } | DomainError> {
  const rule = validateRule(input);
  if (isError(rule)) return rule;
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    if (!(await r.orders.getPlan(planId))) return fail('PLAN.NOT_FOUND', 'No such plan.', { planId });
    await r.lockKey(`commission-rule:${planId}`);
    return { planId, rule, changed: await r.distribution.putRule(planId, rule, by, now) };
  });
}

/** The carrier's report of a line's first top-up (首充); later top-ups do not count. Commissions follow at once. */
export async function recordTopUp(deps: Deps, orderId: string, amountFen: number, at: number): Promise<{ orderId: string; first: boolean } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    if (order.activatedAt === null) return fail('ORDER.INVALID_TRANSITION', 'A line is topped up only once activated.', { orderId, state: order.state });
    const first = await r.distribution.recordFirstTopUp(orderId, amountFen, at);
    await adjustOrderCommissions(r, order, now);
    return { orderId, first };
  });
}

/** `haoka rotate-secret`: app secrets sealed under an older key are sealed again under the current one. */
export async function resealAppSecrets(deps: Pick<Deps, 'store' | 'secrets'>): Promise<number> {
  const prefix = deps.secrets.currentSealPrefix();
  let n = 0;
  for (const d of await deps.store.distribution.listDistributors()) {
    if (d.app_secret.startsWith(prefix)) continue;
    await deps.store.distribution.replaceAppSecret(d.id, d.app_secret, deps.secrets.reseal(APP_SECRET_PURPOSE, d.app_secret));
    n++;
  }
  return n;
}
