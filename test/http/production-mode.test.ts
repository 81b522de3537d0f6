// Production mode, tried as an attacker: pushes signed with the keys printed in the source (the demo's) are
// refused and change nothing, the /sim pages are not there, and the master secret is not in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { PRODUCTION_ENV } from '../fixtures/production.ts';
import { deliveredOrder, shippedOrder } from '../fixtures/after-sales.ts';
import { DEMO_PARTNER_KEYS } from '../../src/adapters/sim/demo-keys.ts';
import { signCallback } from '../../src/adapters/sim/signed-callback.ts';
import { signed as md5kvSigned } from '../../src/adapters/carrier/md5kv/protocol.ts';
import { AlipaySimulator } from '../../src/adapters/payment/alipay.ts';
import { WechatPaySimulator } from '../../src/adapters/payment/wechat.ts';
import { BankTransferSimulator } from '../../src/adapters/payment/bank.ts';
import type { SignedDelivery } from '../../src/adapters/payment/simulator.ts';
import { Secrets } from '../../src/app/platform/secrets.ts';
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { PAYMENT_CHANNELS } from '../../src/domain/order.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(PRODUCTION_ENV); });
afterAll(async () => { await h?.close(); });

const post = (url: string, d: SignedDelivery) => h.app.inject({ method: 'POST', url, headers: d.headers, payload: d.body });
const FORGERS = {
  alipay: () => new AlipaySimulator(DEMO_PARTNER_KEYS.alipay, h.clock),
  wechat: () => new WechatPaySimulator(DEMO_PARTNER_KEYS.wechat, h.clock),
  bank: () => new BankTransferSimulator(DEMO_PARTNER_KEYS.bank, h.clock),
};

