// The authorization matrix: every endpoint in the OpenAPI document x anonymous, the customer who owns the
// order, another customer, agent, supervisor and operator. Access is written down per route in ACCESS;
// a route the table does not know fails the suite, so whoever adds a route decides who may call it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ADDRESS, json, residentId, startHarness, type Harness } from '../fixtures/harness.ts';
import type { Role } from '../../src/app/platform/secrets.ts';
import { deliveredOrder } from '../fixtures/after-sales.ts';

/**
 * public: anyone, signed in or not. signed: a channel or courier callback; no bearer token is asked for and
 * none helps (the signature decides). Otherwise the roles allowed; `owned` marks routes on one customer's
 * order or request, which another customer must not learn exists (404, never 403).
 */
type Access = 'public' | 'signed' | { roles: Role[]; owned?: true };

const STAFF: Role[] = ['agent', 'supervisor', 'operator'];
const ANYONE_ON_ORDER: Access = { roles: ['customer', ...STAFF], owned: true };
const OWNER_ONLY: Access = { roles: ['customer'], owned: true };
const DESK: Access = { roles: ['agent', 'supervisor'] };

const ACCESS: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /api/v1/plans': 'public',
  'GET /api/v1/plans/{id}': 'public',
  'GET /api/v1/numbers': 'public',
  'POST /api/v1/auth/code': 'public',
  'GET /api/v1/auth/code/status': 'public',
  'POST /api/v1/auth/customer': 'public',
  'POST /api/v1/auth/agent': 'public',
  'GET /api/v1/me': { roles: ['customer', ...STAFF] },
  'POST /api/v1/orders': { roles: ['customer'] },
  'GET /api/v1/orders': { roles: ['customer'] },
  'GET /api/v1/orders/{id}': ANYONE_ON_ORDER,
  'GET /api/v1/orders/{id}/cancellation': ANYONE_ON_ORDER,
  'POST /api/v1/orders/{id}/cancel': ANYONE_ON_ORDER,
  'GET /api/v1/orders/{id}/events': ANYONE_ON_ORDER,
  'GET /api/v1/notifications': { roles: ['customer'] },
  'POST /api/v1/notifications/read': { roles: ['customer'] },
  'POST /api/v1/orders/{id}/cancellation-requests': OWNER_ONLY,
  'GET /api/v1/orders/{id}/cancellation-requests': ANYONE_ON_ORDER,
  'GET /api/v1/cancellation-requests/{id}': ANYONE_ON_ORDER,
  'POST /api/v1/cancellation-requests/{id}/withdraw': OWNER_ONLY,
  'POST /api/v1/cancellation-requests/{id}/urgent': OWNER_ONLY,
  'POST /api/v1/cancellation-requests/{id}/identity': OWNER_ONLY,
  'GET /api/v1/cancellation-reasons': 'public',
  'GET /api/v1/operator/cancellation-reasons': { roles: ['operator'] },
  'PUT /api/v1/operator/cancellation-reasons/{code}': { roles: ['operator'] },
  'GET /api/v1/agent/requests': DESK,
  'POST /api/v1/agent/requests/{id}/claim': DESK,
  'POST /api/v1/agent/requests/{id}/verify': DESK,
  'POST /api/v1/agent/requests/{id}/approve': DESK,
  'POST /api/v1/agent/requests/{id}/reject': DESK,
  'POST /api/v1/agent/requests/{id}/intercept': DESK,
  'GET /api/v1/agent/requests/{id}/screenshot': DESK,
  'POST /api/v1/agent/orders/{id}/start-packing': DESK,
  'POST /api/v1/warehouse/orders/{id}/shipped': DESK,
  'GET /api/v1/supervisor/escalations': { roles: ['supervisor'] },
  'POST /api/v1/supervisor/requests/{id}/assign': { roles: ['supervisor'] },
  'GET /api/v1/supervisor/sla-report': { roles: ['supervisor', 'operator'] },
  'POST /api/v1/supervisor/risk-flags': { roles: ['supervisor'] },
  'POST /api/v1/orders/{id}/payments': OWNER_ONLY,
  'GET /api/v1/orders/{id}/payments': ANYONE_ON_ORDER,
  'POST /api/v1/orders/{id}/payments/check': ANYONE_ON_ORDER,
  'POST /api/v1/payments/callback/{channel}': 'signed',
  'POST /api/v1/payments/alipay/notify': 'signed',
  'GET /api/v1/payments/channels': 'public',
  'GET /api/v1/orders/{id}/refunds': ANYONE_ON_ORDER,
  'GET /api/v1/refunds/awaiting-retry': { roles: STAFF },
  'POST /api/v1/refunds/{refundNo}/retry': DESK,
  'POST /api/v1/refunds/callback/{channel}': 'signed',
  'GET /api/v1/settings': { roles: STAFF },
  'PATCH /api/v1/settings': { roles: ['operator'] },
  'POST /api/v1/orders/{id}/assistant': OWNER_ONLY,
  'GET /api/v1/agent/tickets': { roles: STAFF },
  'POST /api/v1/agent/tickets/{id}/{move}': { roles: STAFF },
  'GET /api/v1/reports/cancellation-reasons': { roles: ['operator', 'supervisor'] },
  'GET /api/v1/reports/cancellations': { roles: ['operator', 'supervisor'] },
  'GET /api/v1/faq': 'public',
  'GET /api/v1/orders/{id}/faq': ANYONE_ON_ORDER,
  'GET /api/v1/faq/templates': { roles: STAFF },
  'PUT /api/v1/faq/{id}': { roles: ['operator'] },
  'DELETE /api/v1/faq/{id}': { roles: ['operator'] },
  'GET /api/v1/orders/{id}/alternatives': ANYONE_ON_ORDER,
  'POST /api/v1/orders/{id}/alternatives/decline': ANYONE_ON_ORDER,
  'POST /api/v1/orders/{id}/alternatives/{offerId}': ANYONE_ON_ORDER,
  'POST /api/v1/orders/{id}/address': ANYONE_ON_ORDER,
  'POST /api/v1/orders/{id}/plan': ANYONE_ON_ORDER,
  'GET /api/v1/agent/customers/{customerId}/cancellations': { roles: STAFF },
  'POST /api/v1/agent/orders/{id}/hand-to-courier': DESK,
  'GET /api/v1/orders/{id}/tracking': ANYONE_ON_ORDER,
  'POST /api/v1/courier/callback': 'signed',
  'POST /api/v1/courier/kuaidi100/callback': 'signed',
  'POST /api/v1/agent/orders/{id}/tracking/refresh': DESK,
  'POST /api/v1/carrier/callback': 'signed',
  'GET /api/v1/agent/carrier-tasks': { roles: STAFF },
  'POST /api/v1/agent/carrier-tasks/{id}/resolve': DESK,
  'GET /api/v1/operator/reconciliation-items': { roles: ['operator'] },
  'POST /api/v1/operator/reconciliation-items/{id}/resolve': { roles: ['operator'] },
  'POST /api/v1/agent/orders/{id}/pick': DESK,
  'POST /api/v1/orders/{id}/returns': OWNER_ONLY,
  'GET /api/v1/orders/{id}/returns': ANYONE_ON_ORDER,
  // Returns by their own id: roles here; whose return it is is checked in the returns suite (the matrix's
  // fixture order is not delivered, so it has no return to name).
  'GET /api/v1/returns/{id}': { roles: ['customer', ...STAFF] },
  'POST /api/v1/returns/{id}/tracking': { roles: ['customer'] },
  'POST /api/v1/agent/returns/{id}/inspect': DESK,
  'POST /api/v1/orders/{id}/unsubscribe': OWNER_ONLY,
  'POST /api/v1/orders/{id}/account-closure': OWNER_ONLY,
  'GET /api/v1/agent/account-closures': { roles: STAFF },
  'POST /api/v1/agent/account-closures/{id}/complete': DESK,
  'POST /api/v1/agent/account-closures/{id}/refuse': DESK,
  'GET /api/v1/orders/{id}/account-closure': ANYONE_ON_ORDER,
  'POST /api/v1/orders/{id}/account-closure/payments': OWNER_ONLY,
  'POST /api/v1/orders/{id}/account-closure/withdraw': OWNER_ONLY,
  'GET /api/v1/operator/plans': { roles: STAFF },
  'PUT /api/v1/operator/plans/{id}/rules': { roles: ['operator'] },
  'GET /api/v1/agent/orders': { roles: STAFF },
  'GET /api/v1/agent/returns': { roles: STAFF },
  'GET /api/v1/supervisor/agents': { roles: ['supervisor'] },
  'POST /api/v1/suppliers/{supplierId}/callback': 'signed',
  'GET /api/v1/suppliers/plans/{planId}': 'public',
  'GET /api/v1/suppliers/plans/{planId}/numbers': 'public',
  'POST /api/v1/suppliers/plans/{planId}/holds': { roles: ['customer'] },
  'POST /api/v1/suppliers/orders': { roles: ['customer'] },
  'GET /api/v1/suppliers/orders/{id}': ANYONE_ON_ORDER,
  'POST /api/v1/suppliers/orders/{id}/cancel': OWNER_ONLY,
  'POST /api/v1/operator/suppliers/sync': { roles: ['operator'] },
  'GET /api/v1/operator/suppliers/plans': { roles: ['operator'] },
  'POST /api/v1/operator/suppliers/plans/{planId}/publish': { roles: ['operator'] },
  'GET /api/v1/operator/suppliers/vanity-rules': { roles: ['operator'] },
  'PUT /api/v1/operator/suppliers/vanity-rules': { roles: ['operator'] },
  // Distribution: operators run it, distributors see their own, the open API is signed with an app key.
  'POST /open/v1/orders': 'signed',
  'GET /open/v1/orders/{id}': 'signed',
  'POST /open/v1/orders/{id}/cancel': 'signed',
  'POST /api/v1/operator/distributors': { roles: ['operator'] },
  'GET /api/v1/operator/distributors': { roles: ['operator'] },
  'POST /api/v1/operator/distributors/{id}/state': { roles: ['operator'] },
  'POST /api/v1/operator/distributors/{id}/promotion-codes': { roles: ['operator'] },
  'PUT /api/v1/operator/plans/{id}/commission-rule': { roles: ['operator'] },
  'GET /api/v1/operator/plans/{id}/commission-rule': { roles: ['operator'] },
  'POST /api/v1/operator/orders/{id}/top-up': { roles: ['operator'] },
  'POST /api/v1/operator/commission-settlements': { roles: ['operator'] },
  'GET /api/v1/operator/commission-settlements/{id}/csv': { roles: ['operator'] },
  'GET /api/v1/operator/distributor-pushes': { roles: ['operator'] },
  'POST /api/v1/operator/distributor-pushes/{id}/resend': { roles: ['operator'] },
  'GET /api/v1/operator/withdrawals': { roles: ['operator'] },
  'POST /api/v1/operator/withdrawals/{id}/decision': { roles: ['operator'] },
  'POST /api/v1/distributor/sign-in': 'public',
  'GET /api/v1/distributor/me': { roles: ['distributor'] },
  'GET /api/v1/distributor/links': { roles: ['distributor'] },
  'GET /api/v1/distributor/orders': { roles: ['distributor'] },
  'GET /api/v1/distributor/cancellations': { roles: ['distributor'] },
  'GET /api/v1/distributor/commissions': { roles: ['distributor'] },
  'GET /api/v1/distributor/withdrawals': { roles: ['distributor'] },
  'POST /api/v1/distributor/withdrawals': { roles: ['distributor'] },
  'POST /api/v1/distributor/sub-distributors': { roles: ['distributor'] },
  'POST /api/v1/distributor/profile': { roles: ['distributor'] },
  'GET /api/v1/promotion-codes/{code}': 'public',
  // IoT cards: businesses' staff (buyer, viewer) and the platform's side.
  'POST /api/v1/iot/auth/sign-in': 'public',
  'GET /api/v1/iot/me': { roles: ['iot_buyer', 'iot_viewer'] },
  'POST /api/v1/iot/staff': { roles: ['iot_buyer'] },
  'GET /api/v1/iot/plans': { roles: ['iot_buyer', 'iot_viewer'] },
  'POST /api/v1/iot/batches': { roles: ['iot_buyer'] },
  'GET /api/v1/iot/batches': { roles: ['iot_buyer', 'iot_viewer'] },
  'GET /api/v1/iot/batches/{id}': { roles: ['iot_buyer', 'iot_viewer'] },
  'POST /api/v1/iot/batches/{id}/payments': { roles: ['iot_buyer'] },
  'GET /api/v1/iot/batches/{id}/cards.csv': { roles: ['iot_buyer', 'iot_viewer'] },
  'GET /api/v1/iot/cards': { roles: ['iot_buyer', 'iot_viewer'] },
  'GET /api/v1/iot/cards/{iccid}': { roles: ['iot_buyer', 'iot_viewer'] },
  'POST /api/v1/iot/activations': { roles: ['iot_buyer'] },
  'GET /api/v1/iot/jobs': { roles: ['iot_buyer', 'iot_viewer'] },
  'GET /api/v1/iot/jobs/{id}': { roles: ['iot_buyer', 'iot_viewer'] },
  'POST /api/v1/iot/pools': { roles: ['iot_buyer'] },
  'GET /api/v1/iot/pools': { roles: ['iot_buyer', 'iot_viewer'] },
  'GET /api/v1/iot/pools/{id}': { roles: ['iot_buyer', 'iot_viewer'] },
  'POST /api/v1/iot/pools/{id}/cards': { roles: ['iot_buyer'] },
  'POST /api/v1/iot/cancellations/preview': { roles: ['iot_buyer', 'iot_viewer'] },
  'POST /api/v1/iot/cancellations': { roles: ['iot_buyer'] },
  'GET /api/v1/iot/cancellations': { roles: ['iot_buyer', 'iot_viewer'] },
  'GET /api/v1/iot/cancellations/{id}': { roles: ['iot_buyer', 'iot_viewer'] },
  'POST /api/v1/operator/iot/businesses': { roles: ['operator'] },
  'POST /api/v1/operator/iot/batches/{id}/bank-transfer': { roles: ['operator'] },
  'POST /api/v1/operator/iot/batches/{id}/parcels': { roles: STAFF },
  'POST /api/v1/operator/iot/parcels/{trackingNo}/delivered': { roles: STAFF },
  'POST /api/v1/operator/iot/usage/{day}': { roles: ['operator'] },
  'POST /api/v1/operator/iot/refunds/{id}/transferred': { roles: ['operator'] },
  'POST /api/v1/agent/iot/returns': DESK,
  'GET /api/v1/agent/iot/cancellations': { roles: STAFF },
  'GET /api/v1/agent/iot/cancellations/{id}': { roles: STAFF },
  'POST /api/v1/agent/iot/cancellations/{id}/review': DESK,
  'POST /api/v1/suppliers/plans/{planId}/eligibility': { roles: ['customer'] },
  'GET /api/v1/operator/suppliers/plans/{planId}/eligibility': { roles: ['operator'] },
  'PUT /api/v1/operator/suppliers/plans/{planId}/eligibility': { roles: ['operator'] },
  'GET /api/v1/operator/blacklist': { roles: ['operator'] },
  'POST /api/v1/operator/blacklist': { roles: ['operator'] },
  'POST /api/v1/operator/blacklist/{id}/remove': { roles: ['operator'] },
};

