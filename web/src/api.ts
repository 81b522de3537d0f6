// The one way the pages talk to the server: JSON over /api, a bearer token per area, an idempotency key per action.
import { session, type Area } from './session.ts';

export type Carrier = 'china_mobile' | 'china_unicom' | 'china_telecom' | 'china_broadnet';
export type OrderState = 'pending_payment' | 'paid' | 'packing' | 'shipped' | 'delivered' | 'activated' | 'cancelled' | 'account_closed';
export type Channel = 'alipay' | 'wechat' | 'bank';
export type CancelAction = 'cancel' | 'apply_cancel' | 'request_interception' | 'return_unactivated' | 'unsubscribe_trial' | 'close_account' | 'none';

export interface Plan {
  id: string; carrier: Carrier; name: string; monthlyFeeFen: number; dataMb: number; voiceMinutes: number;
  contractMonths: number; activationWindowDays: number; trialDays: number; priceFen: number; active: boolean;
}

export interface NumberResource { id: string; carrier: Carrier; number: string; vanityLevel: number; priceFen: number; state: string }

export interface Address { province: string; city: string; district: string; detail: string }

export interface CancellationLabel {
  label: 'cancellable' | 'review_required' | 'not_cancellable';
  text: string; colour: 'green' | 'amber' | 'grey'; action: CancelAction; reason: string; validUntil: number | null;
}

export interface Order {
  id: string; state: OrderState; number: string; carrier: Carrier;
  plan: Pick<Plan, 'id' | 'name' | 'monthlyFeeFen' | 'dataMb' | 'voiceMinutes' | 'contractMonths' | 'activationWindowDays' | 'trialDays'>;
  amountFen: number; contactName: string; contactPhone: string; residentId: string; address: Address;
  paymentDeadline: number; paymentChannel: Channel | null; closeReason: string | null; keepsReorderDiscount: boolean | null;
  createdAt: number; updatedAt: number; paidAt: number | null; closedAt: number | null; cancellation: CancellationLabel;
}

export interface CancellationPreview {
  orderId: string; state: OrderState; cancellation: CancellationLabel; oneStep: boolean;
  consequences: {
    chargedFen: number; refundFen: number; penaltyFen: number; number: 'released' | 'kept'; numberText: string;
    reorderDiscount: { keeps: boolean; text: string };
  } | null;
  confirmationText: string | null;
  explanation: string;
}

export interface OrderEvent { id: number; actorType: string; actorId: string; action: string; fromState: string | null; toState: string; reason: string | null; automatic: boolean; at: number }
export interface Notice { id: number; orderId: string | null; template: string; title: string; body: string; createdAt: number; read: boolean }
export interface Payment { paymentNo: string; channel: Channel; amountFen: number; state: string; createdAt: number; succeededAt: number | null }
export interface Refund { refundNo: string; paymentNo: string; channel: Channel; amountFen: number; state: string; reason: string; createdAt: number; succeededAt: number | null }
export interface Settings {
  paymentTimeoutMs: number; reminderBeforeMs: number; realNameLimitPerCarrier: number;
  reorderDiscount: { afterPaymentTimeout: boolean; afterCustomerAbandoned: boolean };
}
export interface Agent { id: string; username: string; displayName: string; role: 'agent' | 'supervisor' | 'operator' }

/** A refusal from the server, or `NETWORK` when it could not be reached; the pages turn the code into words. */
export class ApiError extends Error {
  constructor(readonly code: string, readonly status: number, readonly details: Record<string, unknown> = {}) {
    super(code);
  }
}

/** One key per user action: a double click or a retry of the same action is applied once by the server. */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID exists only in secure contexts; a demo opened over plain http on a LAN address still works.
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

interface Options { area?: Area; body?: unknown; key?: string }

