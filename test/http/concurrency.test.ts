import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, residentId, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

describe('many customers want the same number at once', () => {
  it('200 concurrent orders for one number: exactly one succeeds, the rest get a clear conflict', async () => {
    const number = await h.freeNumber();
    const customers = await Promise.all(Array.from({ length: 200 }, () => h.customer()));
    const results = await Promise.all(customers.map((c, i) => h.placeOrder(c.token, { numberId: number.id, residentId: residentId(10_000 + i) })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((s) => s === 201)).toHaveLength(1);
    expect(codes.filter((s) => s === 409)).toHaveLength(199);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(json(r).error.code).toBe('NUMBER.UNAVAILABLE');
    const winner = json(results.find((r) => r.statusCode === 201)!);
    const n = await h.haoka.deps.store.orders.getNumber(number.id);
    expect(n).toMatchObject({ state: 'locked', orderId: winner.id });
    const orders = await h.haoka.deps.store.database.db.selectFrom('orders').select('id').where('number_id', '=', number.id).execute();
    expect(orders).toHaveLength(1);
  });

  it('the real-name limit holds under concurrency: one ID gets at most 5 live cards of a carrier', async () => {
    const c = await h.customer();
    const id = residentId(77_777);
    const numbers = await Promise.all(Array.from({ length: 8 }, () => h.freeNumber()));
    const results = await Promise.all(numbers.map((n) => h.placeOrder(c.token, { numberId: n.id, residentId: id })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(5);
    expect(results.filter((r) => r.statusCode === 409).map((r) => json(r).error.code)).toEqual(Array(3).fill('CUSTOMER.REAL_NAME_LIMIT'));
    // A cancelled order no longer counts.
    const placed = json(results.find((r) => r.statusCode === 201)!);
    await h.post(`/api/v1/orders/${placed.id}/cancel`, c.token, { confirm: true });
    expect((await h.placeOrder(c.token, { residentId: id })).statusCode).toBe(201);
  });
});
