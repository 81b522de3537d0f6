// The review SLA: escalation to supervisors at 80 % and at breach through durable timers under a fake
// clock, the 48-hour ceiling, the agents' queue order and filters, and the supervisors' SLA report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

let h: Harness;
let agent: string;
let supervisor: string;
let operator: string;
const patchSettings = (body: unknown) =>
  h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

beforeAll(async () => {
  h = await startHarness();
  agent = await h.staff('agent');
  supervisor = await h.staff('supervisor');
  operator = await h.staff('operator');
  expect((await patchSettings({ expressRefundMaxFen: 1000 })).statusCode).toBe(200);
});
afterAll(async () => { await h?.close(); });

async function applied(body: Record<string, unknown> = {}) {
  const c = await h.customer();
  const { order, residentId } = await h.paidOrder(c.token, { planId: 'cm-129' });
  const res = await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind', ...body });
  expect(res.statusCode).toBe(201);
  return { c, order, residentId, request: json(res).request };
}

const staffView = async (id: string) => json(await h.get(`/api/v1/cancellation-requests/${id}`, supervisor));
const alerts = (orderId: string) => h.haoka.sims.notifier.sent.filter((m) => m.orderId === orderId && m.customerId === 'A-supervisor').map((m) => m.template);

describe('review SLA escalation', () => {
  it('alerts supervisors at 80 % of the SLA and again at breach, and the queue shows the time left', async () => {
    const { order, request } = await applied();
    const opened = h.clock.now();
    expect(request.dueAt).toBe(opened + 24 * HOUR);

    h.clock.set(opened + Math.floor(24 * HOUR * 0.8) - 1);
    await h.haoka.worker.drain();
    expect((await staffView(request.id)).staff.escalationLevel).toBe(0);

    h.clock.advance(1);
    await h.haoka.worker.drain();
    const warned = await staffView(request.id);
    expect(warned).toMatchObject({ timeLeftMs: Math.ceil(24 * HOUR * 0.2), staff: { escalationLevel: 1, escalatedAt: h.clock.now() } });
    expect(alerts(order.id)).toEqual(['review_sla_warning']);
    expect(json(await h.get('/api/v1/supervisor/escalations', supervisor)).requests.map((q: any) => q.id)).toContain(request.id);
    expect(json(await h.get('/api/v1/agent/requests?escalated=true', agent)).requests.map((q: any) => q.id)).toContain(request.id);

    h.clock.set(opened + 24 * HOUR);
    await h.haoka.worker.drain();
    expect((await staffView(request.id)).staff.escalationLevel).toBe(2);
    expect(alerts(order.id)).toEqual(['review_sla_warning', 'review_sla_breach']);
    h.clock.advance(HOUR);
    expect((await staffView(request.id)).timeLeftMs).toBe(-HOUR);

    const trail = json(await h.get(`/api/v1/orders/${order.id}/events`, supervisor)).events.filter((e: any) => e.action === 'request.escalated');
    expect(trail.map((e: any) => [e.actorType, e.automatic, e.reason.split(' ')[1]])).toEqual([['system', true, 'review_sla_warning'], ['system', true, 'review_sla_breach']]);
    // Fired timers are gone; running the worker again changes nothing.
    await h.haoka.worker.drain();
    expect(alerts(order.id)).toHaveLength(2);
  });

  it('uses the platform setting for new requests while older ones keep the SLA they were opened under', async () => {
    const older = await applied();
    expect((await patchSettings({ reviewSlaMs: HOUR })).statusCode).toBe(200);
    try {
      const newer = await applied();
      expect(newer.request.dueAt - newer.request.createdAt).toBe(HOUR);
      expect(older.request.dueAt - older.request.createdAt).toBe(24 * HOUR);
      h.clock.advance(48 * MIN);
      await h.haoka.worker.drain();
      expect((await staffView(newer.request.id)).staff.escalationLevel).toBe(1);
      expect((await staffView(older.request.id)).staff.escalationLevel).toBe(0);
      h.clock.advance(12 * MIN);
      await h.haoka.worker.drain();
      expect((await staffView(newer.request.id)).staff.escalationLevel).toBe(2);
    } finally {
      expect((await patchSettings({ reviewSlaMs: 24 * HOUR })).statusCode).toBe(200);
    }
  });

  it('refuses an SLA setting outside 1-24 hours and changes nothing', async () => {
    for (const reviewSlaMs of [30 * MIN, 25 * HOUR, 48 * HOUR + 1, 1.5]) {
      const r = await patchSettings({ reviewSlaMs });
      expect([r.statusCode, json(r).error.code]).toEqual([400, 'REQUEST.INVALID']);
    }
    expect(json(await h.get('/api/v1/settings', supervisor)).reviewSlaMs).toBe(24 * HOUR);
  });

  it('lets no request pass 48 hours unescalated, whatever is stored and however late the worker runs', async () => {
    // A value no operator could set, written straight into the store, is not trusted.
    await h.haoka.deps.store.platform.putSetting('reviewSlaMs', 72 * HOUR, 'someone', h.clock.now());
    await h.haoka.deps.settings.update({}, 'test');
    const requests = [];
    for (let i = 0; i < 4; i++) {
      requests.push((await applied(i % 2 ? { urgent: true } : {})).request);
      h.clock.advance(5 * HOUR + 17 * MIN);
    }
    for (const q of requests) expect(q.dueAt - q.createdAt).toBeLessThanOrEqual(48 * HOUR);
    // The worker is down for three days, then catches up in one go.
    h.clock.advance(72 * HOUR);
    await h.haoka.worker.drain();
    for (const q of requests) expect((await staffView(q.id)).staff.escalationLevel).toBe(2);
    const escalations = json(await h.get('/api/v1/supervisor/escalations', supervisor)).requests;
    const open = json(await h.get('/api/v1/agent/requests?limit=200', supervisor)).requests;
    for (const q of open) if (h.clock.now() - q.createdAt >= 48 * HOUR) expect(escalations.map((e: any) => e.id)).toContain(q.id);
    await h.haoka.deps.store.platform.putSetting('reviewSlaMs', 24 * HOUR, 'someone', h.clock.now());
    await h.haoka.deps.settings.update({}, 'test');
  });
});

