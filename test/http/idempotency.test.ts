import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { IDEMPOTENCY_TTL_MS, openAnswer } from '../../src/http/idempotency.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
/** The record under a key, its sealed answer opened. */
const keyRow = async (scope: string, key: string) => {
  const row = await h.haoka.deps.store.platform.getIdempotencyKey(scope, key);
  return row && { ...row, response: row.response === null ? null : openAnswer(h.haoka.deps, row.response) };
};

describe('Idempotency-Key on POST', () => {
  it('the same key and body return the first response and place one order', async () => {
    const c = await h.customer();
    const number = await h.freeNumber();
    const body = { planId: 'cm-58', numberId: number.id, contactName: '李四', contactPhone: '13800138000', residentId: '11010519491231002X', address: { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' } };
    const first = await h.post('/api/v1/orders', c.token, body, { 'idempotency-key': 'k-1' });
    const second = await h.post('/api/v1/orders', c.token, body, { 'idempotency-key': 'k-1' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(json(await h.get('/api/v1/orders', c.token)).orders).toHaveLength(1);
  });

  it('the same key with another body is refused', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true, reason: 'a' }, { 'idempotency-key': 'k-2' });
    const other = await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true, reason: 'b' }, { 'idempotency-key': 'k-2' });
    expect(other.statusCode).toBe(422);
    expect(json(other).error.code).toBe('IDEMPOTENCY.KEY_REUSED');
  });

  it('replays a refusal too, so a retried cancel does not turn into a different answer', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const a = await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true }, { 'idempotency-key': 'k-3' });
    const b = await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true }, { 'idempotency-key': 'k-3' });
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events;
    expect(events.filter((e: any) => e.action === 'order.cancelled')).toHaveLength(1);
  });

  it('keys belong to their caller: another customer with the same key is a different request', async () => {
    const a = await h.customer();
    const b = await h.customer();
    expect((await h.placeOrder(a.token, {}).then(() => h.post('/api/v1/auth/code', null, { phone: '13900000001' }, { 'idempotency-key': 'shared' }))).statusCode).toBe(200);
    const other = await h.post('/api/v1/auth/code', null, { phone: '13900000002' }, { 'idempotency-key': 'shared' });
    expect(json(other).error.code).toBe('IDEMPOTENCY.KEY_REUSED');
    const mine = await h.post('/api/v1/orders', b.token, {}, { 'idempotency-key': 'shared' });
    expect(mine.statusCode).toBe(400);
  });
});

describe('Idempotency-Key written with the effect (place, cancel, cancellation requests)', () => {
  const orderBody = (numberId: string, n: string) => ({ planId: 'cm-58', numberId, contactName: '王五', contactPhone: '13800138000', residentId: n, address: { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' } });

  it('keeps the key with the answer the client got, in the order\'s own transaction', async () => {
    const c = await h.customer();
    const number = await h.freeNumber();
    const placed = await h.post('/api/v1/orders', c.token, orderBody(number.id, '11010519491231002X'), { 'idempotency-key': 'tx-1' });
    expect(placed.statusCode).toBe(201);
    expect(await keyRow(c.customerId, 'tx-1')).toMatchObject({ status_code: 201, response: placed.body, method: 'POST', path: '/api/v1/orders' });
  });

  it('a use case that fails writes no key, so a retry with the same key runs again', async () => {
    const holder = await h.customer();
    const c = await h.customer();
    const number = await h.freeNumber();
    const held = json(await h.placeOrder(holder.token, { numberId: number.id }));
    const body = orderBody(number.id, '11010519491231002X');
    const valid = await h.post('/api/v1/orders', c.token, body, { 'idempotency-key': 'tx-2' });
    expect(valid.statusCode).toBe(409);
    expect(json(valid).error.code).toBe('NUMBER.UNAVAILABLE');
    expect(await keyRow(c.customerId, 'tx-2')).toBeUndefined();
    // The number comes free; the same request with the same key now places the order.
    expect((await h.post(`/api/v1/orders/${held.id}/cancel`, holder.token, { confirm: true })).statusCode).toBe(200);
    const retry = await h.post('/api/v1/orders', c.token, body, { 'idempotency-key': 'tx-2' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(json(retry).number).toBe(number.number);
  });

  it('a request repeated after its order was cancelled replays the first answer and places nothing more', async () => {
    const c = await h.customer();
    const number = await h.freeNumber();
    const body = orderBody(number.id, '11010519491231002X');
    const placed = await h.post('/api/v1/orders', c.token, body, { 'idempotency-key': 'tx-8' });
    expect(placed.statusCode).toBe(201);
    // The number is free again, so placing would succeed: the key, not the state, says this was done.
    expect((await h.post(`/api/v1/orders/${json(placed).id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    const again = await h.post('/api/v1/orders', c.token, body, { 'idempotency-key': 'tx-8' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(placed.body);
    expect(json(await h.get('/api/v1/orders', c.token)).orders.map((o: any) => o.state)).toEqual(['cancelled']);
    expect(await h.haoka.deps.store.orders.getNumber(number.id)).toMatchObject({ state: 'free', orderId: null });
  });

  it('a key past its day is taken again by the request that succeeds with it', async () => {
    const c = await h.customer();
    const number = await h.freeNumber();
    const body = orderBody(number.id, '11010519491231002X');
    const placed = await h.post('/api/v1/orders', c.token, body, { 'idempotency-key': 'tx-9' });
    expect((await h.post(`/api/v1/orders/${json(placed).id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    h.clock.advance(IDEMPOTENCY_TTL_MS);
    const later = await h.post('/api/v1/orders', c.token, body, { 'idempotency-key': 'tx-9' });
    expect(later.statusCode).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(json(later).id).not.toBe(json(placed).id);
    expect(await keyRow(c.customerId, 'tx-9')).toMatchObject({ status_code: 201, response: later.body });
  });

  it('the same key and body sent at once: one order, and every caller gets the same answer', async () => {
    const c = await h.customer();
    const number = await h.freeNumber();
    const body = orderBody(number.id, '11010519491231002X');
    const answers = await Promise.all(Array.from({ length: 6 }, () => h.post('/api/v1/orders', c.token, body, { 'idempotency-key': 'tx-3' })));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(5);
    expect(json(await h.get('/api/v1/orders', c.token)).orders).toHaveLength(1);
  });

  it('a cancel sent twice at once with one key cancels once and answers both alike', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const [a, b] = await Promise.all([0, 1].map(() => h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true }, { 'idempotency-key': 'tx-4' })));
    expect([a!.statusCode, b!.statusCode]).toEqual([200, 200]);
    expect(b!.body).toBe(a!.body);
    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events;
    expect(events.filter((e: any) => e.action === 'order.cancelled')).toHaveLength(1);
  });

  it('a cancellation request retried with its key opens one request and replays the first answer', async () => {
    const c = await h.customer();
    const { order } = await h.paidOrder(c.token);
    const send = () => h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }, { 'idempotency-key': 'tx-5' });
    const [a, b] = await Promise.all([send(), send()]);
    const c3 = await send();
    expect(a!.statusCode).toBe(201);
    expect(b!.body).toBe(a!.body);
    expect(c3.body).toBe(a!.body);
    expect(json(await h.get(`/api/v1/orders/${order.id}/cancellation-requests`, c.token)).requests).toHaveLength(1);
  });

  it('opening a payment twice at once with one key opens one payment, and both get its pay URL', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const send = () => h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'alipay' }, { 'idempotency-key': 'tx-7' });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a!.statusCode, b!.statusCode]).toEqual([201, 201]);
    expect(b!.body).toBe(a!.body);
    expect(json(await h.get(`/api/v1/orders/${order.id}/payments`, c.token)).payments).toHaveLength(1);
    expect(await keyRow(c.customerId, 'tx-7')).toMatchObject({ status_code: 201, response: a!.body });
  });

  it('a key expires after a day: the same request is then a new one', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const first = await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true }, { 'idempotency-key': 'tx-6' });
    expect(first.statusCode).toBe(200);
    h.clock.advance(IDEMPOTENCY_TTL_MS);
    const later = await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true }, { 'idempotency-key': 'tx-6' });
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.statusCode).toBe(409);
    expect(json(later).error.code).toBe('ORDER.NOT_CANCELLABLE');
  });
});

