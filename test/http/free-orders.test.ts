// A card that costs nothing (a free plan on a plain number) needs no payment: the order is confirmed at once, with
// no countdown and no channel, and cancelling it before shipping releases the number with nothing to refund.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

describe('a free order', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h?.close(); });

  async function freeOrder() {
    const c = await h.customer();
    const n = await h.freeNumber();
    // The test catalog charges a card fee (fixtures/catalog.ts); this number is a plain one again.
    await h.haoka.deps.store.database.db.updateTable('numbers').set({ price_fen: 0 }).where('id', '=', n.id).execute();
    const res = await h.placeOrder(c.token, { planId: 'cm-58', numberId: n.id });
    expect(res.statusCode).toBe(201);
    return { c, n, order: json(res) };
  }

  it('is confirmed at once: no payment, no countdown, the number sold', async () => {
    const { c, n, order } = await freeOrder();
    expect(order).toMatchObject({ amountFen: 0, state: 'paid' });
    expect(await h.haoka.deps.store.queue.countTimers(order.id)).toBe(0);
    expect(json(await h.get(`/api/v1/orders/${order.id}/payments`, c.token)).payments).toEqual([]);
    expect((await h.haoka.deps.store.orders.getNumber(n.id))).toMatchObject({ state: 'sold', orderId: order.id });
    const events = await h.haoka.deps.store.database.db.selectFrom('order_events').select('action').where('order_id', '=', order.id).orderBy('id').execute();
    expect(events.map((e) => e.action)).toEqual(['order.placed', 'order.free_confirmed']);
    // There is nothing to pay: a channel is never asked.
    expect((await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'alipay' })).statusCode).toBe(409);
  });

  it('is cancelled before shipping in one step, the number released and nothing refunded', async () => {
    const { c, n, order } = await freeOrder();
    const applied = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }));
    expect(applied).toMatchObject({ path: 'express', order: { state: 'cancelled' } });
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}/payments`, c.token)).refunds).toEqual([]);
    expect((await h.haoka.deps.store.orders.getNumber(n.id))).toMatchObject({ state: 'free', orderId: null });
  });
});
