// WeChat Pay end to end through the API v3 adapter and the fake gateway over HTTP on 127.0.0.1: the H5 order,
// the customer paying in the app, the signed and encrypted notification through our callback route, an express
// cancellation and its refund notified; refused notifications that change nothing; the deadline close that asks
// first; and the day's bill in WeChat's format reconciled with differences injected at the channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness, PRICED_PLAN } from '../fixtures/harness.ts';
import { FakeWechatState, type GatewayDelivery } from '../../src/adapters/payment/wechat-fake/state.ts';
import { WechatPayAdapter } from '../../src/adapters/payment/wechat/adapter.ts';
import { reconcileDay } from '../../src/app/reconciliation/reconcile-day.ts';

const MIN = 60_000;
const DAY = '2026-11-27';
const NEXT_MORNING = Date.UTC(2026, 10, 28, 2, 0, 0);
/** The signature with its first character changed: a signature that already begins with A must not stay genuine. */
const forge = (signature: string) => `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;

describe('WeChat Pay through its API v3 and the fake gateway', () => {
  let h: Harness;
  let fake: FakeWechatState;
  const inject = (d: GatewayDelivery | { kind: string }) => {
    if ('kind' in d) throw new Error(`no delivery: ${JSON.stringify(d)}`);
    return h.app.inject({ method: 'POST', url: new URL(d.url).pathname, headers: d.headers, payload: d.body });
  };
  beforeAll(async () => {
    h = await startHarness({ HAOKA_PAYMENT_TIMEOUT: '15m', HAOKA_REMINDER_BEFORE: '5m' }, { wechat: 'gateway' });
    fake = h.haoka.sims.payments.wechat as FakeWechatState;
  });
  afterAll(async () => { await h?.close(); });

  async function opened() {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token, { planId: PRICED_PLAN }));
    const res = await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'wechat' });
    expect(res.statusCode).toBe(201);
    return { c, order, payment: json(res) };
  }

  it('runs on the API v3 adapter, with the fake gateway behind the customer\u2019s pay page', () => {
    expect(h.haoka.deps.payments.wechat).toBeInstanceOf(WechatPayAdapter);
    expect(fake).toBeInstanceOf(FakeWechatState);
  });

  it('places an H5 order, is paid in the app and notified, then cancels and has the refund notified', async () => {
    const { c, order, payment } = await opened();
    // The H5 order reached the gateway with our notification address; the customer's page pays there.
    expect(fake.payment(payment.paymentNo)).toMatchObject({ status: 'open', amountFen: order.amountFen, notifyUrl: expect.stringMatching(/\/api\/v1\/payments\/callback\/wechat$/) });
    expect(payment.payUrl).toBe(`/sim/pay/wechat/${payment.paymentNo}`);
    expect(json(await h.post(payment.payUrl, null, {}))).toEqual({ paid: true });
    // WeChat Pay notifies (the harness stopped automatic sending: the test lets the gateway's resend loop run once).
    fake.deliver = (d) => fake.transport(d as GatewayDelivery);
    fake.settleDelayMs = 5 * MIN;
    try {
      expect(await fake.resendDue()).toBe(1);
      expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'paid', paymentChannel: 'wechat' });
      expect(fake.pendingResends()).toEqual([]);

      const applied = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }));
      expect(applied).toMatchObject({ path: 'express', order: { state: 'cancelled' } });
      await h.haoka.worker.drain();
      const [refund] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
      // The refund went out under our request number as out_refund_no; WeChat accepted it (PROCESSING).
      expect(fake.refundCalls.filter((r) => r.paymentNo === payment.paymentNo)).toEqual([expect.objectContaining({ refundNo: refund.refundNo, amountFen: order.amountFen })]);
      expect(refund.state).toBe('processing');
      // Its time come, the gateway settles the refund and sends REFUND.SUCCESS to the refund notification address.
      expect(await fake.tick()).toBe(0);
      h.clock.advance(5 * MIN);
      expect(await fake.tick()).toBe(1);
      const [after] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
      expect(after.state).toBe('succeeded');
      expect(fake.payoutsFor(payment.paymentNo)).toBe(1);
    } finally {
      fake.deliver = null;
      fake.settleDelayMs = 0;
    }
  });

  it('pays a refund once when WeChat\u2019s answer is lost: the refund check asks under the same out_refund_no', async () => {
    const { c, order, payment } = await opened();
    expect(json(await inject(fake.pay(payment.paymentNo) as GatewayDelivery)).outcome).toBe('paid');
    // WeChat accepts the refund and pays it, but its answer never reaches us; then the answer to the first check is lost too.
    fake.script.drop.push({ path: /^\/v3\/refund\/domestic\/refunds$/, after: true }, { path: /^\/v3\/refund\/domestic\/refunds\//, after: false });
    expect(json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' })).path).toBe('express');
    await h.haoka.worker.drain();
    const [sent] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
    expect(sent.state).toBe('processing');
    expect(fake.settleRefunds([sent.refundNo])).toEqual([sent.refundNo]);
    for (let i = 0; i < 3; i++) {
      h.clock.advance(10 * MIN);
      await h.haoka.worker.drain();
    }
    expect(fake.script.drop).toEqual([]); // both answers were indeed lost
    const [done] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
    expect(done.state).toBe('succeeded');
    expect(fake.refundCalls.filter((r) => r.paymentNo === payment.paymentNo).map((r) => r.refundNo)).toEqual([sent.refundNo]);
    expect(fake.payoutsFor(payment.paymentNo)).toBe(1);
  });

  it('refuses a forged, altered, replayed, stale or unknown notification with a code, and writes nothing', async () => {
    const { order, payment } = await opened();
    expect('kind' in fake.pay(payment.paymentNo)).toBe(false);
    const good = fake.notification(payment.paymentNo) as GatewayDelivery;
    const before = await h.snapshot();
    const forged = { ...good, headers: { ...good.headers, 'wechatpay-signature': forge(good.headers['wechatpay-signature']!) } };
    const tampered = { ...good, body: good.body.replace('"summary":"支付成功"', '"summary":"支付成功 "') };
    const refusals = [
      [forged, 401, 'PAYMENT.BAD_SIGNATURE'],
      [tampered, 401, 'PAYMENT.BAD_SIGNATURE'],
      [fake.notification(payment.paymentNo, { amountFen: order.amountFen + 1 }), 422, 'PAYMENT.AMOUNT_MISMATCH'],
      [fake.notification(payment.paymentNo, { at: h.clock.now() - 10 * MIN }), 409, 'PAYMENT.REPLAYED'],
    ] as const;
    for (const [d, status, code] of refusals) {
      const res = await inject(d as GatewayDelivery);
      expect([res.statusCode, json(res).error.code]).toEqual([status, code]);
      // WeChat Pay reads a refusal as { code: "FAIL", message } and resends it later.
      expect(json(res)).toMatchObject({ code: 'FAIL', message: expect.stringContaining(code) });
    }
    // A trade the gateway holds that we never opened.
    await fake.createPayment({ paymentNo: 'PAYNEVEROPENED01', amountFen: 100, subject: 'x', expiresAt: h.clock.now() + 15 * MIN });
    fake.describe('PAYNEVEROPENED01', { notifyUrl: good.url, description: 'x', createdAt: h.clock.now(), prepayId: 'wx0' });
    const unknown = await inject(fake.pay('PAYNEVEROPENED01') as GatewayDelivery);
    expect([unknown.statusCode, json(unknown).error.code]).toEqual([404, 'PAYMENT.NOT_FOUND']);
    expect(await h.snapshot()).toEqual(before);
    // The genuine one is applied, and the same bytes again are a replay that changes nothing more.
    expect(json(await inject(good)).outcome).toBe('paid');
    const paid = await h.snapshot();
    const replay = await inject(good);
    expect([replay.statusCode, json(replay).error.code]).toEqual([409, 'PAYMENT.REPLAYED']);
    expect(await h.snapshot()).toEqual(paid);
  });

  it('asks the gateway at the payment deadline: a payment whose notification was lost is applied, an unpaid trade is closed there', async () => {
    const lost = await opened();
    const unpaid = await opened();
    expect('kind' in fake.pay(lost.payment.paymentNo)).toBe(false); // paid in the app; the notification never reaches us
    h.clock.advance(15 * MIN);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${lost.order.id}`, lost.c.token))).toMatchObject({ state: 'paid' });
    expect(json(await h.get(`/api/v1/orders/${unpaid.order.id}`, unpaid.c.token)).state).toBe('cancelled');
    expect(fake.payment(unpaid.payment.paymentNo)?.status).toBe('closed');
    // Closed at WeChat: the customer's app can no longer pay it.
    expect(fake.pay(unpaid.payment.paymentNo)).toMatchObject({ code: 'PAYMENT.TRADE_CLOSED' });
  });

  it('reconciles the day from the gateway\u2019s trade bill: a lost notification, a refund only at the channel, an amount off by one fen', async () => {
    h.clock.set(Date.UTC(2026, 10, 27, 6, 0, 0));
    // 1. Paid in the app after the customer cancelled: the notification is lost.
    const late = await opened();
    expect((await h.post(`/api/v1/orders/${late.order.id}/cancel`, late.c.token, { confirm: true })).statusCode).toBe(200);
    expect('kind' in fake.pay(late.payment.paymentNo)).toBe(false);
    // 2. A refund WeChat paid out whose notification never arrived.
    const refunded = await opened();
    expect(json(await inject(fake.pay(refunded.payment.paymentNo) as GatewayDelivery)).outcome).toBe('paid');
    expect(json(await h.post(`/api/v1/orders/${refunded.order.id}/cancellation-requests`, refunded.c.token, { reasonCode: 'changed_mind' })).path).toBe('express');
    await h.haoka.worker.drain();
    const [refund] = json(await h.get(`/api/v1/orders/${refunded.order.id}/refunds`, refunded.c.token)).refunds;
    expect(fake.settleRefunds([refund.refundNo])).toEqual([refund.refundNo]);
    // 3. WeChat's books hold one fen more for a paid order.
    const off = await opened();
    expect(json(await inject(fake.pay(off.payment.paymentNo) as GatewayDelivery)).outcome).toBe('paid');
    fake.recordAmountAs(off.payment.paymentNo, off.order.amountFen + 1);

    h.clock.set(NEXT_MORNING);
    const [first] = await reconcileDay(h.haoka.deps, DAY, ['wechat']);
    // The trade of the refused "unknown trade" notification above is on the same bill: a number we never issued.
    expect(first).toMatchObject({ status: 'reconciled', paymentsApplied: 1, refundsStarted: 1, refundsRecorded: 1, itemsOpened: 2 });
    await h.haoka.worker.drain();
    const [back] = json(await h.get(`/api/v1/orders/${late.order.id}/refunds`, late.c.token)).refunds;
    expect(back).toMatchObject({ reason: 'late_payment' });
    const [arrived] = json(await h.get(`/api/v1/orders/${refunded.order.id}/refunds`, refunded.c.token)).refunds;
    expect(arrived.state).toBe('succeeded');
    const items = json(await h.get('/api/v1/operator/reconciliation-items', await h.staff('operator'))).items;
    expect(items.filter((i: any) => i.channel === 'wechat').map((i: any) => [i.kind, i.subject]).sort()).toEqual([
      ['amount_mismatch', off.payment.paymentNo], ['unknown_payment', 'PAYNEVEROPENED01'],
    ]);
    // A second run changes nothing.
    const [again] = await reconcileDay(h.haoka.deps, DAY, ['wechat']);
    expect(again).toMatchObject({ paymentsApplied: 0, refundsStarted: 0, refundsRecorded: 0, itemsOpened: 0 });
  });

  // After the day reconciled above: the refund at the channel that we never sent is not on that day's bill.
  it('refuses a forged, altered, stale or unknown refund notification with a code, writes nothing, then applies the genuine one once', async () => {
    const { c, order, payment } = await opened();
    expect(json(await inject(fake.pay(payment.paymentNo) as GatewayDelivery)).outcome).toBe('paid');
    expect(json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' })).path).toBe('express');
    await h.haoka.worker.drain();
    const [sent] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
    expect(fake.settleRefunds([sent.refundNo])).toEqual([sent.refundNo]);
    const good = fake.refundNotification(sent.refundNo) as GatewayDelivery;
    expect(new URL(good.url).pathname).toBe('/api/v1/refunds/callback/wechat');
    // A refund the gateway settled under a number we never sent (another system on the same merchant account).
    const other = await opened();
    expect(json(await inject(fake.pay(other.payment.paymentNo) as GatewayDelivery)).outcome).toBe('paid');
    expect(await fake.refund({ refundNo: 'RFNEVERSENT00001', paymentNo: other.payment.paymentNo, amountFen: 1, reason: 'x', paymentTotalFen: other.order.amountFen })).toMatchObject({ status: 'processing' });
    fake.setRefundNotifyUrl('RFNEVERSENT00001', good.url);
    expect(fake.settleRefunds(['RFNEVERSENT00001'])).toEqual(['RFNEVERSENT00001']);
    const before = await h.snapshot();
    const refusals = [
      [{ ...good, headers: { ...good.headers, 'wechatpay-signature': forge(good.headers['wechatpay-signature']!) } }, 401, 'PAYMENT.BAD_SIGNATURE'],
      [{ ...good, body: good.body.replace('"summary":"退款成功"', '"summary":"退款成功 "') }, 401, 'PAYMENT.BAD_SIGNATURE'],
      [fake.refundNotification(sent.refundNo, { at: h.clock.now() - 10 * MIN }), 409, 'PAYMENT.REPLAYED'],
      [fake.refundNotification('RFNEVERSENT00001'), 404, 'REFUND.NOT_FOUND'],
    ] as const;
    for (const [d, status, code] of refusals) {
      const res = await inject(d as GatewayDelivery);
      expect([res.statusCode, json(res).error.code]).toEqual([status, code]);
    }
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds[0].state).toBe('processing');
    expect((await inject(good)).statusCode).toBe(200);
    const applied = await h.snapshot();
    expect(json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds[0].state).toBe('succeeded');
    // WeChat resends with the same notification id: acknowledged, nothing more changes.
    expect((await inject(fake.refundNotification(sent.refundNo) as GatewayDelivery)).statusCode).toBe(200);
    expect((await h.snapshot()).orders).toEqual(applied.orders);
  });
});
