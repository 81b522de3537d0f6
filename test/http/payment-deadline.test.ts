import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { FakeClock } from '../../src/adapters/clock.ts';

const MIN = 60_000;

describe('an unpaid order at its payment deadline', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ HAOKA_PAYMENT_TIMEOUT: '15m', HAOKA_REMINDER_BEFORE: '5m' }); });
  afterAll(async () => { await h?.close(); });

  it('reminds the customer before the deadline and nothing else happens yet', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    expect(order.paymentDeadline).toBe(h.clock.now() + 15 * MIN);
    h.clock.advance(10 * MIN);
    await h.haoka.worker.drain();
    const inbox = json(await h.get(`/api/v1/notifications?orderId=${order.id}`, c.token)).notifications;
    expect(inbox.map((n: any) => n.template)).toEqual(['payment_reminder', 'order_placed']);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('pending_payment');
  });

  it('closes itself at the deadline as payment_timeout, releases the number and records a system event', async () => {
    const c = await h.customer();
    const number = await h.freeNumber();
    const order = json(await h.placeOrder(c.token, { numberId: number.id }));
    h.clock.advance(15 * MIN - 1);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('pending_payment');
    h.clock.advance(1);
    await h.haoka.worker.drain();
    const closed = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(closed).toMatchObject({ state: 'cancelled', closeReason: 'payment_timeout', keepsReorderDiscount: true, closedAt: order.paymentDeadline });
    expect((await h.haoka.deps.store.orders.getNumber(number.id))?.state).toBe('free');
    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events;
    expect(events.at(-1)).toMatchObject({ action: 'order.closed_unpaid', actorType: 'system', automatic: true, reason: 'payment_timeout' });
    expect(await h.haoka.deps.store.queue.countTimers(order.id)).toBe(0);
  });

  it('lets a paid order keep its number: the deadline timer is gone and a late fire would change nothing', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const pay = json(await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'wechat' }));
    const delivery = h.haoka.sims.payments.wechat.pay(pay.paymentNo) as { headers: Record<string, string>; body: string };
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/wechat', headers: delivery.headers, payload: delivery.body })).statusCode).toBe(200);
    h.clock.advance(20 * MIN);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('paid');
  });
});

describe('after a restart', () => {
  it('closes orders whose deadline passed while the service was down, at once', async () => {
    const clock = new FakeClock();
    const first = await startHarness({ HAOKA_PAYMENT_TIMEOUT: '30m' }, { clock });
    const c = await first.customer();
    const order = json(await first.placeOrder(c.token));
    await first.haoka.close();

    clock.advance(2 * 3_600_000);
    const second = await startHarness({ HAOKA_PAYMENT_TIMEOUT: '30m' }, { clock, db: first.db });
    try {
      await second.haoka.worker.runOnce();
      const o = await second.haoka.deps.store.orders.getOrder(order.id);
      expect(o).toMatchObject({ state: 'cancelled', closeReason: 'payment_timeout' });
    } finally {
      await second.close();
      await first.db.drop();
    }
  });
});
