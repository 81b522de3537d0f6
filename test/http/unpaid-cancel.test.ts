import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

describe('a customer cancels an unpaid order in one step', () => {
  it('places the order, locks the number and shows a green cancel entry with a countdown', async () => {
    const c = await h.customer();
    const number = await h.freeNumber();
    const res = await h.placeOrder(c.token, { numberId: number.id });
    expect(res.statusCode).toBe(201);
    const order = json(res);
    expect(order).toMatchObject({ state: 'pending_payment', number: number.number, residentId: expect.stringMatching(/^\d{3}\*+\d{3}[\dX]$/) });
    expect(order.paymentDeadline).toBe(h.clock.now() + 30 * 60_000);
    expect(order.cancellation).toMatchObject({ label: 'cancellable', text: '可取消', colour: 'green', action: 'cancel' });
    expect((await h.haoka.deps.store.orders.getNumber(number.id))?.state).toBe('locked');
  });

  it('previews the consequences, refuses without confirmation, then cancels and releases the number', async () => {
    const c = await h.customer();
    const number = await h.freeNumber();
    const order = json(await h.placeOrder(c.token, { numberId: number.id }));

    const preview = json(await h.get(`/api/v1/orders/${order.id}/cancellation`, c.token));
    expect(preview).toMatchObject({
      oneStep: true,
      confirmationText: '取消后订单信息将无法恢复',
      consequences: { chargedFen: 0, refundFen: 0, penaltyFen: 0, number: 'released', reorderDiscount: { keeps: true } },
    });

    const before = await h.snapshot();
    const unconfirmed = await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { reason: '选错了' });
    expect(unconfirmed.statusCode).toBe(422);
    expect(json(unconfirmed).error.code).toBe('ORDER.CONFIRMATION_REQUIRED');
    expect(await h.snapshot()).toEqual(before);

    h.clock.advance(60_000);
    const cancelled = await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true, reason: '选错了' });
    expect(cancelled.statusCode).toBe(200);
    expect(json(cancelled)).toMatchObject({ state: 'cancelled', closeReason: 'customer_abandoned', cancellation: { label: 'not_cancellable' } });
    expect((await h.haoka.deps.store.orders.getNumber(number.id))?.state).toBe('free');
    expect(await h.haoka.deps.store.queue.countTimers(order.id)).toBe(0);

    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events;
    expect(events.map((e: any) => e.action)).toEqual(['order.placed', 'order.cancelled']);
    expect(events[1]).toMatchObject({ actorType: 'customer', actorId: c.customerId, fromState: 'pending_payment', toState: 'cancelled', reason: '选错了', automatic: false });
  });

  it('tells the customer where the cancel entry is when the order is placed, then that it was cancelled', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true });
    await h.haoka.worker.drain();
    const inbox = json(await h.get(`/api/v1/notifications?orderId=${order.id}`, c.token)).notifications;
    expect(inbox.map((n: any) => n.template)).toEqual(['order_cancelled', 'order_placed']);
    expect(inbox[1].body).toContain('取消订单');
    const sms = h.haoka.sims.notifier.sent.filter((m) => m.orderId === order.id && m.channel === 'sms');
    expect(sms.map((m) => m.template)).toEqual(['order_placed']);
  });

  it('refuses a second cancel of the same order with a clear code', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true });
    const again = await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true });
    expect(again.statusCode).toBe(409);
    expect(json(again).error.code).toBe('ORDER.NOT_CANCELLABLE');
  });

  it('lists my orders newest first, each with its label', async () => {
    const c = await h.customer();
    const first = json(await h.placeOrder(c.token));
    h.clock.advance(1000);
    const second = json(await h.placeOrder(c.token));
    await h.post(`/api/v1/orders/${first.id}/cancel`, c.token, { confirm: true });
    const list = json(await h.get('/api/v1/orders', c.token)).orders;
    expect(list.map((o: any) => [o.id, o.cancellation.label])).toEqual([[second.id, 'cancellable'], [first.id, 'not_cancellable']]);
  });
});