describe('Idempotency-Key written with the decision (identity check, approval)', () => {
  /** A paid order over the express ceiling: its cancellation waits for an agent. */
  async function reviewed() {
    const operator = await h.staff('operator');
    const patched = await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, payload: JSON.stringify({ expressRefundMaxFen: 1000 }) });
    expect(patched.statusCode).toBe(200);
    const c = await h.customer();
    const { order, residentId } = await h.paidOrder(c.token, { planId: 'cm-129' });
    const applied = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }));
    expect(applied.path).toBe('review');
    return { c, order, residentId, requestId: applied.request.id as string };
  }

  it('a wrong resident ID sent twice at once with one key is counted once, and both callers get the same refusal', async () => {
    const { c, residentId, requestId } = await reviewed();
    const wrong = residentId.startsWith('11') ? `22${residentId.slice(2)}` : `11${residentId.slice(2)}`;
    const send = () => h.post(`/api/v1/cancellation-requests/${requestId}/identity`, c.token, { residentId: wrong }, { 'idempotency-key': 'tx-id-1' });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a!.statusCode, b!.statusCode]).toEqual([422, 422]);
    expect(json(a!).error).toMatchObject({ code: 'IDENTITY.MISMATCH', details: { attemptsLeft: 4 } });
    expect(b!.body).toBe(a!.body);
    expect(await h.haoka.deps.store.requests.identityFailures((await h.haoka.deps.store.requests.get(requestId))!.orderId)).toBe(1);
    expect(await keyRow(c.customerId, 'tx-id-1')).toMatchObject({ status_code: 422, response: a!.body });
  });

  it('an approval sent twice at once with one key approves once, and both callers get its answer', async () => {
    const { c, residentId, requestId } = await reviewed();
    expect((await h.post(`/api/v1/cancellation-requests/${requestId}/identity`, c.token, { residentId }, { 'idempotency-key': 'tx-id-2' })).statusCode).toBe(200);
    const agent = await h.staff('agent');
    const send = () => h.post(`/api/v1/agent/requests/${requestId}/approve`, agent, {}, { 'idempotency-key': 'tx-approve-1' });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a!.statusCode, b!.statusCode]).toEqual([200, 200]);
    expect(b!.body).toBe(a!.body);
    expect(json(a!)).toMatchObject({ request: { state: 'approved' }, order: { state: 'cancelled' } });
    const events = json(await h.get(`/api/v1/orders/${json(a!).order.id}/events`, c.token)).events;
    expect(events.filter((e: any) => e.action === 'request.approved')).toHaveLength(1);
  });
});
