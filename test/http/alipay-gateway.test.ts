// Alipay end to end through the SDK adapter and the fake gateway over HTTP on 127.0.0.1: the cashier page, the
// customer paying in the app, the signed form notification through our notify route answered `success`, an
// express cancellation refunded in the call; refused notifications that change nothing; the deadline close that
// asks first; and the day's zipped GBK bill reconciled with differences injected at the channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness, PRICED_PLAN } from '../fixtures/harness.ts';
import { FakeAlipayState, type AlipayDelivery } from '../../src/adapters/payment/alipay-fake/state.ts';
import { AlipayAdapter } from '../../src/adapters/payment/alipay/adapter.ts';
import { ALIPAY_NOTIFY_PATH } from '../../src/adapters/payment/alipay/channel.ts';
import { reconcileDay } from '../../src/app/reconciliation/reconcile-day.ts';

const MIN = 60_000;
const DAY = '2026-11-27';
const NEXT_MORNING = Date.UTC(2026, 10, 28, 2, 0, 0);

describe('Alipay through the SDK and the fake gateway', () => {
  let h: Harness;
  let fake: FakeAlipayState;
  const inject = (d: AlipayDelivery | { kind: string }) => {
    if ('kind' in d) throw new Error(`no delivery: ${JSON.stringify(d)}`);
    return h.app.inject({ method: 'POST', url: new URL(d.url).pathname, headers: d.headers, payload: d.body });
  };
  beforeAll(async () => {
    h = await startHarness({ HAOKA_PAYMENT_TIMEOUT: '15m', HAOKA_REMINDER_BEFORE: '5m' }, { alipay: 'gateway' });
    fake = h.haoka.sims.payments.alipay as FakeAlipayState;
  });
  afterAll(async () => { await h?.close(); });

  async function opened() {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token, { planId: PRICED_PLAN }));
    const res = await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'alipay' });
    expect(res.statusCode).toBe(201);
    return { c, order, payment: json(res) };
  }

  it('runs on the SDK adapter, with the fake gateway behind the customer\u2019s pay page', () => {
    expect(h.haoka.deps.payments.alipay).toBeInstanceOf(AlipayAdapter);
    expect(fake).toBeInstanceOf(FakeAlipayState);
  });

  it('opens the cashier page, is paid in the app and notified (answered success), then cancels and is refunded in the call', async () => {
    const { c, order, payment } = await opened();
    expect(fake.payment(payment.paymentNo)).toMatchObject({ status: 'open', amountFen: order.amountFen, notifyUrl: expect.stringMatching(new RegExp(`${ALIPAY_NOTIFY_PATH}$`)) });
    expect(payment.payUrl).toBe(`/sim/pay/alipay/${payment.paymentNo}`);
    expect(json(await h.post(payment.payUrl, null, {}))).toEqual({ paid: true });
    fake.deliver = (d) => fake.transport(d as AlipayDelivery);
    try {
      expect(await fake.resendDue()).toBe(1);
    } finally {
      fake.deliver = null;
    }
    expect(fake.pendingResends()).toEqual([]);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'paid', paymentChannel: 'alipay' });
    expect(json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }))).toMatchObject({ path: 'express', order: { state: 'cancelled' } });
    await h.haoka.worker.drain();
    const [refund] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
    expect(refund.state).toBe('succeeded');
    expect(fake.refundCalls.filter((r) => r.paymentNo === payment.paymentNo)).toEqual([expect.objectContaining({ refundNo: refund.refundNo, amountFen: order.amountFen })]);
    expect(fake.payoutsFor(payment.paymentNo)).toBe(1);
    // Alipay then notifies the trade's change (closed: all of it refunded); it is acknowledged and changes nothing.
    const before = await h.snapshot();
    fake.deliver = (d) => fake.transport(d as AlipayDelivery);
    try {
      expect(await fake.resendDue()).toBe(1);
    } finally {
      fake.deliver = null;
    }
    expect(fake.pendingResends()).toEqual([]);
    expect(await h.snapshot()).toEqual(before);
  });

  it('pays a refund once when Alipay\u2019s answer is lost: the refund check asks under the same out_request_no', async () => {
    const { c, order, payment } = await opened();
    expect(await (await inject(fake.pay(payment.paymentNo) as AlipayDelivery)).body).toBe('success');
    // Alipay pays the refund, but its answer never reaches us (nor does the SDK's own second try).
    fake.script.drop.push({ method: 'alipay.trade.refund', after: true }, { method: 'alipay.trade.refund', after: true });
    expect(json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' })).path).toBe('express');
    await h.haoka.worker.drain();
    const [sent] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
    expect(sent.state).toBe('processing');
    for (let i = 0; i < 3; i++) {
      h.clock.advance(10 * MIN);
      await h.haoka.worker.drain();
    }
    expect(fake.script.drop).toEqual([]);
    const [done] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
    expect(done.state).toBe('succeeded');
    expect(new Set(fake.refundCalls.filter((r) => r.paymentNo === payment.paymentNo).map((r) => r.refundNo))).toEqual(new Set([sent.refundNo]));
    expect(fake.payoutsFor(payment.paymentNo)).toBe(1);
  });

  it('refuses a forged, altered, wrong-amount, stale, replayed or unknown-trade notification with a code, and writes nothing', async () => {
    const { order, payment } = await opened();
    expect('kind' in fake.pay(payment.paymentNo)).toBe(false);
    const good = fake.notification(payment.paymentNo) as AlipayDelivery;
    const before = await h.snapshot();
    const form = new URLSearchParams(good.body);
    const sign = form.get('sign')!;
    const forged = { ...good, body: good.body.replace(encodeURIComponent(sign).slice(0, 8), encodeURIComponent(`${sign[0] === 'A' ? 'B' : 'A'}${sign.slice(1)}`).slice(0, 8)) };
    const tampered = { ...good, body: good.body.replace(/total_amount=[\d.]+/, 'total_amount=0.01') };
    const refusals = [
      [forged, 401, 'PAYMENT.BAD_SIGNATURE'],
      [tampered, 401, 'PAYMENT.BAD_SIGNATURE'],
      [fake.notification(payment.paymentNo, { amountFen: order.amountFen + 1 }), 422, 'PAYMENT.AMOUNT_MISMATCH'],
      [fake.notification(payment.paymentNo, { at: h.clock.now() - 10 * MIN }), 409, 'PAYMENT.REPLAYED'],
      [{ ...good, headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(form)) }, 400, 'REQUEST.INVALID'],
    ] as const;
    for (const [d, status, code] of refusals) {
      const res = await inject(d as AlipayDelivery);
      expect([res.statusCode, json(res).error.code]).toEqual([status, code]);
      expect(res.body).not.toBe('success');
    }
    // A trade the gateway holds that we never opened.
    await fake.openTrade({ paymentNo: 'PAYNEVEROPENED01', amountFen: 100, subject: 'x', expiresAt: h.clock.now() + 15 * MIN, notifyUrl: good.url });
    const unknown = await inject(fake.pay('PAYNEVEROPENED01') as AlipayDelivery);
    expect([unknown.statusCode, json(unknown).error.code]).toEqual([404, 'PAYMENT.NOT_FOUND']);
    expect(await h.snapshot()).toEqual(before);
    // The genuine one is applied, and the same bytes again are a replay that changes nothing more.
    const applied = await inject(good);
    expect([applied.statusCode, applied.body]).toEqual([200, 'success']);
    const paid = await h.snapshot();
    const replay = await inject(good);
    expect([replay.statusCode, json(replay).error.code]).toEqual([409, 'PAYMENT.REPLAYED']);
    // A resend (signed afresh) of the same payment is acknowledged and changes nothing.
    h.clock.advance(1000);
    expect((await inject(fake.notification(payment.paymentNo))).body).toBe('success');
    expect((await h.snapshot()).orders).toEqual(paid.orders);
  });

  it('asks the gateway at the payment deadline: a payment whose notification was lost is applied, an unpaid trade is closed there', async () => {
    const lost = await opened();
    const unpaid = await opened();
    expect('kind' in fake.pay(lost.payment.paymentNo)).toBe(false);
    h.clock.advance(15 * MIN);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${lost.order.id}`, lost.c.token))).toMatchObject({ state: 'paid' });
    expect(json(await h.get(`/api/v1/orders/${unpaid.order.id}`, unpaid.c.token)).state).toBe('cancelled');
    expect(fake.payment(unpaid.payment.paymentNo)?.status).toBe('closed');
    expect(fake.pay(unpaid.payment.paymentNo)).toMatchObject({ code: 'PAYMENT.TRADE_CLOSED' });
  });

  it('reconciles the day from the gateway\u2019s bill: a lost notification, a refund only at the channel, an amount off by one fen', async () => {
    h.clock.set(Date.UTC(2026, 10, 27, 6, 0, 0));
    // 1. Paid in the app after the customer cancelled: the notification is lost.
    const late = await opened();
    expect((await h.post(`/api/v1/orders/${late.order.id}/cancel`, late.c.token, { confirm: true })).statusCode).toBe(200);
    expect('kind' in fake.pay(late.payment.paymentNo)).toBe(false);
    // 2. A refund Alipay paid whose answer never arrived, and no refund check ran since.
    const refunded = await opened();
    expect((await inject(fake.pay(refunded.payment.paymentNo) as AlipayDelivery)).body).toBe('success');
    fake.script.drop.push({ method: 'alipay.trade.refund', after: true }, { method: 'alipay.trade.refund', after: true });
    expect(json(await h.post(`/api/v1/orders/${refunded.order.id}/cancellation-requests`, refunded.c.token, { reasonCode: 'changed_mind' })).path).toBe('express');
    await h.haoka.worker.drain();
    // 3. Alipay's books hold one fen more for a paid order.
    const off = await opened();
    expect((await inject(fake.pay(off.payment.paymentNo) as AlipayDelivery)).body).toBe('success');
    fake.recordAmountAs(off.payment.paymentNo, off.order.amountFen + 1);

    h.clock.set(NEXT_MORNING);
    const [first] = await reconcileDay(h.haoka.deps, DAY, ['alipay']);
    expect(first).toMatchObject({ status: 'reconciled', paymentsApplied: 1, refundsStarted: 1, refundsRecorded: 1, itemsOpened: 2 });
    await h.haoka.worker.drain();
    const [back] = json(await h.get(`/api/v1/orders/${late.order.id}/refunds`, late.c.token)).refunds;
    expect(back).toMatchObject({ reason: 'late_payment' });
    const [arrived] = json(await h.get(`/api/v1/orders/${refunded.order.id}/refunds`, refunded.c.token)).refunds;
    expect(arrived.state).toBe('succeeded');
    const items = json(await h.get('/api/v1/operator/reconciliation-items', await h.staff('operator'))).items;
    expect(items.filter((i: any) => i.channel === 'alipay').map((i: any) => [i.kind, i.subject]).sort()).toEqual([
      ['amount_mismatch', off.payment.paymentNo], ['unknown_payment', 'PAYNEVEROPENED01'],
    ]);
    const [again] = await reconcileDay(h.haoka.deps, DAY, ['alipay']);
    expect(again).toMatchObject({ paymentsApplied: 0, refundsStarted: 0, refundsRecorded: 0, itemsOpened: 0 });
  });
});
