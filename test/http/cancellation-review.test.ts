// Cancellation requests that an agent reviews: identity check, approve, reject, withdraw, the priority
// channel, a concurrent approve and reject, and bad input or wrong roles changing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
let agent: string;
let supervisor: string;
beforeAll(async () => {
  h = await startHarness();
  agent = await h.staff('agent');
  supervisor = await h.staff('supervisor');
  // Every order here (50.00 yuan and up) is over the threshold: they all go to review.
  const patched = await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${await h.staff('operator')}`, 'content-type': 'application/json' }, payload: JSON.stringify({ expressRefundMaxFen: 1000 }) });
  expect(patched.statusCode).toBe(200);
});
afterAll(async () => { await h?.close(); });

async function paid(c?: { token: string; customerId: string }) {
  const customer = c ?? (await h.customer());
  const { order, residentId } = await h.paidOrder(customer.token, { planId: 'cm-129' });
  return { c: customer, order, residentId };
}

async function applied(reasonCode = 'wrong_plan', reasonText?: string) {
  const p = await paid();
  const res = await h.post(`/api/v1/orders/${p.order.id}/cancellation-requests`, p.c.token, { reasonCode, ...(reasonText ? { reasonText } : {}) });
  expect(res.statusCode).toBe(201);
  return { ...p, request: json(res).request };
}

const identity = (token: string, requestId: string, body: unknown) => h.post(`/api/v1/cancellation-requests/${requestId}/identity`, token, body);
const inbox = async (orderId: string, token: string) => json(await h.get(`/api/v1/notifications?orderId=${orderId}`, token)).notifications.reverse();
const events = async (orderId: string, token: string) => json(await h.get(`/api/v1/orders/${orderId}/events`, token)).events;
const wrongId = (id: string) => (id.startsWith('11') ? `22${id.slice(2)}` : `11${id.slice(2)}`);

describe('an agent approves a request', () => {
  it('waits for the identity check, then cancels the order, releases the number, refunds, and completes', async () => {
    const { c, order, residentId, request } = await applied('wrong_plan', '想换成更便宜的套餐');
    expect(request).toMatchObject({ state: 'requested', express: false, identityVerified: false, staff: null });
    expect(request.timeLeftMs).toBe(24 * 3_600_000);
    expect(json(await h.get(`/api/v1/orders/${order.id}/cancellation`, c.token))).toMatchObject({ path: 'in_progress', openRequestId: request.id });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).cancellation).toMatchObject({ progress: { stage: 'under_review' }, requestId: request.id });

    const queue = json(await h.get('/api/v1/agent/requests', agent)).requests;
    expect(queue.find((q: any) => q.id === request.id)).toMatchObject({ timeLeftMs: 24 * 3_600_000, staff: { queue: 'standard', escalationLevel: 0, order: { state: 'paid', amountFen: order.amountFen } } });

    const before = await h.snapshot();
    const tooEarly = await h.post(`/api/v1/agent/requests/${request.id}/approve`, agent, {});
    expect(tooEarly.statusCode).toBe(409);
    expect(json(tooEarly).error.code).toBe('IDENTITY.NOT_VERIFIED');
    expect(await h.snapshot()).toEqual(before);

    const verified = await identity(c.token, request.id, { residentId: residentId.toLowerCase() });
    expect(verified.statusCode).toBe(200);
    expect(json(verified).identityVerified).toBe(true);
    expect(json(await h.post(`/api/v1/agent/requests/${request.id}/claim`, agent)).staff.assigneeId).toBe('A-agent');

    h.clock.advance(3_600_000);
    const approved = await h.post(`/api/v1/agent/requests/${request.id}/approve`, agent, { note: '客户确认取消' });
    expect(approved.statusCode).toBe(200);
    expect(json(approved)).toMatchObject({ request: { state: 'approved' }, order: { state: 'cancelled', closeReason: 'customer_cancelled', cancellation: { progress: { stage: 'cancelling' } } } });

    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).cancellation.progress.stage).toBe('cancelled');
    expect(json(await h.get(`/api/v1/cancellation-requests/${request.id}`, c.token)).state).toBe('completed');
    const templates = (await inbox(order.id, c.token)).map((n: any) => n.template);
    expect(templates).toEqual(expect.arrayContaining(['cancellation_requested', 'cancellation_approved', 'refund_started', 'refund_arrived', 'cancellation_completed']));
    const trail = await events(order.id, c.token);
    expect(trail.find((e: any) => e.action === 'request.approved')).toMatchObject({ actorType: 'agent', actorId: 'A-agent', automatic: false });
    expect(trail.find((e: any) => e.action === 'order.cancelled')).toMatchObject({ actorType: 'agent', actorId: 'A-agent', fromState: 'paid', toState: 'cancelled' });
    expect(await h.haoka.deps.store.queue.listTimers(order.id)).toEqual([]);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('approves once for one Idempotency-Key sent twice', async () => {
    const { c, order, residentId, request } = await applied();
    await identity(c.token, request.id, { residentId });
    const first = await h.post(`/api/v1/agent/requests/${request.id}/approve`, agent, {}, { 'idempotency-key': `approve-${request.id}` });
    const again = await h.post(`/api/v1/agent/requests/${request.id}/approve`, agent, {}, { 'idempotency-key': `approve-${request.id}` });
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await events(order.id, c.token)).filter((e: any) => e.action === 'request.approved')).toHaveLength(1);
  });
});

describe('an agent rejects a request', () => {
  it('tells the customer why, keeps the order going, and lets the customer apply again', async () => {
    const { c, order, residentId, request } = await applied('found_cheaper');
    await identity(c.token, request.id, { residentId });
    const rejected = await h.post(`/api/v1/agent/requests/${request.id}/reject`, agent, { reason: '号卡已由运营商开卡，无法取消，请签收后办理退货' });
    expect(rejected.statusCode).toBe(200);
    expect(json(rejected)).toMatchObject({ request: { state: 'rejected' }, order: { state: 'paid' } });

    const seen = json(await h.get(`/api/v1/cancellation-requests/${request.id}`, c.token));
    expect(seen).toMatchObject({ state: 'rejected', rejectionReason: '号卡已由运营商开卡，无法取消，请签收后办理退货', progress: { stage: 'rejected' } });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).cancellation.progress.text).toContain('号卡已由运营商开卡');
    await h.haoka.worker.drain();
    const notice = (await inbox(order.id, c.token)).find((n: any) => n.template === 'cancellation_rejected');
    expect(notice.body).toContain('号卡已由运营商开卡');
    expect(h.haoka.sims.notifier.sent.some((m) => m.orderId === order.id && m.channel === 'sms' && m.template === 'cancellation_rejected')).toBe(true);
    expect((await events(order.id, c.token)).find((e: any) => e.action === 'request.rejected')).toMatchObject({ actorType: 'agent', actorId: 'A-agent' });
    expect(await h.haoka.deps.store.refunds.listRefunds(order.id)).toEqual([]);
    expect(await h.haoka.deps.store.queue.listTimers(order.id)).toEqual([]);

    const again = await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'other', reasonText: '还是想取消' });
    expect(again.statusCode).toBe(201);
  });
});

describe('the identity check', () => {
  it('counts wrong resident IDs per order, withdrawing does not reset them, and the sixth try is refused', async () => {
    const { c, order, residentId, request } = await applied();
    const lefts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await identity(c.token, request.id, { residentId: wrongId(residentId) });
      expect(r.statusCode).toBe(422);
      expect(json(r).error.code).toBe('IDENTITY.MISMATCH');
      lefts.push(json(r).error.details.attemptsLeft);
    }
    expect(lefts).toEqual([4, 3, 2]);
    expect((await h.post(`/api/v1/cancellation-requests/${request.id}/withdraw`, c.token)).statusCode).toBe(200);
    const second = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'price' })).request;
    for (const left of [1, 0]) {
      const r = await identity(c.token, second.id, { residentId: wrongId(residentId) });
      expect(json(r).error.details.attemptsLeft).toBe(left);
    }
    const locked = await identity(c.token, second.id, { residentId });
    expect(locked.statusCode).toBe(429);
    expect(json(locked).error.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
    expect(json(await h.get(`/api/v1/cancellation-requests/${second.id}`, c.token)).identityVerified).toBe(false);
    expect((await events(order.id, c.token)).filter((e: any) => e.action === 'request.identity_failed')).toHaveLength(5);
  });

  it('takes an order screenshot only when its bytes are the declared image type and at most 2 MB, and an agent can verify by it', async () => {
    const { c, request } = await applied();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    const before = await h.snapshot();
    const cases: [unknown, number, string][] = [
      [{ screenshot: { contentType: 'image/jpeg', dataBase64: png.toString('base64') } }, 415, 'ATTACHMENT.TYPE_MISMATCH'],
      [{ screenshot: { contentType: 'image/png', dataBase64: Buffer.from('GIF89a-not-a-png').toString('base64') } }, 415, 'ATTACHMENT.TYPE_MISMATCH'],
      [{ screenshot: { contentType: 'image/png', dataBase64: '@@not base64@@' } }, 400, 'ATTACHMENT.INVALID'],
      [{ screenshot: { contentType: 'image/png', dataBase64: Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]).toString('base64') } }, 413, 'ATTACHMENT.TOO_LARGE'],
      [{ screenshot: { contentType: 'image/gif', dataBase64: png.toString('base64') } }, 400, 'REQUEST.INVALID'],
      [{}, 400, 'REQUEST.INVALID'],
    ];
    for (const [body, status, code] of cases) {
      const r = await identity(c.token, request.id, body);
      expect([r.statusCode, json(r).error.code]).toEqual([status, code]);
    }
    expect(await h.snapshot()).toEqual(before);

    const noShot = await h.post(`/api/v1/agent/requests/${request.id}/verify`, agent, { method: 'screenshot' });
    expect(json(noShot).error.code).toBe('IDENTITY.NO_SCREENSHOT');
    expect((await identity(c.token, request.id, { screenshot: { contentType: 'image/png', dataBase64: `data:image/png;base64,${png.toString('base64')}` } })).statusCode).toBe(200);
    const shot = json(await h.get(`/api/v1/agent/requests/${request.id}/screenshot`, agent));
    expect(Buffer.from(shot.dataBase64, 'base64').equals(png)).toBe(true);
    expect(shot).toMatchObject({ contentType: 'image/png', sizeBytes: png.length });
    const verified = json(await h.post(`/api/v1/agent/requests/${request.id}/verify`, agent, { method: 'screenshot' }));
    expect(verified).toMatchObject({ identityVerified: true, staff: { identityMethod: 'agent_screenshot', hasScreenshot: true } });
  });
});

describe('withdrawing', () => {
  it('ends the request before a decision, stops its SLA timers, and an agent can no longer approve it', async () => {
    const { c, order, residentId, request } = await applied();
    await identity(c.token, request.id, { residentId });
    expect((await h.haoka.deps.store.queue.listTimers(order.id)).map((t) => t.kind).sort()).toEqual(['review_sla_breach', 'review_sla_warning']);
    const w = await h.post(`/api/v1/cancellation-requests/${request.id}/withdraw`, c.token);
    expect(json(w)).toMatchObject({ state: 'withdrawn', progress: { stage: 'withdrawn' } });
    expect(await h.haoka.deps.store.queue.listTimers(order.id)).toEqual([]);
    const late = await h.post(`/api/v1/agent/requests/${request.id}/approve`, agent, {});
    expect([late.statusCode, json(late).error.code]).toEqual([409, 'CANCEL_REQUEST.NOT_OPEN']);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('paid');
  });
});

describe('the priority channel (绿色通道)', () => {
  it('routes a customer with three cancellations in 90 days to the priority queue, served only by the priority group', async () => {
    const c = await h.customer();
    for (let i = 0; i < 3; i++) {
      const o = json(await h.placeOrder(c.token));
      expect((await h.post(`/api/v1/orders/${o.id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    }
    const { order, residentId } = await paid(c);
    const preview = json(await h.get(`/api/v1/orders/${order.id}/cancellation`, c.token));
    expect(preview.explanation).toContain('绿色通道');
    const request = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' })).request;
    await identity(c.token, request.id, { residentId });

    const standard = json(await h.get('/api/v1/agent/requests', agent)).requests;
    expect(standard.some((q: any) => q.id === request.id)).toBe(false);
    const refused = await h.post(`/api/v1/agent/requests/${request.id}/approve`, agent, {});
    expect([refused.statusCode, json(refused).error.code]).toEqual([403, 'CANCEL_REQUEST.WRONG_QUEUE']);
    const assignWrong = await h.post(`/api/v1/supervisor/requests/${request.id}/assign`, supervisor, { agentId: 'A-agent' });
    expect(json(assignWrong).error.code).toBe('CANCEL_REQUEST.WRONG_QUEUE');

    const priority = await h.staff('priority');
    const theirs = json(await h.get('/api/v1/agent/requests', priority)).requests;
    expect(theirs.map((q: any) => q.id)).toContain(request.id);
    expect(theirs.every((q: any) => q.staff.queue === 'priority')).toBe(true);
    expect(json(await h.post(`/api/v1/supervisor/requests/${request.id}/assign`, supervisor, { agentId: 'A-priority' })).staff.assigneeId).toBe('A-priority');
    expect((await h.post(`/api/v1/agent/requests/${request.id}/approve`, priority, {})).statusCode).toBe(200);
  });
});

