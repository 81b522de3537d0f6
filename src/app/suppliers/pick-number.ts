// Number picking from a supplier's pool: search (digits anywhere, tail, vanity level), then a short hold at the
// supplier. The hold is ours to release: when its order closes, or when nobody placed an order in time.
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { Carrier } from '../../domain/order.ts';
import { vanityOf, type Vanity } from '../../domain/suppliers/vanity.ts';
import { newId, type Deps } from '../platform/deps.ts';
import type { SupplierPort } from './ports.ts';
import { vanityRules } from './vanity-rules.ts';

export interface PoolEntry {
  number: string;
  carrier: Carrier;
  province: string;
  city: string;
  vanity: Vanity;
  /** What the number adds to the order: its vanity price by our rules (never a supplier's bare flag). */
  priceFen: number;
}

async function supplierOf(deps: Deps, planId: string): Promise<{ port: SupplierPort; supplierPlanId: string; carrier: Carrier } | DomainError> {
  const row = await deps.store.suppliers.getPlan(planId);
  const plan = await deps.store.orders.getPlan(planId);
  if (!row || !plan || !plan.active || row.state === 'withdrawn') return fail('PLAN.NOT_FOUND', 'No such plan is on sale.', { planId });
  if (!deps.suppliers) return fail('SUPPLIER.NOT_FOUND', 'No supplier is configured.', { supplierId: row.supplier_id });
  const port = deps.suppliers.get(row.supplier_id);
  return isError(port) ? port : { port, supplierPlanId: row.supplier_plan_id, carrier: plan.carrier };
}

export async function searchPool(deps: Deps, planId: string, q: { contains?: string; tail?: string; minLevel?: number; limit: number }): Promise<PoolEntry[] | DomainError> {
  const s = await supplierOf(deps, planId);
  if (isError(s)) return s;
  const rules = await vanityRules(deps.store);
  let found;
  try {
    // A vanity filter reads more of the pool, since most numbers are plain.
    found = await s.port.searchNumbers({ supplierPlanId: s.supplierPlanId, ...(q.contains ? { contains: q.contains } : {}), ...(q.tail ? { tail: q.tail } : {}), limit: q.minLevel ? 100 : q.limit });
  } catch (e) {
    return fail('SUPPLIER.UNAVAILABLE', 'The supplier\u2019s number pool does not answer; try again shortly.', { supplierId: s.port.id, error: String(e) });
  }
  return found
    .map((n) => {
      const vanity = vanityOf(n.number, rules);
      return { number: n.number, carrier: s.carrier, province: n.province, city: n.city, vanity, priceFen: vanity.priceFen };
    })
    .filter((n) => n.vanity.level >= (q.minLevel ?? 0))
    .sort((a, b) => b.vanity.level - a.vanity.level || a.number.localeCompare(b.number))
    .slice(0, q.limit);
}

export interface Hold {
  reservationId: string;
  planId: string;
  number: string;
  priceFen: number;
  vanity: Vanity;
  expiresAt: number;
}

/** Holds a number at the supplier; our hold id is the idempotency key the supplier receives. */
export async function reserveNumber(deps: Deps, planId: string, number: string): Promise<Hold | DomainError> {
  if (!/^1\d{10}$/.test(number)) return fail('NUMBER.NOT_FOUND', 'A mobile number is 11 digits starting with 1.', { number });
  const s = await supplierOf(deps, planId);
  if (isError(s)) return s;
  const now = deps.clock.now();
  const id = newId('SR', now);
  let answer;
  try {
    answer = await s.port.reserve({ reserveNo: id, supplierPlanId: s.supplierPlanId, number });
  } catch (e) {
    return fail('SUPPLIER.UNAVAILABLE', 'The supplier does not answer; try again shortly.', { supplierId: s.port.id, error: String(e) });
  }
  if (answer.status === 'unavailable') return fail('SUPPLIER.NUMBER_UNAVAILABLE', 'This number has just been taken; please choose another.', { number, supplierSays: answer.reason });
  if (answer.status === 'failed') return fail('SUPPLIER.UNAVAILABLE', 'The supplier could not hold the number; try again shortly.', { number, error: answer.error });
  await deps.store.tx((r) => r.suppliers.insertReservation({
    id, supplier_id: s.port.id, plan_id: planId, number, reservation_id: answer.reservationId, expires_at: answer.expiresAt, order_id: null, state: 'held', created_at: now, released_at: null,
  }));
  const vanity = vanityOf(number, await vanityRules(deps.store));
  return { reservationId: id, planId, number, priceFen: vanity.priceFen, vanity, expiresAt: answer.expiresAt };
}

/** Gives back holds nobody used in time, and those of orders that closed before reaching the supplier. */
export async function releaseHolds(deps: Deps, limit = 50): Promise<number> {
  if (!deps.suppliers) return 0;
  const now = deps.clock.now();
  let released = 0;
  for (const h of await deps.store.suppliers.releasableReservations(now, limit)) {
    const port = deps.suppliers.get(h.supplier_id);
    if (isError(port)) continue;
    // A hold past its end is already free at the supplier: nothing to ask.
    if (h.expires_at > now) {
      const a = await port.release({ reservationId: h.reservation_id, number: h.number }).catch((e: unknown) => ({ status: 'failed' as const, error: String(e) }));
      if (a.status !== 'released') {
        deps.log.warn({ supplierId: h.supplier_id, reservationId: h.id, error: a.error }, 'supplier hold not released; tried again later');
        continue;
      }
    }
    await deps.store.tx((r) => r.suppliers.setReservationState(h.id, 'released', now));
    released++;
  }
  return released;
}
