// Every channel's signed callback, checked the same three ways: the signature over the exact bytes, the
// freshness of its timestamp, and a replay of a message already received. A refused callback writes nothing.
// (The courier's push is checked the same ways in shipped-orders.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness, PRICED_PLAN } from '../fixtures/harness.ts';
import type { SignedDelivery } from '../../src/adapters/payment/simulator.ts';
import { PAYMENT_CHANNELS } from '../../src/domain/order.ts';
import { deliveredOrder } from '../fixtures/after-sales.ts';
import { DEMO_PARTNER_KEYS } from '../../src/adapters/sim/demo-keys.ts';
import { signed as md5kvSigned } from '../../src/adapters/carrier/md5kv/protocol.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const MIN = 60_000;
const post = (url: string, d: SignedDelivery) => h.app.inject({ method: 'POST', url, headers: d.headers, payload: d.body });

async function openPayment(channel: (typeof PAYMENT_CHANNELS)[number]) {
  const c = await h.customer();
  const order = json(await h.placeOrder(c.token, { planId: PRICED_PLAN }));
  const res = await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel });
  expect(res.statusCode).toBe(201);
  return { c, order, paymentNo: json(res).paymentNo as string };
}

describe.each(PAYMENT_CHANNELS.map((c) => [c]))('the %s payment callback', (channel) => {
  const url = `/api/v1/payments/callback/${channel}`;

  it('refuses a changed byte, a stale timestamp and a timestamp from the future before writing anything', async () => {
    const { paymentNo, order, c } = await openPayment(channel);
    const sim = h.haoka.sims.payments[channel];
    const genuine = sim.pay(paymentNo) as SignedDelivery;
    const before = await h.snapshot();
    const tampered = await post(url, { headers: genuine.headers, body: `${genuine.body} ` });
    expect([tampered.statusCode, json(tampered).error.code]).toEqual([401, 'PAYMENT.BAD_SIGNATURE']);
    for (const at of [h.clock.now() - 10 * MIN, h.clock.now() + 10 * MIN]) {
      const r = await post(url, sim.notification(paymentNo, { at }) as SignedDelivery);
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(json(r).error.code).toMatch(/^PAYMENT\.(REPLAYED|BAD_SIGNATURE)$/);
    }
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('pending_payment');
  });

  it('applies the genuine message once and refuses the same bytes sent again', async () => {
    const { paymentNo } = await openPayment(channel);
    const genuine = h.haoka.sims.payments[channel].pay(paymentNo) as SignedDelivery;
    expect(json(await post(url, genuine))).toEqual({ code: 'SUCCESS', outcome: 'paid' });
    const before = await h.snapshot();
    const replay = await post(url, genuine);
    expect([replay.statusCode, json(replay).error.code]).toEqual([409, 'PAYMENT.REPLAYED']);
    expect(await h.snapshot()).toEqual(before);
  });
});

describe('the WeChat refund callback', () => {
  it('applies a refund result once by its notification id: the same bytes again change nothing', async () => {
    const wechat = h.haoka.sims.payments.wechat;
    // Money that arrives after the order closed is refunded: the quickest way to a refund in flight.
    const { c, order, paymentNo } = await openPayment('wechat');
    expect((await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    expect('kind' in wechat.pay(paymentNo)).toBe(false);
    await h.haoka.worker.drain();
    const late = await post('/api/v1/payments/callback/wechat', wechat.notification(paymentNo) as SignedDelivery);
    expect(late.statusCode).toBe(200);
    await h.haoka.worker.drain();
    const [refundNo] = wechat.settleRefunds();
    expect(refundNo).toBeDefined();
    const notice = wechat.refundNotification(refundNo!) as SignedDelivery;
    const first = await post('/api/v1/refunds/callback/wechat', notice);
    expect(json(first).outcome).toBe('applied');
    const before = await h.snapshot();
    const again = await post('/api/v1/refunds/callback/wechat', notice);
    expect(json(again).outcome).toBe('duplicate');
    expect(await h.snapshot()).toEqual(before);
    const stale = await post('/api/v1/refunds/callback/wechat', wechat.refundNotification(refundNo!, { at: h.clock.now() - 10 * MIN }) as SignedDelivery);
    expect(json(stale).error.code).toBe('PAYMENT.REPLAYED');
  });
});

describe('the carrier callback', () => {
  it('refuses a changed byte and a stale push, applies the genuine one once, and refuses the same bytes again', async () => {
    const { c, order } = await deliveredOrder(h, 'cm-58');
    const carrier = h.haoka.sims.carrier!;
    const url = '/api/v1/carrier/callback';
    const genuine = await carrier.activate(order.number, { send: false });
    const before = await h.snapshot();
    const tampered = await post(url, { headers: genuine.headers, body: genuine.body.replace('"activated"', '"closed"') });
    expect([tampered.statusCode, json(tampered).error.code]).toEqual([401, 'CALLBACK.BAD_SIGNATURE']);
    // Signed with the courier's key: a valid signature of the wrong sender is no signature; nor is another app id.
    const { sign: _sign, ...fields } = JSON.parse(genuine.body) as Record<string, unknown>;
    const wrongSender = await post(url, { headers: genuine.headers, body: JSON.stringify(md5kvSigned(fields, DEMO_PARTNER_KEYS.courier)) });
    expect([wrongSender.statusCode, json(wrongSender).error.code]).toEqual([401, 'CALLBACK.BAD_SIGNATURE']);
    const otherApp = await post(url, { headers: genuine.headers, body: JSON.stringify(md5kvSigned({ ...fields, appId: 'HKOTHER01' }, DEMO_PARTNER_KEYS.carrier)) });
    expect([otherApp.statusCode, json(otherApp).error.code]).toEqual([401, 'CALLBACK.BAD_SIGNATURE']);
    const unsigned = await post(url, { headers: genuine.headers, body: JSON.stringify({ ...fields, nonce: undefined }) });
    expect([unsigned.statusCode, json(unsigned).error.code]).toEqual([401, 'CALLBACK.BAD_SIGNATURE']);
    expect(await h.snapshot()).toEqual(before);

    expect(json(await post(url, genuine)).outcome).toBe('applied');
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('activated');
    const after = await h.snapshot();
    const replay = await post(url, genuine);
    expect([replay.statusCode, json(replay).error.code]).toEqual([409, 'CALLBACK.REPLAYED']);
    expect(await h.snapshot()).toEqual(after);

    const late = await carrier.setLine(order.number, 'suspended', { send: false });
    h.clock.advance(10 * MIN);
    const stale = await post(url, late!);
    expect([stale.statusCode, json(stale).error.code]).toEqual([409, 'CALLBACK.REPLAYED']);
    expect(await h.snapshot()).toEqual(after);
  });
});
