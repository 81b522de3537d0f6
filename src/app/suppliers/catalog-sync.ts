// Catalog sync (`haoka suppliers sync` and the worker's schedule): the suppliers' products become our plans.
// A new product appears unpublished for an operator to publish; changed terms update the plan, which new orders
// take (placed orders keep their terms as sold, and their disclosure); a product the supplier no longer lists
// leaves sale at once.
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Plan } from '../../domain/order.ts';
import { disclosureChanged, type PlanDisclosure } from '../../domain/suppliers/disclosure.ts';
import type { Deps } from '../platform/deps.ts';
import type { SupplierPlan, SupplierPort } from './ports.ts';
import { syncRules } from './eligibility.ts';

export interface SyncSummary {
  supplierId: string;
  added: string[];
  changed: string[];
  withdrawn: string[];
  unchanged: number;
  error?: string;
}

/** Our plan id for a supplier's product: readable, unique per supplier, within the plans' 64 characters. */
export const planIdFor = (supplierId: string, supplierPlanId: string): string => `sp-${supplierId}-${supplierPlanId.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);

/** The terms a customer is sold, as the supplier states them: a change to any is a change of terms. */
const termsOf = (p: SupplierPlan) => JSON.stringify({ name: p.name, carrier: p.carrier, monthlyFeeFen: p.monthlyFeeFen, dataMb: p.dataMb, voiceMinutes: p.voiceMinutes, priceFen: p.priceFen });

function planFrom(id: string, p: SupplierPlan, active: boolean, kept?: Plan): Plan {
  return {
    id, carrier: p.carrier, name: p.name, monthlyFeeFen: p.monthlyFeeFen, dataMb: p.dataMb, voiceMinutes: p.voiceMinutes,
    contractMonths: p.disclosure.contractMonths, priceFen: p.priceFen, active,
    // Rules the supplier does not state stay the operator's (plan rules page); new plans start from the platform's defaults.
    activationWindowDays: kept?.activationWindowDays ?? 15, trialDays: kept?.trialDays ?? 0, penaltyRule: kept?.penaltyRule ?? { kind: 'fixed', fen: 0 },
  };
}

export async function syncSupplier(deps: Deps, port: SupplierPort): Promise<SyncSummary> {
  const out: SyncSummary = { supplierId: port.id, added: [], changed: [], withdrawn: [], unchanged: 0 };
  let catalog: SupplierPlan[];
  try {
    catalog = await port.catalog();
  } catch (e) {
    // A supplier that does not answer withdraws nothing: its plans stay as they were until it answers.
    deps.log.warn({ supplierId: port.id, err: String(e) }, 'supplier catalog unavailable');
    return { ...out, error: String(e) };
  }
  const now = deps.clock.now();
  await deps.store.tx(async (r) => {
    await r.lockKey(`supplier-sync:${port.id}`);
    const known = new Map((await r.suppliers.listPlans(port.id)).map((x) => [x.supplier_plan_id, x]));
    const listed = new Set<string>();
    for (const p of catalog) {
      listed.add(p.supplierPlanId);
      const row = known.get(p.supplierPlanId);
      const terms = termsOf(p);
      const disclosure = JSON.stringify(p.disclosure);
      if (!row) {
        const id = planIdFor(port.id, p.supplierPlanId);
        await r.orders.insertPlans([planFrom(id, p, false)], now);
        await r.suppliers.insertPlan({ plan_id: id, supplier_id: port.id, supplier_plan_id: p.supplierPlanId, terms, disclosure, state: 'new', synced_at: now, withdrawn_at: null });
        await syncRules(r, id, p, port.id, now);
        out.added.push(id);
        continue;
      }
      const back = row.state === 'withdrawn';
      const changed = row.terms !== terms || disclosureChanged(JSON.parse(row.disclosure) as PlanDisclosure, p.disclosure);
      await syncRules(r, row.plan_id, p, port.id, now);
      if (!changed && !back) {
        out.unchanged++;
        continue;
      }
      const current = await r.orders.getPlan(row.plan_id);
      // A product back on sale waits for the operator again; a changed one stays as published (or not).
      await r.orders.updatePlan(planFrom(row.plan_id, p, back ? false : (current?.active ?? false), current));
      await r.suppliers.updatePlan(row.plan_id, { terms, disclosure, synced_at: now, ...(back ? { state: 'new', withdrawn_at: null } : {}) });
      out.changed.push(row.plan_id);
    }
    for (const [supplierPlanId, row] of known) {
      if (listed.has(supplierPlanId) || row.state === 'withdrawn') continue;
      const current = await r.orders.getPlan(row.plan_id);
      if (current) await r.orders.updatePlan({ ...current, active: false });
      await r.suppliers.updatePlan(row.plan_id, { state: 'withdrawn', withdrawn_at: now, synced_at: now });
      out.withdrawn.push(row.plan_id);
    }
  });
  deps.log.info({ supplierId: port.id, added: out.added.length, changed: out.changed.length, withdrawn: out.withdrawn.length }, 'supplier catalog synced');
  return out;
}

/** Syncs every configured supplier, or the one named. */
export async function syncCatalogs(deps: Deps, supplierId?: string): Promise<SyncSummary[] | DomainError> {
  if (!deps.suppliers) return fail('SUPPLIER.NOT_FOUND', 'No supplier is configured.');
  if (supplierId) {
    const port = deps.suppliers.get(supplierId);
    return isError(port) ? port : [await syncSupplier(deps, port)];
  }
  const out: SyncSummary[] = [];
  for (const port of deps.suppliers.all()) out.push(await syncSupplier(deps, port));
  return out;
}

/** An operator puts a synced plan on sale; a plan the supplier withdrew cannot be. */
export async function publishPlan(deps: Deps, planId: string, publish: boolean): Promise<{ planId: string; state: string } | DomainError> {
  return deps.store.tx(async (r) => {
    const row = await r.suppliers.getPlan(planId);
    const plan = await r.orders.getPlan(planId);
    if (!row || !plan) return fail('PLAN.NOT_FOUND', 'No such supplier plan.', { planId });
    if (row.state === 'withdrawn' && publish) return fail('PLAN.NOT_FOUND', 'The supplier withdrew this plan; it cannot be put on sale.', { planId, state: row.state });
    await r.orders.updatePlan({ ...plan, active: publish });
    const state = publish ? 'published' : row.state === 'withdrawn' ? 'withdrawn' : 'new';
    await r.suppliers.updatePlan(planId, { state });
    return { planId, state };
  });
}

/**
 * The demo's first start: the fake supplier's catalog comes in through the same sync and is put on sale, as an operator
 * would publish it, so the storefront offers the supplier's plans (ordered through its pool, their disclosure shown
 * first) beside the platform's own. Later syncs bring new plans in unpublished, as in production; a store that already
 * holds supplier plans is left as it is (an operator may have taken some off sale).
 */
export async function seedSupplierPlans(deps: Deps): Promise<string[]> {
  if ((await deps.store.suppliers.listPlans()).length > 0) return [];
  const out = await syncCatalogs(deps);
  if (isError(out)) return [];
  const added = out.flatMap((s) => s.added);
  for (const id of added) await publishPlan(deps, id, true);
  return added;
}