describe('production mode', () => {
  it('says so on /readyz, with the simulator routes off', async () => {
    expect(json(await h.get('/readyz', null))).toMatchObject({ status: 'ready', mode: 'production', simulatorRoutes: 'off' });
  });

  it('answers 404 on every /sim page: no sign-in codes, no payments, no pushes, nothing grows', async () => {
    const phone = '13800138555';
    expect((await h.post('/api/v1/auth/code', null, { phone })).statusCode).toBe(200);
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const opened = json(await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'wechat' }));
    const before = await h.snapshot();
    const tries = [
      await h.get(`/sim/sms/${phone}`, null),
      await h.post(`/sim/pay/wechat/${opened.paymentNo}`, null, {}),
      await h.post(`/sim/carrier/${order.number}/activated`, null, {}),
      await h.post('/sim/warehouse/anything-at-all/ship', null, {}),
      await h.post('/sim/courier/YT00000000001/delivered', null, {}),
      await h.post('/sim/refunds/bank/batch', null, {}),
    ];
    expect(tries.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('pending_payment');
  });

  it.each(PAYMENT_CHANNELS.map((c) => [c]))('refuses the %s payment notification signed with the former built-in key and changes nothing', async (channel) => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const { paymentNo } = json(await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel }));
    const genuine = h.haoka.sims.payments[channel].pay(paymentNo) as SignedDelivery;
    const forged = FORGERS[channel]().sign(genuine.body, h.clock.now(), 'forged-nonce-0001');
    const before = await h.snapshot();
    const refused = await post(`/api/v1/payments/callback/${channel}`, forged);
    expect([refused.statusCode, json(refused).error.code]).toEqual([401, 'PAYMENT.BAD_SIGNATURE']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('pending_payment');
    // The channel's own notification, under the configured key, still goes through.
    expect(json(await post(`/api/v1/payments/callback/${channel}`, genuine))).toEqual({ code: 'SUCCESS', outcome: 'paid' });
  });

  it('decrypts WeChat refund notifications with the configured API v3 key only, not one derived from a notification key', async () => {
    const wechat = h.haoka.sims.payments.wechat;
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const { paymentNo } = json(await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'wechat' }));
    // Money that arrives after the customer cancelled is refunded: the quickest way to a refund in flight.
    expect((await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    expect('kind' in wechat.pay(paymentNo)).toBe(false);
    expect((await post('/api/v1/payments/callback/wechat', wechat.notification(paymentNo) as SignedDelivery)).statusCode).toBe(200);
    await h.haoka.worker.drain();
    const [refundNo] = wechat.settleRefunds();
    const genuine = wechat.refundNotification(refundNo!) as SignedDelivery;
    // The same content, encrypted the way the demo derives its key, under a valid signature.
    const body = JSON.parse(genuine.body);
    const r = body.resource;
    const all = Buffer.from(r.ciphertext, 'base64');
    const d = createDecipheriv('aes-256-gcm', Buffer.from(PRODUCTION_ENV.HAOKA_WECHAT_APIV3_KEY!, 'utf8'), Buffer.from(r.nonce, 'utf8'));
    d.setAAD(Buffer.from(r.associated_data, 'utf8'));
    d.setAuthTag(all.subarray(all.length - 16));
    const plain = Buffer.concat([d.update(all.subarray(0, all.length - 16)), d.final()]);
    const derived = createHash('sha256').update(`${PRODUCTION_ENV.HAOKA_WECHAT_NOTIFY_KEY}:apiv3`).digest();
    const e = createCipheriv('aes-256-gcm', derived, Buffer.from(r.nonce, 'utf8'));
    e.setAAD(Buffer.from(r.associated_data, 'utf8'));
    body.resource = { ...r, ciphertext: Buffer.concat([e.update(plain), e.final(), e.getAuthTag()]).toString('base64') };
    const text = JSON.stringify(body);
    const forged = new WechatPaySimulator(PRODUCTION_ENV.HAOKA_WECHAT_NOTIFY_KEY!, h.clock).signV3(text, Math.floor(h.clock.now() / 1000), 'forged-nonce-0004');
    const before = await h.snapshot();
    const refused = await post('/api/v1/refunds/callback/wechat', forged);
    expect([refused.statusCode, json(refused).error.code]).toEqual([401, 'PAYMENT.BAD_SIGNATURE']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await post('/api/v1/refunds/callback/wechat', genuine)).outcome).toBe('applied');
  });

  it('refuses a courier push signed with the former built-in key and changes nothing', async () => {
    const s = await shippedOrder(h);
    const genuine = await h.haoka.sims.courier.event(s.trackingNo, 'delivered', { send: false });
    const forged = signCallback(DEMO_PARTNER_KEYS.courier, 'courier', genuine.body, h.clock.now(), 'forged-nonce-0002');
    const before = await h.snapshot();
    const refused = await post('/api/v1/courier/callback', forged);
    expect([refused.statusCode, json(refused).error.code]).toEqual([401, 'CALLBACK.BAD_SIGNATURE']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${s.order.id}`, s.c.token)).state).toBe('shipped');
    expect((await post('/api/v1/courier/callback', genuine)).statusCode).toBe(200);
    expect(json(await h.get(`/api/v1/orders/${s.order.id}`, s.c.token)).state).toBe('delivered');
  });

  it('refuses a carrier push signed with the former built-in key and changes nothing', async () => {
    const d = await deliveredOrder(h);
    const genuine = await h.haoka.sims.carrier!.activate(d.order.number, { send: false });
    const { sign: _sign, ...fields } = JSON.parse(genuine.body) as Record<string, unknown>;
    const forged = { headers: genuine.headers, body: JSON.stringify(md5kvSigned({ ...fields, nonce: 'forged-nonce-0003' }, DEMO_PARTNER_KEYS.carrier)) };
    const before = await h.snapshot();
    const refused = await post('/api/v1/carrier/callback', forged);
    expect([refused.statusCode, json(refused).error.code]).toEqual([401, 'CALLBACK.BAD_SIGNATURE']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${d.order.id}`, d.c.token)).state).toBe('delivered');
    expect((await post('/api/v1/carrier/callback', genuine)).statusCode).toBe(200);
    expect(json(await h.get(`/api/v1/orders/${d.order.id}`, d.c.token)).state).toBe('activated');
  });

  it('keeps the master secret out of the store: no secret row, and nothing kept holds it or the matching key in the clear', async () => {
    const settings = await h.haoka.deps.store.platform.getSettings();
    expect(settings['system.secret']).toBeUndefined();
    const secret = PRODUCTION_ENV.HAOKA_SECRET!.split(':')[1]!;
    const kept = JSON.stringify(settings);
    expect(kept).not.toContain(secret);
    // The matching key is kept sealed under the master key: reading the store gives no key to hash or sign with.
    expect(settings['system.hash_key']).toMatch(/^g2\.k1\./);
  });

  it('stops rather than make a master secret and keep it in the store when none is configured', async () => {
    await expect(Secrets.load(h.haoka.deps.store, null, h.clock.now(), { keepInStore: false })).rejects.toThrow('HAOKA_SECRET');
    expect((await h.haoka.deps.store.platform.getSettings())['system.secret']).toBeUndefined();
  });
});

describe('demo mode', () => {
  it('says so on /readyz', async () => {
    const demo = await startHarness();
    try {
      expect(json(await demo.get('/readyz', null))).toMatchObject({ status: 'ready', mode: 'demo', simulatorRoutes: 'mounted' });
    } finally {
      await demo.close();
    }
  });
});
