// The one way the pages talk to the server: JSON over /api, a bearer token per area, an idempotency key per action.
import { session, type Area } from './session.ts';
export type { Area };

export type Carrier = 'china_mobile' | 'china_unicom' | 'china_telecom' | 'china_broadnet';
export type OrderState = 'pending_payment' | 'paid' | 'packing' | 'shipped' | 'delivered' | 'activated' | 'cancelled' | 'account_closed';
export type Channel = 'alipay' | 'wechat' | 'bank';
export type CancelAction = 'cancel' | 'apply_cancel' | 'request_interception' | 'return_unactivated' | 'unsubscribe_trial' | 'close_account' | 'none';

export interface Plan {
  id: string; carrier: Carrier; name: string; monthlyFeeFen: number; dataMb: number; voiceMinutes: number;
  contractMonths: number; activationWindowDays: number; trialDays: number; priceFen: number; active: boolean;
  /** Ordered from its supplier's number pool (the plans list says so). */
  fromSupplier?: boolean;
  /** A supplier plan's terms customers need before ordering (first top-up, contract, promotion, regions ...). */
  disclosure?: string[];
}

export interface NumberResource { id: string; carrier: Carrier; number: string; vanityLevel: number; priceFen: number; state: string }

export interface Address { province: string; city: string; district: string; detail: string }

export interface CancellationLabel {
  label: 'cancellable' | 'review_required' | 'not_cancellable';
  text: string; colour: 'green' | 'amber' | 'grey'; action: CancelAction; reason: string; validUntil: number | null;
}

export type PenaltyRule = { kind: 'fixed'; fen: number } | { kind: 'remaining_share'; percent: number };
export interface OrderTerms {
  planPriceFen: number; monthlyFeeFen: number; contractMonths: number; penaltyRule: PenaltyRule; activationWindowDays: number; trialDays: number;
}

export interface Order {
  id: string; state: OrderState; number: string; carrier: Carrier;
  plan: Pick<Plan, 'id' | 'name' | 'monthlyFeeFen' | 'dataMb' | 'voiceMinutes' | 'contractMonths' | 'activationWindowDays' | 'trialDays'>;
  amountFen: number; contactName: string; contactPhone: string; residentId: string; address: Address;
  /** The plan's terms when the order was placed; later edits of the plan's rules do not change them. */
  terms: OrderTerms;
  paymentDeadline: number; paymentChannel: Channel | null; closeReason: string | null; keepsReorderDiscount: boolean | null;
  createdAt: number; updatedAt: number; paidAt: number | null; closedAt: number | null;
  trackingNo?: string | null; deliveredAt?: number | null; activatedAt?: number | null;
  cancellation: CancellationLabel & { progress?: { stage: string; text: string } | null; requestId?: string | null };
}

export interface Tracking { orderId: string; state: string; trackingNo: string | null; deliveredAt: number | null; events: { kind: string; text: string; at: number; detail: string | null }[] }
export interface ReturnView {
  id: string; orderId: string; kind: 'unactivated' | 'intercepted';
  state: 'awaiting_parcel' | 'in_transit' | 'received' | 'passed' | 'refused' | 'closed_unreceived';
  returnTrackingNo: string | null; rejectionReason: string | null; inspectedAt: number | null;
  reasonCode: string | null; reasonText: string | null;
  refund: { earliest: string; latest: string } | null;
  instructions: { address: { name: string; phone: string; address: string }; enclose: string[]; orderId: string; closesAt: number } | null;
  createdAt: number;
}
export interface ClosureView {
  id: string; orderId: string; state: 'awaiting_penalty' | 'requested' | 'completed' | 'withdrawn' | 'refused'; penaltyFen: number; monthsLeft: number;
  penalty: { amountFen: number; paid: boolean; paidAt: number | null; paymentNo: string | null; refund: { refundNo: string; state: string; amountFen: number } | null };
  requestedAt: number; completedAt: number | null; endedAt: number | null; endedReason: string | null;
}

