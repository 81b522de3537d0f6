import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

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