describe('a concurrent approve and reject of one request', () => {
  it('ends with exactly one outcome, the same in the request, the order, the refunds and the audit trail', async () => {
    for (let i = 0; i < 6; i++) {
      const { c, order, residentId, request } = await applied();
      await identity(c.token, request.id, { residentId });
      // Both go out together; which one is sent first alternates.
      const approveNow = () => h.post(`/api/v1/agent/requests/${request.id}/approve`, agent, {});
      const rejectNow = () => h.post(`/api/v1/agent/requests/${request.id}/reject`, supervisor, { reason: '订单信息核实不符' });
      const [approve, reject] = i % 2 ? await Promise.all([approveNow(), rejectNow()]) : (await Promise.all([rejectNow(), approveNow()])).reverse();
      const statuses = [approve!.statusCode, reject!.statusCode].sort();
      expect(statuses).toEqual([200, 409]);
      const loser = approve!.statusCode === 409 ? approve! : reject!;
      expect(json(loser).error.code).toBe('CANCEL_REQUEST.NOT_OPEN');
      const final = json(await h.get(`/api/v1/cancellation-requests/${request.id}`, c.token)).state;
      const o = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
      const trail = (await events(order.id, c.token)).map((e: any) => e.action);
      const refunds = await h.haoka.deps.store.refunds.listRefunds(order.id);
      if (approve!.statusCode === 200) {
        expect([final, o.state, refunds.length]).toEqual(['approved', 'cancelled', 1]);
        expect(trail).not.toContain('request.rejected');
      } else {
        expect([final, o.state, refunds.length]).toEqual(['rejected', 'paid', 0]);
        expect(trail).not.toContain('request.approved');
      }
    }
    await h.haoka.worker.drain();
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });
});