export interface CancellationPreview {
  orderId: string; state: OrderState; cancellation: CancellationLabel; oneStep: boolean;
  consequences: {
    chargedFen: number; refundFen: number; penaltyFen: number; number: 'released' | 'kept'; numberText: string;
    reorderDiscount: { keeps: boolean; text: string };
  } | null;
  confirmationText: string | null;
  explanation: string;
  /** one_step | express | review | interception | in_progress, or the label's action. */
  path?: string;
  checks?: ExpressCheck[];
  refund?: { amountFen: number; channel: Channel; express: boolean; expected: { earliest: string; latest: string } } | null;
  openRequestId?: string | null;
}
export interface ExpressCheck { rule: string; passed: boolean; text: string }
export interface RequestView {
  id: string; orderId: string; state: 'requested' | 'approved' | 'rejected' | 'withdrawn' | 'completed' | 'superseded';
  progress: { stage: string; text: string }; express: boolean; orderStateAtRequest: 'paid' | 'packing' | 'shipped';
  reasonCode: string; reasonText: string | null; urgent: boolean; dueAt: number; timeLeftMs: number | null; identityVerified: boolean;
  rejectionReason: string | null; interception: 'pending' | 'accepted' | 'refused' | null; numberReleased: boolean;
  createdAt: number; decidedAt: number | null; completedAt: number | null;
  staff: {
    customerId: string; queue: 'standard' | 'priority'; escalationLevel: number; escalatedAt: number | null; assigneeId: string | null;
    decidedBy: string | null; decisionNote: string | null; identityMethod: string | null; identityFailures: number; hasScreenshot: boolean;
    order: { state: OrderState; amountFen: number; number: string; paymentChannel: Channel | null } | null;
  } | null;
}
export interface Reason { code: string; label: string; alternative: string | null }
export interface Alternative {
  offerId: string; kind: string; fits: boolean; status: string; title: string; description: string; next: { method: string; href: string };
  plans?: { id: string; name: string; amountFen: number }[];
}
export interface FaqEntry { id: string; question: string; answer: string; edited: boolean }
export interface FaqTemplate { id: string; states: OrderState[]; question: { zh: string; en: string }; answer: { zh: string; en: string }; edited: boolean; hidden: boolean }
export interface AssistantReply { conversationId: string; intent: string; confidence: number; answer: string; handedOver: boolean; ticketId: string | null }
export interface Ticket {
  id: string; orderId: string; customerId: string; source: string; status: 'open' | 'claimed' | 'closed'; intent: string | null; summary: string;
  assigneeId: string | null; createdAt: number; updatedAt: number; messages: { role: 'customer' | 'assistant'; text: string; at: number }[];
}
export interface DashboardReport {
  from: number; to: number;
  days: { date: string; byState: Record<string, number>; manual: number; timedOut: number }[];
  totals: { cancelled: number; manual: number; timedOut: number };
  byState: Record<string, number>; byReason: Record<string, number>;
  sla: { requests: number; express: number; reviewed: number; withinSla: number; late: number; open: number; openOverdue: number; withinSlaRate: number | null };
  refunds: { total: number; express: number; expressShare: number | null; byChannel: Record<string, { arrived: number; meanHoursToArrival: number | null }> };
}
export interface SlaReport {
  from: number; to: number; opened: number; express: number; reviewed: number; reviewedWithinSla: number; reviewedLate: number; withdrawn: number;
  open: number; openOverdue: number; escalatedAtWarning: number; escalatedAtBreach: number; meanReviewMs: number | null; withinSlaRate: number | null;
  byQueue: Record<string, { opened: number; reviewed: number; reviewedLate: number; open: number; openOverdue: number }>;
  byReason: Record<string, number>;
}