async function call<T>(method: string, path: string, { area, body, key }: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = area ? session.get(area)?.token : undefined;
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
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError('INTERNAL', res.status);
  }
  if (res.ok) return data as T;
  const err = (data as { error?: { code?: string; details?: Record<string, unknown> } } | null)?.error;
  const e = new ApiError(err?.code ?? 'INTERNAL', res.status, err?.details ?? {});
  // An expired sign-in ends the session; the page guard then sends the person to sign in again.
  if (area && (e.code === 'AUTH.INVALID_TOKEN' || e.code === 'AUTH.REQUIRED')) session.clear(area);
  throw e;
}

const q = (o: Record<string, string | number | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const api = {
  sendCode: (phone: string, key: string) => call<{ sentTo: string; expiresAt: number }>('POST', '/api/v1/auth/code', { body: { phone }, key }),
  simSms: (phone: string) => call<{ messages: { title: string; body: string }[] }>('GET', `/sim/sms/${phone}`),
  signInCustomer: (phone: string, code: string, key: string) => call<{ token: string; customerId: string }>('POST', '/api/v1/auth/customer', { body: { phone, code }, key }),
  signInStaff: (username: string, password: string, key: string) => call<{ token: string; agent: Agent }>('POST', '/api/v1/auth/agent', { body: { username, password }, key }),

  plans: () => call<{ plans: Plan[] }>('GET', '/api/v1/plans'),
  plan: (id: string) => call<Plan>('GET', `/api/v1/plans/${encodeURIComponent(id)}`),
  numbers: (f: { carrier: Carrier; contains?: string; endsWith?: string; limit: number; offset: number }) =>
    call<{ numbers: NumberResource[] }>('GET', `/api/v1/numbers${q(f)}`),

  placeOrder: (body: { planId: string; numberId: string; contactName: string; contactPhone: string; residentId: string; address: Address }, key: string) =>
    call<Order>('POST', '/api/v1/orders', { area: 'customer', body, key }),
  orders: (before?: number) => call<{ orders: Order[]; nextBefore: number | null }>('GET', `/api/v1/orders${q({ limit: 20, before })}`, { area: 'customer' }),
  order: (id: string) => call<Order>('GET', `/api/v1/orders/${encodeURIComponent(id)}`, { area: 'customer' }),
  cancellation: (id: string) => call<CancellationPreview>('GET', `/api/v1/orders/${encodeURIComponent(id)}/cancellation`, { area: 'customer' }),
  cancel: (id: string, reason: string | undefined, key: string) =>
    call<Order>('POST', `/api/v1/orders/${encodeURIComponent(id)}/cancel`, { area: 'customer', body: { confirm: true, reason }, key }),
  events: (id: string) => call<{ events: OrderEvent[] }>('GET', `/api/v1/orders/${encodeURIComponent(id)}/events`, { area: 'customer' }),
  payments: (id: string) => call<{ payments: Payment[]; refunds: Refund[] }>('GET', `/api/v1/orders/${encodeURIComponent(id)}/payments`, { area: 'customer' }),
  startPayment: (id: string, channel: Channel, key: string) =>
    call<{ paymentNo: string; payUrl: string; amountFen: number; expiresAt: number }>('POST', `/api/v1/orders/${encodeURIComponent(id)}/payments`, { area: 'customer', body: { channel }, key }),
  /** The simulated channel's own page: what the customer's tap in the payment app does. */
  simPay: (payUrl: string, key: string) => call<{ paid: boolean }>('POST', payUrl, { key }),
  notifications: (orderId?: string) => call<{ notifications: Notice[] }>('GET', `/api/v1/notifications${q({ orderId })}`, { area: 'customer' }),
  me: () => call<{ id: string; role: string; phone: string | null; displayName: string | null }>('GET', '/api/v1/me', { area: 'customer' }),

  settings: () => call<Settings>('GET', '/api/v1/settings', { area: 'staff' }),
  updateSettings: (patch: Partial<Settings>) => call<Settings>('PATCH', '/api/v1/settings', { area: 'staff', body: patch }),
};