/**
 * The simulators (/sim/...) stand in for outside parties in demos and tests: the customer's payment app and
 * phone, the warehouse, the courier, the carrier. They are unauthenticated by design, like the parties they
 * play, and exist only while the simulated adapters are wired in.
 */
const accessOf = (route: string): Access | undefined => ACCESS[route] ?? (route.split(' ')[1]!.startsWith('/sim/') ? 'public' : undefined);

/**
 * Bodies that pass validation, so that a caller who may not see the order meets the ownership check and
 * not the schema. Routes not listed get `{}`.
 */
const BODIES: Record<string, unknown> = {
  'POST /api/v1/orders/{id}/cancel': { confirm: true, reason: 'matrix' },
  'POST /api/v1/notifications/read': { ids: [1] },
  'POST /api/v1/orders/{id}/cancellation-requests': { reasonCode: 'changed_mind' },
  'POST /api/v1/orders/{id}/returns': { reasonCode: 'changed_mind' },
  'POST /api/v1/cancellation-requests/{id}/identity': { residentId: residentId(999_001) },
  'POST /api/v1/orders/{id}/payments': { channel: 'alipay' },
  'POST /api/v1/orders/{id}/assistant': { message: '我想取消订单' },
  'POST /api/v1/orders/{id}/alternatives/{offerId}': { answer: 'declined' },
  'POST /api/v1/orders/{id}/address': { address: ADDRESS },
  'POST /api/v1/orders/{id}/plan': { planId: 'cm-58' },
  'POST /api/v1/returns/{id}/tracking': { trackingNo: 'SF1234567890' },
  'POST /api/v1/orders/{id}/account-closure': { confirmPenaltyFen: 0 },
  'POST /api/v1/orders/{id}/account-closure/payments': { channel: 'alipay' },
  'POST /api/v1/agent/orders/{id}/pick': { iccid: '89860012345678901238' },
  'POST /api/v1/agent/carrier-tasks/{id}/resolve': { resolution: 'keep_ours', note: 'matrix' },
  'POST /api/v1/operator/reconciliation-items/{id}/resolve': { note: 'matrix' },
  'POST /api/v1/agent/account-closures/{id}/refuse': { reason: 'matrix' },
  'POST /api/v1/suppliers/orders/{id}/cancel': { reasonCode: 'changed_mind' },
};

