// The business console's talk with the server: its own session (a business's staff sign in apart from customers and
// the platform's staff), the same JSON, bearer token and idempotency key per action as the other pages.
import { useSyncExternalStore } from 'react';
import { ApiError, newKey, type OrderState } from '../../api.ts';

export interface IotSession { token: string; staff: { id: string; username: string; displayName: string; role: 'buyer' | 'viewer'; businessId: string } }

const KEY = 'haoka.session.iot';
const listeners = new Set<() => void>();
let cached: IotSession | null | undefined;

function read(): IotSession | null {
  if (cached === undefined) {
    try {
      cached = JSON.parse(localStorage.getItem(KEY) ?? 'null') as IotSession | null;
    } catch {
      cached = null;
    }
  }
  return cached;
}

export const iotSession = {
  get: read,
  set(s: IotSession | null) {
    cached = s;
    if (s) localStorage.setItem(KEY, JSON.stringify(s));
    else localStorage.removeItem(KEY);
    for (const l of listeners) l();
  },
};

export const useIotSession = () => useSyncExternalStore((l) => {
  listeners.add(l);
  return () => listeners.delete(l);
}, read);

export async function iotCall<T>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = read()?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = key ?? newKey();
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError('NETWORK', 0);
  }
  const text = await res.text();
  if (res.ok && !(res.headers.get('content-type') ?? '').includes('json')) return text as T;
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError('INTERNAL', res.status);
  }
  if (res.ok) return data as T;
  const err = (data as { error?: { code?: string; details?: Record<string, unknown> } } | null)?.error;
  const e = new ApiError(err?.code ?? 'INTERNAL', res.status, err?.details ?? {});
  if (e.code === 'AUTH.INVALID_TOKEN' || e.code === 'AUTH.REQUIRED') iotSession.set(null);
  throw e;
}

export interface IotPlan { id: string; carrier: string; name: string; quotaMb: number; monthlyFeeFen: number; contractMonths: number; cardFeeFen: number; activationWindowDays: number }
export interface Batch {
  id: string; planId: string; quantity: number; grossFen: number; discountPercent: number; amountFen: number;
  paymentMethod: 'alipay' | 'wechat' | 'bank' | 'bank_transfer'; state: string; paymentDeadline: number; paidAt: number | null; createdAt: number; cards: Record<string, number>;
}
export interface Card {
  id: string; batchId: string; seq: number; iccid: string; msisdn: string; state: OrderState; shareFen: number; quotaMb: number; trackingNo: string | null;
  activatedAt: number | null; closeReason: string | null; penaltyFen: number | null; pendingReturn: string | null; poolId: string | null; dataStopped: boolean;
}
export interface Job { id: string; kind: 'activation' | 'cancellation'; state: string; batchId: string | null; total: number; done: number; failed: number; percent: number; createdAt: number; finishedAt: number | null }
export interface JobDetail extends Job { items: { iccid: string; route: string; outcome: string | null; detail: string | null; refundFen: number; penaltyFen: number }[] }
export type Route = 'release' | 'refund' | 'intercept' | 'return' | 'close' | 'keep';
export interface PreviewGroup { state: OrderState; route: Route; label: 'cancellable' | 'review_required' | 'not_cancellable'; labelText: string; cards: number; refundFen: number; penaltyFen: number; iccids: string[] }
export interface PoolFigures { members: number; quotaMb: number; monthlyFeeFen: number }
export interface Preview {
  groups: PreviewGroup[];
  totals: { cards: number; affected: number; refundNowFen: number; refundOnReceiptFen: number; refundFen: number; penaltyFen: number };
  needsReview: boolean; pools: { poolId: string; before: PoolFigures; after: PoolFigures; removed: number }[]; returnInstructions: string | null; busyIccids: string[];
}
export interface Cancellation {
  id: string; state: string; cards: number; refundFen: number; penaltyFen: number; createdAt: number;
  job: { state: string; total: number; done: number; failed: number; percent: number };
  refunds?: { refundNo: string; iccid: string; amountFen: number; state: string }[];
  cardsListed?: { iccid: string; route: string; outcome: string | null; refundFen: number; penaltyFen: number }[];
}
export interface Pool {
  id: string; name: string; overQuota: 'stop' | 'overage_fee'; overageFeePerGbFen: number; month: string; members: number; quotaMb: number; monthlyFeeFen: number;
  usedMb: number; percent: number; overage: { overMb: number; billedGb: number; feeFen: number }; dataStopped: boolean;
  alerts: { level: number; at: number }[]; daily: { day: string; mb: number }[];
}
export type Selection = { batchId: string; states?: OrderState[] } | { iccids: string[] } | { csv: string };

export const iotApi = {
  signIn: (username: string, password: string) => iotCall<IotSession>('POST', '/api/v1/iot/auth/sign-in', { username, password }),
  plans: () => iotCall<IotPlan[]>('GET', '/api/v1/iot/plans'),
  batches: () => iotCall<Batch[]>('GET', '/api/v1/iot/batches'),
  batch: (id: string) => iotCall<Batch>('GET', `/api/v1/iot/batches/${encodeURIComponent(id)}`),
  order: (body: { planId: string; quantity: number; paymentMethod: Batch['paymentMethod'] }, key: string) => iotCall<Batch>('POST', '/api/v1/iot/batches', body, key),
  pay: (id: string, key: string) => iotCall<{ paymentNo: string; payUrl: string; channel: 'alipay' | 'wechat' | 'bank'; amountFen: number; batchId: string }>('POST', `/api/v1/iot/batches/${encodeURIComponent(id)}/payments`, undefined, key),
  csv: (id: string) => iotCall<string>('GET', `/api/v1/iot/batches/${encodeURIComponent(id)}/cards.csv`),
  cards: (f: { batchId?: string; state?: string; poolId?: string }) => iotCall<{ cards: Card[]; counts: Record<string, number> }>('GET', `/api/v1/iot/cards?${new URLSearchParams({ limit: '1000', ...Object.fromEntries(Object.entries(f).filter(([, v]) => v)) })}`),
  activate: (sel: Selection, key: string) => iotCall<Job>('POST', '/api/v1/iot/activations', sel, key),
  jobs: () => iotCall<Job[]>('GET', '/api/v1/iot/jobs'),
  job: (id: string) => iotCall<JobDetail>('GET', `/api/v1/iot/jobs/${encodeURIComponent(id)}`),
  preview: (selection: Selection) => iotCall<Preview>('POST', '/api/v1/iot/cancellations/preview', { selection }),
  confirm: (selection: Selection, expect: { cards: number; refundFen: number; penaltyFen: number }, key: string) => iotCall<Cancellation>('POST', '/api/v1/iot/cancellations', { selection, expect }, key),
  cancellations: () => iotCall<Cancellation[]>('GET', '/api/v1/iot/cancellations'),
  cancellation: (id: string) => iotCall<Cancellation>('GET', `/api/v1/iot/cancellations/${encodeURIComponent(id)}`),
  pools: () => iotCall<Pool[]>('GET', '/api/v1/iot/pools'),
  createPool: (body: { name: string; overQuota: Pool['overQuota']; overageFeePerGbFen: number; iccids?: string[] }, key: string) => iotCall<Pool>('POST', '/api/v1/iot/pools', body, key),
};
