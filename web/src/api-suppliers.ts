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

export const suppliersApi = {
  plan: (planId: string) => call<SupplierPlanView>('GET', `/api/v1/suppliers/plans/${encodeURIComponent(planId)}`),
  pool: (planId: string, f: { tail?: string; contains?: string; limit: number }) =>
    call<{ numbers: PoolNumber[] }>('GET', `/api/v1/suppliers/plans/${encodeURIComponent(planId)}/numbers${q(f)}`),
  hold: (planId: string, number: string) => call<Hold>('POST', `/api/v1/suppliers/plans/${encodeURIComponent(planId)}/holds`, { area: 'customer', body: { number } }),
  eligibility: (planId: string, body: { residentId?: string; contactPhone?: string; address?: Address }) =>
    call<{ eligible: boolean; refusals: Refusal[] }>('POST', `/api/v1/suppliers/plans/${encodeURIComponent(planId)}/eligibility`, { area: 'customer', body }),
  order: (body: { planId: string; reservationId: string; contactName: string; contactPhone: string; residentId: string; address: Address }, key: string) =>
    call<Order>('POST', '/api/v1/suppliers/orders', { area: 'customer', body, key }),
};
