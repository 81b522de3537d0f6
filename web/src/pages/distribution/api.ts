// The distributor's session and its calls: a session of its own (a browser may hold a customer's too), and the
// `?ref=` code a customer arrived with, kept for the order placed in this visit.
import { useSyncExternalStore } from 'react';
import { ApiError, newKey } from '../../api.ts';

export interface DistributorSession { token: string; distributor: { id: string; name: string; level: number } }
const KEY = 'haoka.session.distributor';
const listeners = new Set<() => void>();
let cached: DistributorSession | null | undefined;

export function distributorSession(): DistributorSession | null {
  if (cached === undefined) {
    try {
      cached = JSON.parse(localStorage.getItem(KEY) ?? 'null') as DistributorSession | null;
    } catch {
      cached = null;
    }
  }
  return cached;
}

export function setDistributorSession(s: DistributorSession | null) {
  cached = s;
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function useDistributorSession(): DistributorSession | null {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, distributorSession);
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = distributorSession()?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = newKey();
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError('NETWORK', 0);
  }
  const data = (await res.json().catch(() => null)) as { error?: { code?: string; details?: Record<string, unknown> } } | null;
  if (res.ok) return data as T;
  const e = new ApiError(data?.error?.code ?? 'INTERNAL', res.status, data?.error?.details ?? {});
  if (e.code === 'AUTH.INVALID_TOKEN' || e.code === 'AUTH.REQUIRED') setDistributorSession(null);
  throw e;
}

export type LineState = 'none' | 'pending' | 'eligible' | 'settled' | 'voided' | 'reversed' | 'clawed_back';
export interface Link { code: string; planId: string | null; planName: string | null; url: string; createdAt: number }
export interface MyOrder {
  id: string; planId: string; state: string; closeReason: string | null; amountFen: number; channel: string;
  customer: { name: string; phone: string }; commission: { amountFen: number; state: LineState }; createdAt: number;
}
export interface Cancellation { orderId: string; state: string; closeReason: string | null; closedAt: number | null; fromState: string | null; reasonCode: string | null; reasonText: string | null }
export interface Commissions {
  balances: Record<'pending' | 'eligible' | 'settled' | 'paid_out', number>;
  ordersByState: Record<string, number>;
  months: { month: string; accruedFen: number; eligibleFen: number; settledFen: number; takenBackFen: number; paidOutFen: number }[];
}
export interface Withdrawal { id: string; amount_fen: number; state: 'requested' | 'paid' | 'rejected'; requested_at: number; decided_at: number | null; payout_ref: string | null; note: string | null }

export const distApi = {
  signIn: (name: string, password: string) => call<DistributorSession>('POST', '/api/v1/distributor/sign-in', { name, password }),
  links: () => call<{ links: Link[] }>('GET', '/api/v1/distributor/links'),
  orders: () => call<{ orders: MyOrder[] }>('GET', '/api/v1/distributor/orders'),
  cancellations: () => call<{ cancellations: Cancellation[] }>('GET', '/api/v1/distributor/cancellations'),
  commissions: () => call<Commissions>('GET', '/api/v1/distributor/commissions'),
  withdrawals: () => call<{ withdrawals: Withdrawal[] }>('GET', '/api/v1/distributor/withdrawals'),
  me: () => call<{ id: string; name: string; level: number; appKey: string; pushUrl: string | null }>('GET', '/api/v1/distributor/me'),
  setPushUrl: (pushUrl: string | null) => call<{ pushUrl: string | null }>('POST', '/api/v1/distributor/profile', { pushUrl }),
  withdraw: (amountFen: number) => call<Withdrawal>('POST', '/api/v1/distributor/withdrawals', { amountFen }),
};

const REF = 'haoka.ref';
/** A customer who arrived through `?ref=` keeps the code (and the plan it is for, if any) for this visit. */
export function rememberRef(query: URLSearchParams) {
  const ref = query.get('ref');
  if (!ref || !/^[A-Za-z0-9_-]{4,32}$/.test(ref)) return;
  // Only a code the server knows is kept: a mistyped link must not stop every order of the visit.
  void fetch(`/api/v1/promotion-codes/${encodeURIComponent(ref)}`).then(async (r) => {
    if (r.ok) sessionStorage.setItem(REF, JSON.stringify(await r.json() as { code: string; planId: string | null }));
  }, () => undefined);
}
/** The code to send with an order of `planId`: a link for one plan does not follow the customer to another. */
export const withRef = (planId: string): { ref?: string } => {
  try {
    const kept = JSON.parse(sessionStorage.getItem(REF) ?? 'null') as { code: string; planId: string | null } | null;
    return kept && (kept.planId === null || kept.planId === planId) ? { ref: kept.code } : {};
  } catch {
    return {};
  }
};