describe('bad input and wrong roles', () => {
  it('get a 4xx with a code and change nothing', async () => {
    const { c, order, request } = await applied();
    const other = await h.customer();
    const unpaid = json(await h.placeOrder(c.token));
    const operator = await h.staff('operator');
    const before = await h.snapshot();
    const requestBefore = await h.haoka.deps.store.requests.get(request.id);
    const cases: [string, string | null, unknown, number, string][] = [
      [`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }, 409, 'CANCEL_REQUEST.ALREADY_OPEN'],
      [`/api/v1/orders/${unpaid.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }, 409, 'ORDER.NOT_CANCELLABLE'],
      [`/api/v1/orders/${unpaid.id}/cancellation-requests`, c.token, { reasonCode: 'no_such_reason' }, 409, 'ORDER.NOT_CANCELLABLE'],
      [`/api/v1/orders/${order.id}/cancellation-requests`, other.token, { reasonCode: 'changed_mind' }, 404, 'ORDER.NOT_FOUND'],
      [`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind', reasonText: 'x'.repeat(501) }, 400, 'REQUEST.INVALID'],
      [`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind', urgent: 'yes' }, 400, 'REQUEST.INVALID'],
      [`/api/v1/orders/${order.id}/cancellation-requests`, c.token, '{"reasonCode":', 400, 'REQUEST.MALFORMED_JSON'],
      [`/api/v1/orders/${order.id}/cancellation-requests`, agent, { reasonCode: 'changed_mind' }, 403, 'AUTH.FORBIDDEN'],
      [`/api/v1/orders/${order.id}/cancellation-requests`, null, { reasonCode: 'changed_mind' }, 401, 'AUTH.REQUIRED'],
      [`/api/v1/agent/requests/${request.id}/approve`, c.token, {}, 403, 'AUTH.FORBIDDEN'],
      [`/api/v1/agent/requests/${request.id}/approve`, operator, {}, 403, 'AUTH.FORBIDDEN'],
      [`/api/v1/agent/requests/${request.id}/approve`, agent, {}, 409, 'IDENTITY.NOT_VERIFIED'],
      [`/api/v1/agent/requests/CRNOSUCH/approve`, agent, {}, 404, 'CANCEL_REQUEST.NOT_FOUND'],
      [`/api/v1/agent/requests/${request.id}/reject`, agent, { reason: '' }, 400, 'REQUEST.INVALID'],
      [`/api/v1/agent/requests/${request.id}/reject`, agent, {}, 400, 'REQUEST.INVALID'],
      [`/api/v1/agent/requests/${request.id}/verify`, agent, { method: 'fingerprint' }, 400, 'REQUEST.INVALID'],
      [`/api/v1/agent/requests/${request.id}/intercept`, agent, undefined, 409, 'CANCEL_REQUEST.INTERCEPTION_NOT_PENDING'],
      [`/api/v1/cancellation-requests/${request.id}/withdraw`, other.token, undefined, 404, 'CANCEL_REQUEST.NOT_FOUND'],
      [`/api/v1/cancellation-requests/${request.id}/withdraw`, agent, undefined, 403, 'AUTH.FORBIDDEN'],
      [`/api/v1/cancellation-requests/${request.id}/identity`, other.token, { residentId: '110105199001010011' }, 404, 'CANCEL_REQUEST.NOT_FOUND'],
      [`/api/v1/supervisor/requests/${request.id}/assign`, supervisor, { agentId: 'A-nobody' }, 404, 'AGENT.NOT_FOUND'],
      [`/api/v1/supervisor/requests/${request.id}/assign`, supervisor, { agentId: 'A-operator' }, 404, 'AGENT.NOT_FOUND'],
      [`/api/v1/supervisor/requests/${request.id}/assign`, agent, { agentId: 'A-agent' }, 403, 'AUTH.FORBIDDEN'],
      [`/api/v1/supervisor/risk-flags`, supervisor, { reason: '缺少对象' }, 400, 'REQUEST.INVALID'],
      [`/api/v1/agent/orders/${unpaid.id}/start-packing`, agent, undefined, 409, 'ORDER.INVALID_TRANSITION'],
      [`/api/v1/agent/orders/${order.id}/start-packing`, agent, undefined, 409, 'ORDER.OPEN_CANCELLATION_REQUEST'],
      [`/api/v1/agent/orders/${order.id}/start-packing`, c.token, undefined, 403, 'AUTH.FORBIDDEN'],
      [`/api/v1/warehouse/orders/${order.id}/shipped`, agent, { trackingNo: 'SF12345678' }, 409, 'ORDER.INVALID_TRANSITION'],
      [`/api/v1/warehouse/orders/${order.id}/shipped`, agent, { trackingNo: '?' }, 400, 'REQUEST.INVALID'],
    ];
    for (const [url, token, body, status, code] of cases) {
      const r = await h.post(url, token, body);
      expect({ url, status: r.statusCode, code: json(r).error?.code }).toEqual({ url, status, code });
    }
    expect(await h.snapshot()).toEqual(before);
    expect(await h.haoka.deps.store.requests.get(request.id)).toEqual(requestBefore);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('paid');
  });

  it('refuses an unknown or retired reason, and "other" without words', async () => {
    const { c, order } = await paid();
    const operator = await h.staff('operator');
    const retire = await h.app.inject({ method: 'PUT', url: '/api/v1/operator/cancellation-reasons/price', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, payload: JSON.stringify({ label: '价格原因', active: false }) });
    expect(retire.statusCode).toBe(200);
    expect(json(await h.get('/api/v1/cancellation-reasons', null)).reasons.map((r: any) => r.code)).not.toContain('price');
    for (const [body, code] of [
      [{ reasonCode: 'price' }, 'CANCEL_REQUEST.UNKNOWN_REASON'],
      [{ reasonCode: 'no_such_reason' }, 'CANCEL_REQUEST.UNKNOWN_REASON'],
      [{ reasonCode: 'other', reasonText: '   ' }, 'CANCEL_REQUEST.REASON_REQUIRED'],
    ] as const) {
      const r = await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, body);
      expect([r.statusCode, json(r).error.code]).toEqual([422, code]);
    }
    expect(await h.haoka.deps.store.requests.listForOrder(order.id)).toEqual([]);
    const restore = await h.app.inject({ method: 'PUT', url: '/api/v1/operator/cancellation-reasons/price', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, payload: JSON.stringify({ label: '价格原因', active: true, sortOrder: 30 }) });
    expect(restore.statusCode).toBe(200);
  });
});

