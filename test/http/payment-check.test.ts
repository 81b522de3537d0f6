// Back from the channel's app, the customer asks whether the payment went through: the channel is asked about the
// order's open payments, and one it holds as paid pays the order as its notification would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

describe('a payment check from the customer back from the channel', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h?.close(); });

  const opened = (channel: 'alipay' | 'wechat' | 'bank') => h.unpaidOrder(channel);
  const check = (orderId: string, token: string) => h.post(`/api/v1/orders/${orderId}/payments/check`, token);

  it('pays the order when the channel holds the money but its notification is late, and only once', async () => {
    const { c, order, paymentNo } = await opened('wechat');
    const sim = h.haoka.sims.payments.wechat;
    expect('kind' in sim.pay(paymentNo)).toBe(false); // paid in the app; the notification has not reached us
    const res = await check(order.id, c.token);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ orderId: order.id, state: 'paid', payments: [{ paymentNo, found: 'paid' }] });
    const money = json(await h.get(`/api/v1/orders/${order.id}/payments`, c.token));
    expect(money.payments).toMatchObject([{ paymentNo, state: 'succeeded' }]);
    // Asked again, nothing is called or changed; the notification that follows is a duplicate.
    expect(json(await check(order.id, c.token))).toEqual({ orderId: order.id, state: 'paid', payments: [] });
    const d = sim.notification(paymentNo) as { headers: Record<string, string>; body: string };
    const late = await h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/wechat', headers: d.headers, payload: d.body });
    expect(json(late).outcome).toBe('duplicate');
    expect(json(await h.get(`/api/v1/orders/${order.id}/payments`, c.token)).refunds).toEqual([]);
  });

  it('leaves an unpaid order waiting, and says when the channel does not answer', async () => {
    const { c, order, paymentNo } = await opened('bank');
    expect(json(await check(order.id, c.token))).toEqual({ orderId: order.id, state: 'pending_payment', payments: [{ paymentNo, found: 'unpaid' }] });
    h.haoka.sims.payments.bank.unansweredTradeCalls = 1;
    expect(json(await check(order.id, c.token))).toEqual({ orderId: order.id, state: 'pending_payment', payments: [{ paymentNo, found: 'no_answer' }] });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('pending_payment');
  });

  it('is not answered for another customer\u2019s order', async () => {
    const { order } = await opened('alipay');
    const stranger = await h.customer();
    const res = await check(order.id, stranger.token);
    expect([res.statusCode, json(res).error.code]).toEqual([404, 'ORDER.NOT_FOUND']);
  });
});
