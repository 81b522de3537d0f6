// The distributor's own pages: sign-in, links, orders (customers masked), their cancellations with the reason and
// the step where each stopped, commissions by state and month, withdrawals.
import { fail, type DomainError } from '../../domain/errors.ts';
import { maskPhone } from '../../domain/resident-id.ts';
import { BUCKETS, lineState, type LineState } from '../../domain/distribution/ledger.ts';
import type { Deps } from '../platform/deps.ts';
import { checkPassword, DUMMY_PASSWORD_HASH } from '../platform/passwords.ts';
import { attemptKeys, forgetAttempts, takeAttempt } from '../platform/sign-in-attempts.ts';
import { TOKEN_TTL_MS } from '../platform/sign-in.ts';

export async function signInDistributor(deps: Deps, name: string, password: string, from: string): Promise<{ token: string; distributor: { id: string; name: string; level: number } } | DomainError> {
  const keys = attemptKeys(deps, 'password', `distributor:${name}`, from);
  const refused = await deps.store.tx((r) => takeAttempt(r, keys, deps.clock.now()));
  if (refused) return refused;
  const d = await deps.store.distribution.getDistributorByName(name);
  const ok = await checkPassword(password, d?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!d || !ok) return fail('AUTH.INVALID_CREDENTIALS', 'Wrong name or password.');
  if (d.state !== 'active') return fail('DISTRIBUTOR.SUSPENDED', 'This distributor is suspended.', { distributorId: d.id });
  await deps.store.tx((r) => forgetAttempts(r, keys));
  return { token: deps.secrets.sign({ sub: d.id, role: 'distributor', exp: deps.clock.now() + TOKEN_TTL_MS }), distributor: { id: d.id, name: d.name, level: d.level } };
}

const maskName = (n: string) => (n.length <= 1 ? '*' : `${n[0]}${'*'.repeat(Math.min(3, n.length - 1))}`);

/** A plan's link leads straight to that plan's order form (a supplier's plan: its number pool); a general one to the plans. */
export async function myLinks(deps: Deps, distributorId: string, base: string) {
  const names = new Map((await deps.store.orders.listPlans(false)).map((p) => [p.id, p.name]));
  const fromSuppliers = new Set((await deps.store.suppliers.listPlans()).map((p) => p.plan_id));
  const page = (planId: string) => `${fromSuppliers.has(planId) ? 'buy-from-supplier' : 'buy'}/${encodeURIComponent(planId)}`;
  return (await deps.store.distribution.listPromotionCodes(distributorId)).map((c) => ({
    code: c.code, planId: c.plan_id, planName: c.plan_id ? (names.get(c.plan_id) ?? c.plan_id) : null, url: `${base}/${c.plan_id ? page(c.plan_id) : ''}?ref=${encodeURIComponent(c.code)}`, createdAt: c.created_at,
  }));
}

export async function myOrders(deps: Deps, distributorId: string) {
  const atts = await deps.store.distribution.listAttributions(distributorId, 100);
  const entries = await deps.store.distribution.entriesOfOrders(atts.map((a) => a.orderId));
  const out = [];
  for (const a of atts) {
    const o = await deps.store.orders.getOrder(a.orderId);
    if (!o) continue;
    const mine = entries.filter((e) => e.orderId === a.orderId && e.distributorId === distributorId);
    out.push({
      id: o.id, planId: o.planId, state: o.state, closeReason: o.closeReason, amountFen: o.amountFen, channel: a.channel,
      customer: { name: maskName(o.contactName), phone: maskPhone(o.contactPhone) },
      commission: { amountFen: a.shares.find((s) => s.distributorId === distributorId)?.amountFen ?? 0, state: lineState(mine) },
      createdAt: o.createdAt,
    });
  }
  return out;
}

export const myCancellations = (deps: Deps, distributorId: string) => deps.store.distributionReports.endedOrders(distributorId, 100);

const BEIJING_MS = 8 * 3_600_000;
const monthOf = (t: number) => new Date(t + BEIJING_MS).toISOString().slice(0, 7);

/** Balances by state, and per Beijing month what was earned, made eligible, settled, taken back and paid out. */
export async function myCommissions(deps: Deps, distributorId: string) {
  const entries = await deps.store.distribution.entriesOfDistributor(distributorId);
  const balances = await deps.store.distribution.accountBalances(`distributor:${distributorId}:`);
  const months = new Map<string, Record<string, number>>();
  for (const e of entries) {
    const m = months.get(monthOf(e.at)) ?? { accruedFen: 0, eligibleFen: 0, settledFen: 0, takenBackFen: 0, paidOutFen: 0 };
    const key = { accrue: 'accruedFen', qualify: 'eligibleFen', settle: 'settledFen', void: 'takenBackFen', reverse: 'takenBackFen', clawback: 'takenBackFen', withdraw: 'paidOutFen' }[e.kind];
    m[key] = (m[key] ?? 0) + e.amountFen;
    months.set(monthOf(e.at), m);
  }
  const lines = new Map<string, LineState>();
  for (const id of new Set(entries.filter((e) => e.orderId).map((e) => e.orderId!))) lines.set(id, lineState(entries.filter((e) => e.orderId === id)));
  const byState: Record<string, number> = {};
  for (const s of lines.values()) byState[s] = (byState[s] ?? 0) + 1;
  return {
    balances: Object.fromEntries(BUCKETS.map((b) => [b, balances.get(`distributor:${distributorId}:${b}`) ?? 0])),
    ordersByState: byState,
    months: [...months].sort(([a], [b]) => b.localeCompare(a)).map(([month, m]) => ({ month, ...m })),
  };
}