describe('the agents\u2019 queue', () => {
  it('puts urgent requests first, then the nearest due time, and filters by urgency, escalation and assignee', async () => {
    // Decide everything still open so that only this test's requests are in the queue.
    for (const q of json(await h.get('/api/v1/agent/requests?limit=200', supervisor)).requests) {
      expect((await h.post(`/api/v1/agent/requests/${q.id}/reject`, supervisor, { reason: '测试清理' })).statusCode).toBe(200);
    }
    const a = await applied();
    h.clock.advance(HOUR);
    const b = await applied();
    h.clock.advance(HOUR);
    const c = await applied({ urgent: true });
    h.clock.advance(HOUR);
    const d = await applied();
    expect((await h.post(`/api/v1/cancellation-requests/${d.request.id}/urgent`, d.c.token)).statusCode).toBe(200);

    const ids = (list: any[]) => list.map((q) => q.id);
    const queue = json(await h.get('/api/v1/agent/requests', agent)).requests;
    expect(ids(queue)).toEqual([c.request.id, d.request.id, a.request.id, b.request.id]);
    expect(queue.map((q: any) => q.timeLeftMs)).toEqual([23 * HOUR, 24 * HOUR, 21 * HOUR, 22 * HOUR]);
    expect(ids(json(await h.get('/api/v1/agent/requests?urgent=true', agent)).requests)).toEqual([c.request.id, d.request.id]);
    expect(ids(json(await h.get('/api/v1/agent/requests?escalated=true', agent)).requests)).toEqual([]);
    await h.post(`/api/v1/agent/requests/${a.request.id}/claim`, agent);
    expect(ids(json(await h.get('/api/v1/agent/requests?assignee=me', agent)).requests)).toEqual([a.request.id]);
    expect(ids(json(await h.get('/api/v1/agent/requests?assignee=unassigned', agent)).requests)).toEqual([c.request.id, d.request.id, b.request.id]);
    const bad = await h.get('/api/v1/agent/requests?urgent=maybe', agent);
    expect([bad.statusCode, json(bad).error.code]).toEqual([400, 'REQUEST.INVALID']);
    const customer = await h.get('/api/v1/agent/requests', a.c.token);
    expect([customer.statusCode, json(customer).error.code]).toEqual([403, 'AUTH.FORBIDDEN']);
  });
});

describe('the SLA report', () => {
  it('counts requests answered in time and late, open and overdue, escalations and reasons', async () => {
    h.clock.advance(1);
    const from = h.clock.now();
    const inTime = await applied({ reasonCode: 'wrong_address' });
    const late = await applied();
    await applied(); // left open
    await h.post(`/api/v1/cancellation-requests/${inTime.request.id}/identity`, inTime.c.token, { residentId: inTime.residentId });
    await h.post(`/api/v1/cancellation-requests/${late.request.id}/identity`, late.c.token, { residentId: late.residentId });
    h.clock.advance(2 * HOUR);
    expect((await h.post(`/api/v1/agent/requests/${inTime.request.id}/approve`, agent, {})).statusCode).toBe(200);
    h.clock.advance(23 * HOUR);
    await h.haoka.worker.drain();
    expect((await h.post(`/api/v1/agent/requests/${late.request.id}/reject`, agent, { reason: '已超过可取消时间' })).statusCode).toBe(200);
    const report = json(await h.get(`/api/v1/supervisor/sla-report?from=${from}&to=${h.clock.now()}`, supervisor));
    expect(report).toMatchObject({
      opened: 3, express: 0, reviewed: 2, reviewedWithinSla: 1, reviewedLate: 1, open: 1, openOverdue: 1,
      escalatedAtWarning: 2, escalatedAtBreach: 2, meanReviewMs: Math.round((2 * HOUR + 25 * HOUR) / 2), withinSlaRate: 0.5,
      byReason: { wrong_address: 1, changed_mind: 2 },
    });
    expect(report.byQueue.standard).toMatchObject({ opened: 3, reviewed: 2, reviewedLate: 1, open: 1, openOverdue: 1 });
    const forbidden = await h.get('/api/v1/supervisor/sla-report', agent);
    expect(forbidden.statusCode).toBe(403);
  });
});
