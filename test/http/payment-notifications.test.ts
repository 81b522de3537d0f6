import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness, PRICED_PLAN } from '../fixtures/harness.ts';
import type { SignedDelivery } from '../../src/adapters/payment/simulator.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const deliver = (channel: string, d: SignedDelivery) =>
  h.app.inject({ method: 'POST', url: `/api/v1/payments/callback/${channel}`, headers: d.headers, payload: d.body });

async function openPayment(channel: 'alipay' | 'wechat' | 'bank' = 'alipay') {
  const c = await h.customer();
  const order = json(await h.placeOrder(c.token, { planId: PRICED_PLAN }));
  const res = await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel });
  expect(res.statusCode).toBe(201);
  return { c, order, payment: json(res) };
}

describe('payment notifications from a channel', () => {
  it('are applied once: a resent notification (new nonce) is acknowledged without a second effect', async () => {
    const { c, order, payment } = await openPayment('alipay');
    const sim = h.haoka.sims.payments.alipay;
    const first = sim.pay(payment.paymentNo) as SignedDelivery;
    const r1 = await deliver('alipay', first);
    expect(json(r1)).toEqual({ code: 'SUCCESS', outcome: 'paid' });
    for (let i = 0; i < 3; i++) {
      const again = await deliver('alipay', sim.notification(payment.paymentNo) as SignedDelivery);
      expect(json(again)).toEqual({ code: 'SUCCESS', outcome: 'duplicate' });
    }
    const view = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(view).toMatchObject({ state: 'paid', paymentChannel: 'alipay' });
    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events;
    expect(events.filter((e: any) => e.action === 'order.paid')).toHaveLength(1);
  });

  it('refuses a replay of the very same signed message and writes nothing', async () => {
    const { payment } = await openPayment('wechat');
    const d = h.haoka.sims.payments.wechat.pay(payment.paymentNo) as SignedDelivery;
    expect((await deliver('wechat', d)).statusCode).toBe(200);
    const before = await h.snapshot();
    const replay = await deliver('wechat', d);
    expect(replay.statusCode).toBe(409);
    expect(json(replay).error.code).toBe('PAYMENT.REPLAYED');
    expect(await h.snapshot()).toEqual(before);
  });

  it('refuses a forged notification (wrong signature, altered amount, or unsigned) and writes nothing', async () => {
    const { order, c, payment } = await openPayment('bank');
    const sim = h.haoka.sims.payments.bank;
    const genuine = sim.pay(payment.paymentNo) as SignedDelivery;
    const before = await h.snapshot();
    const altered = { headers: genuine.headers, body: genuine.body.replace(/"amount_fen":\d+/, '"amount_fen":1') };
    const forged = { headers: { ...genuine.headers, 'x-pay-signature': 'AAAA' }, body: genuine.body };
    const unsigned = { headers: { 'content-type': 'application/json' }, body: genuine.body };
    for (const d of [altered, forged, unsigned]) {
      const r = await deliver('bank', d);
      expect(r.statusCode).toBe(401);
      expect(json(r).error.code).toBe('PAYMENT.BAD_SIGNATURE');
    }
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('pending_payment');
  });

  it('refuses a signed notification that is too old to be fresh', async () => {
    const { payment } = await openPayment('alipay');
    const sim = h.haoka.sims.payments.alipay;
    sim.pay(payment.paymentNo);
    const stale = sim.notification(payment.paymentNo, { at: h.clock.now() - 10 * 60_000 }) as SignedDelivery;
    const r = await deliver('alipay', stale);
    expect(json(r).error.code).toBe('PAYMENT.REPLAYED');
  });

  it('refuses a notification that claims a different amount than the payment, even when signed', async () => {
    const { payment } = await openPayment('alipay');
    const sim = h.haoka.sims.payments.alipay;
    sim.pay(payment.paymentNo);
    const before = await h.snapshot();
    const r = await deliver('alipay', sim.notification(payment.paymentNo, { amountFen: payment.amountFen + 1 }) as SignedDelivery);
    expect(r.statusCode).toBe(422);
    expect(json(r).error.code).toBe('PAYMENT.AMOUNT_MISMATCH');
    expect(await h.snapshot()).toEqual(before);
  });

  it('refunds money that arrives after the order closed, exactly once, and tells the customer', async () => {
    const { c, order, payment } = await openPayment('alipay');
    // The customer cancels, then pays in the channel app that is still open (a deadline close would have closed the trade).
    await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('cancelled');

    const sim = h.haoka.sims.payments.alipay;
    const late = await deliver('alipay', sim.pay(payment.paymentNo) as SignedDelivery);
    expect(json(late)).toEqual({ code: 'SUCCESS', outcome: 'refunded_late_payment' });
    expect(json(await deliver('alipay', sim.notification(payment.paymentNo) as SignedDelivery)).outcome).toBe('duplicate');
    await h.haoka.worker.drain();

    const money = json(await h.get(`/api/v1/orders/${order.id}/payments`, c.token));
    expect(money.payments).toMatchObject([{ paymentNo: payment.paymentNo, state: 'succeeded' }]);
    expect(money.refunds).toMatchObject([{ paymentNo: payment.paymentNo, amountFen: payment.amountFen, state: 'succeeded', reason: 'late_payment' }]);
    expect([...sim.refundPayouts.values()]).toEqual([1]);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('cancelled');
    const inbox = json(await h.get(`/api/v1/notifications?orderId=${order.id}`, c.token)).notifications;
    expect(inbox.map((n: any) => n.template)).toContain('late_payment_refunded');
  });

  it('does not open a payment for an order that is closed or past its deadline', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    h.clock.advance(30 * 60_000);
    const r = await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'alipay' });
    expect(r.statusCode).toBe(409);
    expect(json(r).error.code).toBe('ORDER.NOT_PAYABLE');
    await h.haoka.worker.drain();
  });
});
