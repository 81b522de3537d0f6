// Eligibility before payment: the plan's rules (from its supplier at sync, or an operator's, every change logged)
// against what the customer typed, as they type and again on the server when the order is placed. The blacklist
// holds keyed hashes only; every hit is kept.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { Address } from '../../domain/order.ts';
import { isValidResidentId, maskResidentId, normaliseResidentId } from '../../domain/resident-id.ts';
import type { PlanDisclosure } from '../../domain/suppliers/disclosure.ts';
import { checkEligibility, checkRules, DEFAULT_RULES, type EligibilityRules, type Refusal } from '../../domain/suppliers/eligibility.ts';
import type { Repos } from '../../adapters/store/store.ts';
import type { Deps } from '../platform/deps.ts';
import type { SupplierPlan } from './ports.ts';

const DAY = 86_400_000;

/** The rules a supplier's plan states: its age band and refused regions over the platform's defaults. */
export const supplierRules = (p: SupplierPlan): EligibilityRules => ({
  ...DEFAULT_RULES, age: p.ageBand ?? DEFAULT_RULES.age, refusedRegions: p.disclosure.refusedRegions,
});

/** At sync: the supplier's rules replace earlier supplier rules, never an operator's edit. */
export async function syncRules(r: Repos, planId: string, p: SupplierPlan, supplierId: string, now: number): Promise<void> {
  const kept = await r.eligibility.getRules(planId);
  if (kept && kept.source === 'operator') return;
  await r.eligibility.putRules(planId, JSON.stringify(supplierRules(p)), 'supplier', `supplier:${supplierId}`, now);
}

export async function rulesFor(r: Repos, planId: string): Promise<EligibilityRules> {
  const kept = await r.eligibility.getRules(planId);
  if (kept) return JSON.parse(kept.rules) as EligibilityRules;
  const sp = await r.suppliers.getPlan(planId);
  const refused = sp ? (JSON.parse(sp.disclosure) as PlanDisclosure).refusedRegions : [];
  return { ...DEFAULT_RULES, refusedRegions: refused };
}

export async function setRules(deps: Deps, planId: string, rules: EligibilityRules, by: string): Promise<EligibilityRules | DomainError> {
  const bad = checkRules(rules);
  if (bad) return bad;
  if (!(await deps.store.orders.getPlan(planId))) return fail('PLAN.NOT_FOUND', 'No such plan.', { planId });
  const clean: EligibilityRules = { age: rules.age, refusedRegions: rules.refusedRegions, refusePickupPoints: rules.refusePickupPoints, onePerIdDays: rules.onePerIdDays };
  await deps.store.tx((r) => r.eligibility.putRules(planId, JSON.stringify(clean), 'operator', by, deps.clock.now()));
  return clean;
}

export interface EligibilityInput {
  planId: string;
  customerId: string | null;
  residentId?: string | null;
  contactPhone?: string | null;
  address?: Address | null;
}

const addressKey = (a: Address) => `${a.province}|${a.city}|${a.district}|${a.detail}`.replace(/\s+/g, '').toLowerCase();

/** Every refusal for what was typed so far (a field left empty is not judged yet); blacklist hits are kept. */
export async function evaluate(deps: Deps, input: EligibilityInput): Promise<Refusal[] | DomainError> {
  const plan = await deps.store.orders.getPlan(input.planId);
  if (!plan) return fail('PLAN.NOT_FOUND', 'No such plan.', { planId: input.planId });
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  const rules = await rulesFor(deps.store, input.planId);
  const id = input.residentId ? normaliseResidentId(input.residentId) : null;
  const idOk = id !== null && isValidResidentId(id);
  const idHash = idOk ? deps.secrets.hash('resident-id', id) : null;
  const hashes: { kind: string; hash: string }[] = [];
  if (idHash) hashes.push({ kind: 'resident_id', hash: idHash });
  if (input.contactPhone) hashes.push({ kind: 'phone', hash: deps.secrets.hash('blacklist-phone', input.contactPhone) });
  if (input.address) hashes.push({ kind: 'address', hash: deps.secrets.hash('blacklist-address', addressKey(input.address)) });
  const hits = await deps.store.eligibility.matches(hashes);
  if (hits.length) {
    await deps.store.tx(async (r) => {
      for (const e of hits) await r.eligibility.recordHit({ entry_id: e.id, kind: e.kind, plan_id: input.planId, customer_id: input.customerId, at: now });
    });
    deps.log.warn({ planId: input.planId, kinds: hits.map((h) => h.kind) }, 'blacklist hit');
  }
  return checkEligibility(rules, {
    residentId: idOk ? id : null,
    address: input.address ?? null,
    now,
    recentOrders: idHash && rules.onePerIdDays > 0 ? await deps.store.eligibility.recentOrders(idHash, plan.carrier, now - rules.onePerIdDays * DAY) : 0,
    liveCards: idHash ? await deps.store.orders.countLiveOrders(idHash, plan.carrier) : 0,
    cardLimit: settings.realNameLimitPerCarrier,
    blacklisted: hits.map((h) => h.kind as 'resident_id' | 'phone' | 'address'),
  });
}

// ---- the blacklist, for operators
export type BlacklistKind = 'resident_id' | 'phone' | 'address';

export async function addToBlacklist(deps: Deps, input: { kind: BlacklistKind; value: string | Address; note: string }, by: string): Promise<{ id: number; kind: BlacklistKind; masked: string } | DomainError> {
  let hash: string;
  let masked: string;
  if (input.kind === 'resident_id') {
    const id = normaliseResidentId(String(input.value));
    if (!isValidResidentId(id)) return fail('CUSTOMER.INVALID_RESIDENT_ID', 'The resident ID number is not valid.', { field: 'value' });
    hash = deps.secrets.hash('resident-id', id);
    masked = maskResidentId(id);
  } else if (input.kind === 'phone') {
    const phone = String(input.value);
    if (!/^1\d{10}$/.test(phone)) return fail('REQUEST.INVALID', 'A mobile number is 11 digits starting with 1.', { field: 'value' });
    hash = deps.secrets.hash('blacklist-phone', phone);
    masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  } else {
    if (typeof input.value !== 'object') return fail('REQUEST.INVALID', 'An address has province, city, district and detail.', { field: 'value' });
    hash = deps.secrets.hash('blacklist-address', addressKey(input.value));
    masked = `${input.value.province}${input.value.city}${input.value.district}***`;
  }
  const id = await deps.store.tx((r) => r.eligibility.addEntry({ kind: input.kind, value_hash: hash, masked, note: input.note, created_by: by, created_at: deps.clock.now() }));
  return { id, kind: input.kind, masked };
}

export async function removeFromBlacklist(deps: Deps, id: number): Promise<{ id: number } | DomainError> {
  const ok = await deps.store.tx((r) => r.eligibility.removeEntry(id, deps.clock.now()));
  return ok ? { id } : fail('BLACKLIST.NOT_FOUND', 'No such entry on the blacklist.', { id });
}