describe('the API', () => {
  it('documents every cancellation request endpoint in the OpenAPI document', async () => {
    const doc = json(await h.get('/openapi.json', null));
    const paths: Record<string, string[]> = {
      '/api/v1/orders/{id}/cancellation-requests': ['post', 'get'],
      '/api/v1/cancellation-requests/{id}': ['get'],
      '/api/v1/cancellation-requests/{id}/withdraw': ['post'],
      '/api/v1/cancellation-requests/{id}/urgent': ['post'],
      '/api/v1/cancellation-requests/{id}/identity': ['post'],
      '/api/v1/cancellation-reasons': ['get'],
      '/api/v1/agent/requests': ['get'],
      '/api/v1/agent/requests/{id}/claim': ['post'],
      '/api/v1/agent/requests/{id}/verify': ['post'],
      '/api/v1/agent/requests/{id}/approve': ['post'],
      '/api/v1/agent/requests/{id}/reject': ['post'],
      '/api/v1/agent/requests/{id}/intercept': ['post'],
      '/api/v1/agent/orders/{id}/start-packing': ['post'],
      '/api/v1/warehouse/orders/{id}/shipped': ['post'],
      '/api/v1/supervisor/escalations': ['get'],
      '/api/v1/supervisor/requests/{id}/assign': ['post'],
      '/api/v1/supervisor/sla-report': ['get'],
    };
    for (const [path, methods] of Object.entries(paths)) for (const m of methods) expect(doc.paths[path]?.[m]?.summary, `${m} ${path}`).toBeTruthy();
    expect(Object.keys(doc.paths['/api/v1/orders/{id}/cancellation-requests'].post.requestBody.content['application/json'].schema.properties)).toEqual(['reasonCode', 'reasonText', 'urgent']);
  });

  it('applies once for one Idempotency-Key sent twice', async () => {
    const { c, order } = await paid();
    const send = () => h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }, { 'idempotency-key': `apply-${order.id}` });
    const first = await send();
    const again = await send();
    expect([first.statusCode, again.statusCode, again.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(json(again).request.id).toBe(json(first).request.id);
    expect(await h.haoka.deps.store.requests.listForOrder(order.id)).toHaveLength(1);
  });
});
