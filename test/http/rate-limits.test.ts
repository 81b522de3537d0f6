// Rate limits on identity checks and on the assistant: per account, on top of the per-order lock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // Every order goes to review, so each has an open request whose identity can be checked.
  const patched = await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${await h.staff('operator')}`, 'content-type': 'application/json' }, payload: JSON.stringify({ expressRefundMaxFen: 1000 }) });
  expect(patched.statusCode).toBe(200);
});
afterAll(async () => { await h?.close(); });

const wrongId = (id: string) => (id.startsWith('11') ? `22${id.slice(2)}` : `11${id.slice(2)}`);

async function openRequest(c: { token: string }) {
  const { order, residentId } = await h.paidOrder(c.token, { planId: 'cm-129' });
  const res = await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'wrong_plan' });
  expect(res.statusCode).toBe(201);
  return { orderId: order.id as string, requestId: json(res).request.id as string, residentId };
}

describe('identity checks are rate limited per account', () => {
  it('refuses a customer who spreads guesses over several orders after ten tries, and lets them in again after the window', async () => {
    const c = await h.customer();
    const requests = [await openRequest(c), await openRequest(c), await openRequest(c)];
    const statuses: number[] = [];
    // Four wrong IDs on each of three orders: under every order's own lock of five, over the account's ten.
    for (const r of requests) {
      for (let i = 0; i < 4; i++) statuses.push((await h.post(`/api/v1/cancellation-requests/${r.requestId}/identity`, c.token, { residentId: wrongId(r.residentId) })).statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 422)).toBe(true);
    const limited = await h.post(`/api/v1/cancellation-requests/${requests[2]!.requestId}/identity`, c.token, { residentId: requests[2]!.residentId });
    expect(limited.statusCode).toBe(429);
    expect(json(limited).error).toMatchObject({ code: 'REQUEST.RATE_LIMITED', details: { limit: 'identity-checks' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(statuses.slice(10)).toEqual([429, 429]);

    // Another customer is not held back by this one.
    const d = await h.customer();
    const theirs = await openRequest(d);
    expect((await h.post(`/api/v1/cancellation-requests/${theirs.requestId}/identity`, d.token, { residentId: theirs.residentId })).statusCode).toBe(200);

    h.clock.advance(15 * 60_000);
    const later = await h.post(`/api/v1/cancellation-requests/${requests[2]!.requestId}/identity`, c.token, { residentId: requests[2]!.residentId });
    expect(later.statusCode).toBe(200);
    expect(json(later).identityVerified).toBe(true);
  });

  it('does not count a check sent again under its Idempotency-Key: a lost answer costs no allowance', async () => {
    const c = await h.customer();
    const r = await openRequest(c);
    const check = (key: string, residentId: string) => h.post(`/api/v1/cancellation-requests/${r.requestId}/identity`, c.token, { residentId }, { 'idempotency-key': key });
    const first = await check('check-1', wrongId(r.residentId));
    expect(first.statusCode).toBe(422);
    const again: (string | number | undefined)[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await check('check-1', wrongId(r.residentId));
      again.push(res.statusCode === 422 && res.headers['idempotent-replayed'] === 'true' ? 'replayed' : res.statusCode);
    }
    expect(again).toEqual(Array(12).fill('replayed'));
    // One wrong ID so far: the right one is taken.
    const right = await check('check-2', r.residentId);
    expect([right.statusCode, json(right).identityVerified]).toEqual([200, true]);
  });

  it('limits an agent reading out resident IDs on calls in a loop', async () => {
    const agent = await h.staff('priority');
    const c = await h.customer();
    const r = await openRequest(c);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await h.post(`/api/v1/agent/requests/${r.requestId}/verify`, agent, { method: 'resident_id', residentId: wrongId(r.residentId) })).statusCode);
    }
    expect(statuses.slice(0, 10)).not.toContain(429);
    expect(statuses[10]).toBe(429);
  });
});

describe('the assistant is rate limited per customer', () => {
  it('answers thirty messages a minute and refuses the thirty-first with a retry time', async () => {
    const c = await h.customer();
    const placed = await h.placeOrder(c.token);
    const orderId = json(placed).id as string;
    for (let i = 0; i < 30; i++) {
      const res = await h.post(`/api/v1/orders/${orderId}/assistant`, c.token, { message: '我的订单还能取消吗' });
      expect(res.statusCode).toBe(200);
    }
    const limited = await h.post(`/api/v1/orders/${orderId}/assistant`, c.token, { message: '我的订单还能取消吗' });
    expect(limited.statusCode).toBe(429);
    expect(json(limited).error.details.limit).toBe('assistant-messages');
    h.clock.advance(60_000);
    expect((await h.post(`/api/v1/orders/${orderId}/assistant`, c.token, { message: '我的订单还能取消吗' })).statusCode).toBe(200);
  });
});
