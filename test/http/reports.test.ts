// The operator dashboard's report: cancellations by the state they left and by reason, manual vs timed-out closes,
// review SLA, refund arrival by channel and the express share; roles and a bad range are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
let operator: string;
let start: number;
beforeAll(async () => {
  h = await startHarness();
  operator = await h.staff('operator');
  start = h.clock.now();
});
afterAll(async () => { await h?.close(); });

const report = async (token: string, q = '') => h.get(`/api/v1/reports/cancellations${q}`, token);

describe('the cancellation report', () => {
  it('counts a manual cancel, a timed-out close and an express cancellation, each where it belongs', async () => {
    const empty = json(await report(operator));
    expect(empty.totals).toEqual({ cancelled: 0, manual: 0, timedOut: 0 });
    expect(empty.days.length).toBeGreaterThanOrEqual(30);
    expect(empty.sla.withinSlaRate).toBeNull();

    // An unpaid order cancelled by its customer, with a reason.
    const a = await h.customer();
    const placed = json(await h.placeOrder(a.token));
    expect((await h.post(`/api/v1/orders/${placed.id}/cancel`, a.token, { confirm: true, reason: 'wrong_plan' })).statusCode).toBe(200);

    // An unpaid order left to its deadline.
    const b = await h.customer();
    json(await h.placeOrder(b.token));
    h.clock.advance(31 * 60_000);
    await h.haoka.worker.drain();

    // A paid order under the express threshold: cancelled at once, refunded, no review.
    const c = await h.customer();
    const { order } = await h.paidOrder(c.token, { planId: 'cm-129' });
    const applied = await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'duplicate_order' });
    expect(json(applied).path).toBe('express');
    await h.haoka.worker.drain();

    const r = json(await report(operator, `?from=${start - 1000}&to=${h.clock.now() + 1}`));
    expect(r.totals).toEqual({ cancelled: 3, manual: 2, timedOut: 1 });
    expect(r.byState).toEqual({ pending_payment: 2, paid: 1 });
    expect(r.byReason).toEqual({ wrong_plan: 1, duplicate_order: 1 });
    expect(r.sla).toMatchObject({ requests: 1, express: 1, reviewed: 0, open: 0 });
    expect(r.refunds).toMatchObject({ total: 1, express: 1, expressShare: 1 });
    expect(r.refunds.byChannel.alipay.arrived).toBe(1);
    expect(r.refunds.byChannel.alipay.meanHoursToArrival).toEqual(expect.any(Number));
    const day = r.days.find((d: any) => d.manual + d.timedOut > 0);
    expect(day.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.days.reduce((n: number, d: any) => n + d.manual + d.timedOut, 0)).toBe(3);

    // Supervisors read it too.
    expect((await report(await h.staff('supervisor'))).statusCode).toBe(200);
  });

  it('is for operators and supervisors only, and refuses a range that runs backwards or is too long', async () => {
    const c = await h.customer();
    expect((await report(c.token)).statusCode).toBe(403);
    expect((await report(await h.staff('agent'))).statusCode).toBe(403);
    expect((await h.get('/api/v1/reports/cancellations', null)).statusCode).toBe(401);
    const backwards = await report(operator, '?from=2000&to=1000');
    expect(backwards.statusCode).toBe(400);
    expect(json(backwards).error.code).toBe('REQUEST.INVALID');
    expect((await report(operator, `?from=0&to=${400 * 86_400_000}`)).statusCode).toBe(400);
    expect((await report(operator, '?from=abc')).statusCode).toBe(400);
  });
});

describe('a customer\'s cancellation history', () => {
  it('lists the customer\'s cancelled orders and requests of the last 90 days, for staff only', async () => {
    const agent = await h.staff('agent');
    const c = await h.customer();
    const placed = json(await h.placeOrder(c.token));
    await h.post(`/api/v1/orders/${placed.id}/cancel`, c.token, { confirm: true, reason: 'price' });
    const { order } = await h.paidOrder(c.token, { planId: 'cm-129' });
    await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'found_cheaper' });
    await h.haoka.worker.drain();

    const r = json(await h.get(`/api/v1/agent/customers/${c.customerId}/cancellations`, agent));
    expect(r.cancelledOrders.map((o: any) => o.orderId).sort()).toEqual([placed.id, order.id].sort());
    expect(r.requests).toEqual([expect.objectContaining({ orderId: order.id, reasonCode: 'found_cheaper', express: true })]);

    // Older than the window: not listed.
    h.clock.advance(91 * 86_400_000);
    const later = json(await h.get(`/api/v1/agent/customers/${c.customerId}/cancellations`, await h.staff('agent')));
    expect(later).toMatchObject({ cancelledOrders: [], requests: [] });

    expect((await h.get(`/api/v1/agent/customers/${c.customerId}/cancellations`, (await h.customer()).token)).statusCode).toBe(403);
    expect((await h.get(`/api/v1/agent/customers/${c.customerId}/cancellations?days=0`, await h.staff('agent'))).statusCode).toBe(400);
  });
});