export interface OrderEvent { id: number; actorType: string; actorId: string; action: string; fromState: string | null; toState: string; reason: string | null; automatic: boolean; at: number }
export interface Notice { id: number; orderId: string | null; template: string; title: string; body: string; createdAt: number; read: boolean }
export interface Payment { paymentNo: string; channel: Channel; amountFen: number; state: string; createdAt: number; succeededAt: number | null }
export interface Refund {
  refundNo: string; paymentNo: string; channel: Channel; amountFen: number; state: string; reason: string; createdAt: number; succeededAt: number | null;
  orderId?: string; express?: boolean; retryable?: boolean; failureReason?: string | null; stateText?: string;
  expectedArrival?: { earliest: string; latest: string } | null;
  history?: { at: number; action: string; toState: string; actorType: string; note: string | null }[];
}
export interface Settings {
  paymentTimeoutMs: number; reminderBeforeMs: number; realNameLimitPerCarrier: number;
  reorderDiscount: { afterPaymentTimeout: boolean; afterCustomerAbandoned: boolean };
  reviewSlaMs: number; priorityThreshold: number; expressRefundMaxFen: number;
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

export async function call<T>(method: string, path: string, { area, body, key }: Options = {}): Promise<T> {
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

export const q = (o: Record<string, string | number | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const api = {
  codeStatus: (phone: string) => call<{ state: 'none' | 'sent' | 'delivered' | 'failed'; failure: string | null; resendAt: number | null }>('GET', `/api/v1/auth/code/status?phone=${phone}`),
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
  paymentChannels: () => call<{ channels: Channel[] }>('GET', '/api/v1/payments/channels'),
  /** Back from the channel's app with the order unpaid: the channel is asked, and a payment it holds is applied. */
  checkPayments: (id: string) => call<{ orderId: string; state: string }>('POST', `/api/v1/orders/${encodeURIComponent(id)}/payments/check`, { area: 'customer' }),
  startPayment: (id: string, channel: Channel, key: string) =>
    call<{ paymentNo: string; payUrl: string; amountFen: number; expiresAt: number }>('POST', `/api/v1/orders/${encodeURIComponent(id)}/payments`, { area: 'customer', body: { channel }, key }),
  /** The simulated channel's own page: what the customer's tap in the payment app does. */
  simPay: (payUrl: string, key: string) => call<{ paid: boolean }>('POST', payUrl, { key }),
  notifications: (orderId?: string) => call<{ notifications: Notice[] }>('GET', `/api/v1/notifications${q({ orderId })}`, { area: 'customer' }),
  markRead: (ids: number[]) => call<{ marked: number }>('POST', '/api/v1/notifications/read', { body: { ids }, area: 'customer' }),
  me: () => call<{ id: string; role: string; phone: string | null; displayName: string | null }>('GET', '/api/v1/me', { area: 'customer' }),

  reasons: () => call<{ reasons: Reason[] }>('GET', '/api/v1/cancellation-reasons'),
  applyCancel: (id: string, body: { reasonCode: string; reasonText?: string; urgent?: boolean }, key: string) =>
    call<{ path: 'express' | 'review' | 'interception'; request: RequestView; order: Order }>('POST', `/api/v1/orders/${encodeURIComponent(id)}/cancellation-requests`, { area: 'customer', body, key }),
  request: (id: string, area: Area = 'customer') => call<RequestView>('GET', `/api/v1/cancellation-requests/${encodeURIComponent(id)}`, { area }),
  orderRequests: (orderId: string, area: Area = 'customer') => call<{ requests: RequestView[] }>('GET', `/api/v1/orders/${encodeURIComponent(orderId)}/cancellation-requests`, { area }),
  withdraw: (id: string, key: string) => call<RequestView>('POST', `/api/v1/cancellation-requests/${encodeURIComponent(id)}/withdraw`, { area: 'customer', body: {}, key }),
  urgent: (id: string, key: string) => call<RequestView>('POST', `/api/v1/cancellation-requests/${encodeURIComponent(id)}/urgent`, { area: 'customer', body: {}, key }),
  identity: (id: string, body: { residentId?: string; screenshot?: { contentType: string; dataBase64: string } }, key: string) =>
    call<RequestView>('POST', `/api/v1/cancellation-requests/${encodeURIComponent(id)}/identity`, { area: 'customer', body, key }),
  alternatives: (id: string, reason?: string) => call<{ alternatives: Alternative[] }>('GET', `/api/v1/orders/${encodeURIComponent(id)}/alternatives${q({ reason })}`, { area: 'customer' }),
  declineAlternatives: (id: string, key: string) => call<{ declined: number }>('POST', `/api/v1/orders/${encodeURIComponent(id)}/alternatives/decline`, { area: 'customer', body: {}, key }),
  answerOffer: (id: string, offerId: string, answer: 'accepted' | 'declined', key: string) =>
    call<{ kind: string; status: string; ticketId: string | null }>('POST', `/api/v1/orders/${encodeURIComponent(id)}/alternatives/${encodeURIComponent(offerId)}`, { area: 'customer', body: { answer }, key }),
  changeAddress: (id: string, address: Address, key: string) => call<Order>('POST', `/api/v1/orders/${encodeURIComponent(id)}/address`, { area: 'customer', body: { address }, key }),
  tracking: (id: string) => call<Tracking>('GET', `/api/v1/orders/${encodeURIComponent(id)}/tracking`, { area: 'customer' }),
  returns: (id: string) => call<{ returns: ReturnView[] }>('GET', `/api/v1/orders/${encodeURIComponent(id)}/returns`, { area: 'customer' }),
  applyReturn: (id: string, body: { reasonCode: string; reasonText?: string }, key: string) =>
    call<ReturnView>('POST', `/api/v1/orders/${encodeURIComponent(id)}/returns`, { area: 'customer', body, key }),
  returnTracking: (returnId: string, trackingNo: string, key: string) =>
    call<ReturnView>('POST', `/api/v1/returns/${encodeURIComponent(returnId)}/tracking`, { area: 'customer', body: { trackingNo }, key }),
  unsubscribe: (id: string, key: string) => call<Order>('POST', `/api/v1/orders/${encodeURIComponent(id)}/unsubscribe`, { area: 'customer', body: {}, key }),
  closeAccount: (id: string, confirmPenaltyFen: number, key: string) =>
    call<ClosureView>('POST', `/api/v1/orders/${encodeURIComponent(id)}/account-closure`, { area: 'customer', body: { confirmPenaltyFen }, key }),
  closure: (id: string) => call<ClosureView>('GET', `/api/v1/orders/${encodeURIComponent(id)}/account-closure`, { area: 'customer' }),
  payPenalty: (id: string, channel: Channel, key: string) =>
    call<{ paymentNo: string; payUrl: string; amountFen: number; expiresAt: number }>('POST', `/api/v1/orders/${encodeURIComponent(id)}/account-closure/payments`, { area: 'customer', body: { channel }, key }),
  withdrawClosure: (id: string, key: string) => call<ClosureView>('POST', `/api/v1/orders/${encodeURIComponent(id)}/account-closure/withdraw`, { area: 'customer', body: {}, key }),
  faq: (id: string, lang: 'zh-CN' | 'en') => call<{ entries: FaqEntry[] }>('GET', `/api/v1/orders/${encodeURIComponent(id)}/faq${q({ lang })}`, { area: 'customer' }),
  ask: (id: string, message: string, lang: 'zh-CN' | 'en', conversationId: string | undefined, key: string) =>
    call<AssistantReply>('POST', `/api/v1/orders/${encodeURIComponent(id)}/assistant`, { area: 'customer', body: { message, lang, conversationId }, key }),

  staff: {
    queue: (f: { state?: string; urgent?: string; escalated?: string; assignee?: string }) =>
      call<{ requests: RequestView[] }>('GET', `/api/v1/agent/requests${q(f)}`, { area: 'staff' }),
    order: (id: string) => call<Order>('GET', `/api/v1/orders/${encodeURIComponent(id)}`, { area: 'staff' }),
    preview: (id: string) => call<CancellationPreview>('GET', `/api/v1/orders/${encodeURIComponent(id)}/cancellation`, { area: 'staff' }),
    events: (id: string) => call<{ events: OrderEvent[] }>('GET', `/api/v1/orders/${encodeURIComponent(id)}/events`, { area: 'staff' }),
    refunds: (id: string) => call<{ refunds: Refund[] }>('GET', `/api/v1/orders/${encodeURIComponent(id)}/refunds`, { area: 'staff' }),
    claim: (id: string, key: string) => call<RequestView>('POST', `/api/v1/agent/requests/${encodeURIComponent(id)}/claim`, { area: 'staff', body: {}, key }),
    verify: (id: string, body: { method: 'resident_id'; residentId: string } | { method: 'screenshot' }, key: string) =>
      call<RequestView>('POST', `/api/v1/agent/requests/${encodeURIComponent(id)}/verify`, { area: 'staff', body, key }),
    approve: (id: string, note: string | undefined, key: string) =>
      call<{ request: RequestView; order: Order }>('POST', `/api/v1/agent/requests/${encodeURIComponent(id)}/approve`, { area: 'staff', body: note ? { note } : {}, key }),
    reject: (id: string, reason: string, key: string) =>
      call<{ request: RequestView; order: Order }>('POST', `/api/v1/agent/requests/${encodeURIComponent(id)}/reject`, { area: 'staff', body: { reason }, key }),
    intercept: (id: string, key: string) => call<{ requestId: string }>('POST', `/api/v1/agent/requests/${encodeURIComponent(id)}/intercept`, { area: 'staff', body: {}, key }),
    startPacking: (orderId: string, key: string) => call<Order>('POST', `/api/v1/agent/orders/${encodeURIComponent(orderId)}/start-packing`, { area: 'staff', body: {}, key }),
    retryRefund: (refundNo: string, note: string, key: string) => call<Refund>('POST', `/api/v1/refunds/${encodeURIComponent(refundNo)}/retry`, { area: 'staff', body: { note }, key }),
    screenshot: (id: string) => call<{ contentType: string; dataBase64: string; sizeBytes: number }>('GET', `/api/v1/agent/requests/${encodeURIComponent(id)}/screenshot`, { area: 'staff' }),
    tickets: () => call<{ tickets: Ticket[] }>('GET', '/api/v1/agent/tickets', { area: 'staff' }),
    moveTicket: (id: string, move: 'claim' | 'release' | 'close', key: string) =>
      call<Ticket>('POST', `/api/v1/agent/tickets/${encodeURIComponent(id)}/${move}`, { area: 'staff', body: {}, key }),
    customerHistory: (customerId: string) => call<{
      since: number;
      cancelledOrders: { orderId: string; number: string; closeReason: string | null; amountFen: number; closedAt: number }[];
      requests: { id: string; orderId: string; state: RequestView['state']; reasonCode: string; express: boolean; createdAt: number }[];
    }>('GET', `/api/v1/agent/customers/${encodeURIComponent(customerId)}/cancellations?days=90`, { area: 'staff' }),
    report: (from: number, to: number) => call<DashboardReport>('GET', `/api/v1/reports/cancellations${q({ from, to })}`, { area: 'staff' }),
    slaReport: (from: number, to: number) => call<SlaReport>('GET', `/api/v1/supervisor/sla-report${q({ from, to })}`, { area: 'staff' }),
    reasonReport: (from: number, to: number) =>
      call<{ total: number; reasons: { code: string; count: number }[] }>('GET', `/api/v1/reports/cancellation-reasons${q({ from, to })}`, { area: 'staff' }),
    reasons: () => call<{ reasons: (Reason & { active: boolean; sortOrder: number })[] }>('GET', '/api/v1/operator/cancellation-reasons', { area: 'staff' }),
    putReason: (code: string, body: { label: string; alternative: string | null; active: boolean; sortOrder: number }) =>
      call<Reason & { active: boolean; sortOrder: number }>('PUT', `/api/v1/operator/cancellation-reasons/${encodeURIComponent(code)}`, { area: 'staff', body }),
    faqTemplates: () => call<{ placeholders: string[]; entries: FaqTemplate[] }>('GET', '/api/v1/faq/templates', { area: 'staff' }),
    putFaq: (id: string, body: { question?: { zh?: string; en?: string }; answer?: { zh?: string; en?: string } }) =>
      call<FaqTemplate>('PUT', `/api/v1/faq/${encodeURIComponent(id)}`, { area: 'staff', body }),
  },

  settings: () => call<Settings>('GET', '/api/v1/settings', { area: 'staff' }),
  updateSettings: (patch: Partial<Settings>) => call<Settings>('PATCH', '/api/v1/settings', { area: 'staff', body: patch }),
};