type Caller = 'anonymous' | 'owner' | 'other customer' | 'agent' | 'supervisor' | 'operator';
const CALLERS: Caller[] = ['anonymous', 'other customer', 'agent', 'supervisor', 'operator', 'owner'];
const roleOf = (c: Caller): Role | null => (c === 'anonymous' ? null : c === 'owner' || c === 'other customer' ? 'customer' : c);

type Outcome = 'unauthenticated' | 'forbidden' | 'not found' | 'allowed';
function expected(access: Access, caller: Caller): Outcome {
  if (access === 'public' || access === 'signed') return 'allowed';
  const role = roleOf(caller);
  if (!role) return 'unauthenticated';
  if (!access.roles.includes(role)) return 'forbidden';
  return access.owned && caller === 'other customer' ? 'not found' : 'allowed';
}
function outcome(res: LightMyRequestResponse): Outcome {
  const code = res.statusCode >= 400 ? (json(res).error?.code as string | undefined) : undefined;
  if (res.statusCode === 401 && code?.startsWith('AUTH.')) return 'unauthenticated';
  if (res.statusCode === 403 && code?.startsWith('AUTH.')) return 'forbidden';
  if (res.statusCode === 404 && /^(ORDER|CANCEL_REQUEST)\.NOT_FOUND$/.test(code ?? '')) return 'not found';
  return 'allowed';
}

