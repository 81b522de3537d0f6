import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, json, residentId, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

/** Sends a request and checks: a 4xx with the stable code, and not one row written anywhere. */
async function refused(send: () => Promise<{ statusCode: number; body: string }>, status: number, code: string) {
  const before = await h.snapshot();
  const res = await send();
  expect(res.statusCode).toBe(status);
  const body = JSON.parse(res.body);
  expect(body.error).toMatchObject({ code, message: expect.any(String) });
  expect(await h.snapshot()).toEqual(before);
}

describe('bad input gets a clear error and writes nothing', () => {
  it('malformed JSON', async () => {
    const c = await h.customer();
    await refused(() => h.post('/api/v1/orders', c.token, '{"planId": "cm-58",'), 400, 'REQUEST.MALFORMED_JSON');
  });

  it('a resident ID with a wrong check digit', async () => {
    const c = await h.customer();
    const good = residentId(4242);
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    await refused(() => h.placeOrder(c.token, { residentId: bad }), 422, 'CUSTOMER.INVALID_RESIDENT_ID');
  });

  it('an unknown plan, an unknown number, a number of another carrier', async () => {
    const c = await h.customer();
    await refused(() => h.placeOrder(c.token, { planId: 'no-such-plan' }), 404, 'PLAN.NOT_FOUND');
    await refused(() => h.placeOrder(c.token, { numberId: 'N00000000000' }), 404, 'NUMBER.NOT_FOUND');
    const unicom = await h.freeNumber('china_unicom');
    await refused(() => h.placeOrder(c.token, { numberId: unicom.id }), 422, 'PLAN.CARRIER_MISMATCH');
  });

  it('missing or ill-typed fields name the field', async () => {
    const c = await h.customer();
    const res = await h.post('/api/v1/orders', c.token, { planId: 'cm-58', contactName: '', contactPhone: '123', residentId: residentId(1), address: ADDRESS });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.code).toBe('REQUEST.INVALID');
    expect(json(res).error.message).toContain('numberId');
    expect(json(res).error.message).toContain('contactPhone');
  });

  it("someone else's order is not found, for reading and for cancelling", async () => {
    const owner = await h.customer();
    const stranger = await h.customer();
    const order = json(await h.placeOrder(owner.token));
    expect((await h.get(`/api/v1/orders/${order.id}`, stranger.token)).statusCode).toBe(404);
    await refused(() => h.post(`/api/v1/orders/${order.id}/cancel`, stranger.token, { confirm: true }), 404, 'ORDER.NOT_FOUND');
    await refused(() => h.post(`/api/v1/orders/${order.id}/payments`, stranger.token, { channel: 'alipay' }), 404, 'ORDER.NOT_FOUND');
  });

  it('a cancel without the confirmation', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    await refused(() => h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: false }), 422, 'ORDER.CONFIRMATION_REQUIRED');
    await refused(() => h.post(`/api/v1/orders/${order.id}/cancel`, c.token, {}), 422, 'ORDER.CONFIRMATION_REQUIRED');
  });

  it('no token, a forged token, or the wrong role', async () => {
    await refused(() => h.placeOrder(''), 401, 'AUTH.REQUIRED');
    await refused(() => h.post('/api/v1/orders', 'v1.e30.forged', {}), 401, 'AUTH.INVALID_TOKEN');
    const agent = await h.staff('agent');
    await refused(() => h.placeOrder(agent), 403, 'AUTH.FORBIDDEN');
    const c = await h.customer();
    const patch = await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' }, payload: '{"paymentTimeoutMs":60000}' });
    expect(json(patch).error.code).toBe('AUTH.FORBIDDEN');
  });

  it('an unknown route or a body that is not JSON', async () => {
    const c = await h.customer();
    expect(json(await h.get('/api/v1/nothing-here', c.token)).error.code).toBe('REQUEST.NOT_FOUND');
    await refused(() => h.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'text/plain' }, payload: 'hello' }), 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it('operator settings outside their allowed ranges', async () => {
    const ops = await h.staff('operator');
    const send = (body: unknown) => h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    expect(json(await send({ paymentTimeoutMs: 10 })).error.code).toBe('REQUEST.INVALID');
    expect(json(await send({ reminderBeforeMs: 3_600_000, paymentTimeoutMs: 600_000 })).error.code).toBe('SETTINGS.INVALID');
    expect(json(await send({ unknownSetting: 1 })).error.code).toBe('REQUEST.INVALID');
  });
});

describe('operators change the rules and new orders follow them', () => {
  it('a new payment timeout applies to the next order', async () => {
    const ops = await h.staff('operator');
    const res = await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/json' }, payload: JSON.stringify({ paymentTimeoutMs: 10 * 60_000 }) });
    expect(res.statusCode).toBe(200);
    expect(json(res).paymentTimeoutMs).toBe(600_000);
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    expect(order.paymentDeadline - order.createdAt).toBe(600_000);
    await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/json' }, payload: JSON.stringify({ paymentTimeoutMs: 30 * 60_000 }) });
  });
});
