// The suppliers' endpoints the customer pages use: disclosure, the supplier's pool, holds, eligibility, ordering.
import { call, q, type Address, type Order, type Plan } from './api.ts';

export interface Disclosure {
  firstTopUp: { amountFen: number; withinDays: number; rule: string } | null;
  contractMonths: number;
  promotion: { months: number; feeFen: number; feeAfterFen: number } | null;
  deliveryRegions: string[];
  refusedRegions: string[];
  numberHome: { province: string; city: string } | 'delivery';
  freeCard: boolean;
}
export interface SupplierPlanView { plan: Plan; supplierId: string; disclosure: Disclosure; lines: string[] }
export interface PoolNumber { number: string; priceFen: number; vanity: { level: number; matched: { id: string; label: string }[] } }
export interface Hold { reservationId: string; number: string; priceFen: number; expiresAt: number }
export interface Refusal { code: string; field: 'residentId' | 'address' | 'contactPhone' | null; message: string }

export type SupplierState = 'submitted' | 'reviewing' | 'photos_needed' | 'awaiting_shipment' | 'shipped' | 'activated' | 'first_top_up' | 'rejected' | 'cancelled';
/** An order's life at its supplier, as its callbacks and polls reported it. */
export interface SupplierOrderView {
  orderId: string; orderState: string; supplierId: string; supplierOrderId: string | null; submission: string;
  supplierState: SupplierState | null; reason: string | null; waybill: string | null; iccid: string | null; producedNumber: string | null;
  activatedAt: number | null; firstTopUp: { required: Disclosure['firstTopUp']; paidFen: number | null; paidAt: number | null }; lines: string[];
}

export const suppliersApi = {
  plan: (planId: string) => call<SupplierPlanView>('GET', `/api/v1/suppliers/plans/${encodeURIComponent(planId)}`),
  pool: (planId: string, f: { tail?: string; contains?: string; limit: number }) =>
    call<{ numbers: PoolNumber[] }>('GET', `/api/v1/suppliers/plans/${encodeURIComponent(planId)}/numbers${q(f)}`),
  hold: (planId: string, number: string) => call<Hold>('POST', `/api/v1/suppliers/plans/${encodeURIComponent(planId)}/holds`, { area: 'customer', body: { number } }),
  eligibility: (planId: string, body: { residentId?: string; contactPhone?: string; address?: Address }) =>
    call<{ eligible: boolean; refusals: Refusal[] }>('POST', `/api/v1/suppliers/plans/${encodeURIComponent(planId)}/eligibility`, { area: 'customer', body }),
  order: (body: { planId: string; reservationId: string; contactName: string; contactPhone: string; residentId: string; address: Address; ref?: string }, key: string) =>
    call<Order>('POST', '/api/v1/suppliers/orders', { area: 'customer', body, key }),
  orderAtSupplier: (orderId: string) => call<SupplierOrderView>('GET', `/api/v1/suppliers/orders/${encodeURIComponent(orderId)}`, { area: 'customer' }),
};

/** Catalog sync names a supplier's plan `sp-<supplier>-<product>` (app/suppliers/catalog-sync.ts planIdFor). */
export const isSupplierPlan = (planId: string): boolean => planId.startsWith('sp-');

export interface SupplierPlanRow { planId: string; supplierId: string; supplierPlanId: string; state: 'new' | 'published' | 'withdrawn'; syncedAt: number; plan: Plan | null }
export interface BlacklistEntry { id: number; kind: 'resident_id' | 'phone' | 'address'; masked: string; note: string; created_by: string; created_at: number }
export interface BlacklistHit { id: number; entry_id: number; kind: string; plan_id: string; at: number }

/** The operators' side: sync and publish suppliers' plans, keep the blacklist. */
export const supplierDesk = {
  plans: () => call<{ plans: SupplierPlanRow[] }>('GET', '/api/v1/operator/suppliers/plans', { area: 'staff' }),
  sync: () => call<{ suppliers: { supplierId: string; added: string[]; changed: string[]; withdrawn: string[]; error?: string }[] }>('POST', '/api/v1/operator/suppliers/sync', { area: 'staff', body: {} }),
  publish: (planId: string, publish: boolean) => call<{ planId: string; state: string }>('POST', `/api/v1/operator/suppliers/plans/${encodeURIComponent(planId)}/publish`, { area: 'staff', body: { publish } }),
  blacklist: () => call<{ entries: BlacklistEntry[]; hits: BlacklistHit[] }>('GET', '/api/v1/operator/blacklist', { area: 'staff' }),
  addToBlacklist: (body: { kind: 'resident_id' | 'phone'; value: string; note: string }) => call<{ id: number }>('POST', '/api/v1/operator/blacklist', { area: 'staff', body }),
  removeFromBlacklist: (id: number) => call<{ id: number }>('POST', `/api/v1/operator/blacklist/${id}/remove`, { area: 'staff' }),
};