let h: Harness;
let routes: string[] = [];
let other: string;
let staff: Record<'agent' | 'supervisor' | 'operator', string>;

beforeAll(async () => {
  h = await startHarness();
  const doc = json(await h.get('/openapi.json', null));
  routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  other = (await h.customer()).token;
  staff = { agent: await h.staff('agent'), supervisor: await h.staff('supervisor'), operator: await h.staff('operator') };
});
afterAll(async () => { await h?.close(); });

/** A fresh owner with a paid order and a cancellation request on it, so every path parameter names something real. */
async function fixture() {
  const owner = await h.customer();
  const { order } = await h.paidOrder(owner.token);
  const applied = await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, owner.token, { reasonCode: 'changed_mind' });
  const requestId = applied.statusCode === 201 ? (json(applied).request.id as string) : 'CR-none';
  return { owner: owner.token, orderId: order.id as string, requestId, phone: owner.phone };
}

function urlFor(path: string, f: Awaited<ReturnType<typeof fixture>>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string, at: number) => {
    const before = path.slice(0, at);
    if (name === 'orderId' || (name === 'id' && /\/orders\/$/.test(before))) return f.orderId;
    if (name === 'id' && /requests\/$/.test(before)) return f.requestId;
    if (name === 'channel') return 'alipay';
    if (name === 'move') return 'claim';
    if (name === 'code') return 'matrix_reason';
    if (name === 'phone') return f.phone;
    return 'none';
  });
}

describe('authorization matrix', () => {
  it('lists access for every route in the API document, and no route that is gone', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => !accessOf(r)), 'routes without a decided access: add them to ACCESS').toEqual([]);
    expect(Object.keys(ACCESS).filter((r) => !routes.includes(r)), 'ACCESS names routes that no longer exist').toEqual([]);
  });

  it('answers every route for every caller as the table says', async () => {
    const failures: string[] = [];
    let shared: Awaited<ReturnType<typeof fixture>> | undefined;
    for (const route of routes) {
      const access = accessOf(route);
      if (!access) continue;
      const [method, path] = route.split(' ') as [string, string];
      // Each route on one customer's order gets its own, as the owner's call may cancel or change it.
      const f = typeof access === 'object' && access.owned ? await fixture() : (shared ??= await fixture());
      const statuses = new Map<Caller, number>();
      for (const caller of CALLERS) {
        const token = caller === 'anonymous' ? null : caller === 'owner' ? f.owner : caller === 'other customer' ? other : staff[caller];
        const body = method === 'GET' || method === 'DELETE' ? undefined : (BODIES[route] ?? {});
        const res = await h.app.inject({
          method: method as 'GET', url: urlFor(path, f),
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
        });
        statuses.set(caller, res.statusCode);
        const want = expected(access, caller);
        const got = outcome(res);
        if (got !== want) failures.push(`${route} as ${caller}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
      // A bearer token changes nothing on a signed callback: the signature alone decides.
      if (access === 'signed' && new Set(statuses.values()).size !== 1) failures.push(`${route}: answers differ by caller ${JSON.stringify([...statuses])}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('tells another customer that an order is not found, exactly as for an order that does not exist', async () => {
    const f = await fixture();
    const theirs = await h.get(`/api/v1/orders/${f.orderId}`, other);
    const none = await h.get('/api/v1/orders/HK-does-not-exist', other);
    expect(theirs.statusCode).toBe(404);
    expect(json(theirs).error.code).toBe(json(none).error.code);
  });

  it('hides another customer\'s return, and lets neither them nor staff give its tracking number', async () => {
    const { c, order } = await deliveredOrder(h, 'cm-129');
    const ret = json(await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'changed_mind' }));
    expect(ret.id).toBeDefined();
    const seen = await h.get(`/api/v1/returns/${ret.id}`, other);
    expect([seen.statusCode, json(seen).error.code]).toEqual([404, 'RETURN.NOT_FOUND']);
    const given = await h.post(`/api/v1/returns/${ret.id}/tracking`, other, { trackingNo: 'SF0000000009' });
    expect(given.statusCode).toBe(404);
    expect((await h.post(`/api/v1/returns/${ret.id}/tracking`, staff.agent, { trackingNo: 'SF0000000009' })).statusCode).toBe(403);
    expect(json(await h.get(`/api/v1/returns/${ret.id}`, c.token)).returnTrackingNo ?? null).toBeNull();
    expect((await h.get(`/api/v1/returns/${ret.id}`, staff.agent)).statusCode).toBe(200);
  });
});
