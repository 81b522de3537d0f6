import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { reconcileDay } from '../../src/app/reconciliation/reconcile-day.ts';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { PAYMENT_HELD } from '../../src/app/reconciliation/channel-check.ts';
import { Worker } from '../../src/jobs/worker.ts';

const DAY = '2026-11-27';
/** 10:00 in Beijing on the next day: the day's bills are out. */
const NEXT_MORNING = Date.UTC(2026, 10, 28, 2, 0, 0);

const asInject = (d: unknown) => {
  if (!d || typeof d !== 'object' || 'kind' in d) throw new Error(`no delivery: ${JSON.stringify(d)}`);
  const x = d as { headers: Record<string, string>; body: string };
  return { headers: x.headers, payload: x.body };
};

describe('the daily reconciliation with the channels\u2019 bills', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ HAOKA_PAYMENT_TIMEOUT: '15m', HAOKA_REMINDER_BEFORE: '5m' }); });
  afterAll(async () => { await h?.close(); });

  /** A customer opens a payment, cancels the order, then pays in the channel app still open: the notification is lost. */
  async function paidAfterCancel(channel: 'alipay' | 'wechat') {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const { paymentNo } = json(await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel }));
    expect((await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    const sim = h.haoka.sims.payments[channel];
    return { c, order, paymentNo: paymentNo as string, delivery: sim.pay(paymentNo) };
  }

  it('settles a day with a lost notification, a refund known only to the channel and an amount off by one fen, once', async () => {
    const alipay = h.haoka.sims.payments.alipay;
    const wechat = h.haoka.sims.payments.wechat;
    // 1. Paid at Alipay for an order that had closed; the notification never arrives.
    const lost = await paidAfterCancel('alipay');
    // 2. Paid late at WeChat Pay, notified, refunded: WeChat pays the refund out but its notification is lost.
    const late = await paidAfterCancel('wechat');
    expect(json(await h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/wechat', ...asInject(late.delivery) })).outcome).toBe('refunded_late_payment');
    await h.haoka.worker.drain();
    const [refund] = await h.haoka.deps.store.refunds.listRefunds(late.order.id);
    expect(refund!.state).toBe('processing');
    expect(wechat.settleRefunds([refund!.id])).toEqual([refund!.id]);
    // 3. A paid order whose payment the channel's books hold at one fen more.
    const c = await h.customer();
    const paid = await h.paidOrder(c.token, {}, 'alipay');
    alipay.recordAmountAs(paid.paymentNo, paid.order.amountFen + 1);

    h.clock.set(NEXT_MORNING);
    const before = await checkInvariants(h.haoka.deps.store, { payments: h.haoka.deps.payments, now: h.clock.now() });
    expect(before.violations).toEqual([expect.objectContaining({ invariant: PAYMENT_HELD, subject: lost.paymentNo })]);

    const first = await reconcileDay(h.haoka.deps, DAY);
    expect(first.find((s) => s.channel === 'alipay')).toMatchObject({ status: 'reconciled', paymentsApplied: 1, refundsStarted: 1, refundsRecorded: 0, itemsOpened: 1 });
    expect(first.find((s) => s.channel === 'wechat')).toMatchObject({ status: 'reconciled', paymentsApplied: 0, refundsStarted: 0, refundsRecorded: 1, itemsOpened: 0 });
    expect(first.find((s) => s.channel === 'bank')).toMatchObject({ status: 'reconciled', lines: 0 });
    await h.haoka.worker.drain();

    // The money for the closed order went back, once; the refund the channel paid is recorded as arrived.
    const lostMoney = json(await h.get(`/api/v1/orders/${lost.order.id}/payments`, lost.c.token));
    expect(lostMoney.payments).toMatchObject([{ paymentNo: lost.paymentNo, state: 'succeeded' }]);
    expect(lostMoney.refunds).toMatchObject([{ state: 'succeeded', reason: 'late_payment', amountFen: lost.order.amountFen }]);
    expect(alipay.payoutsFor(lost.paymentNo)).toBe(1);
    expect((await h.haoka.deps.store.refunds.getRefund(refund!.id))!.state).toBe('succeeded');
    expect(wechat.payoutsFor(late.paymentNo)).toBe(1);
    expect(json(await h.get(`/api/v1/orders/${paid.order.id}`, c.token)).state).toBe('paid');

    const operator = await h.staff('operator');
    const items = json(await h.get('/api/v1/operator/reconciliation-items', operator)).items;
    expect(items).toMatchObject([{ channel: 'alipay', day: DAY, kind: 'amount_mismatch', subject: paid.paymentNo, orderId: paid.order.id, ourAmountFen: paid.order.amountFen, channelAmountFen: paid.order.amountFen + 1, state: 'open' }]);

    const after = await checkInvariants(h.haoka.deps.store, { payments: h.haoka.deps.payments, now: h.clock.now() });
    expect(after.violations).toEqual([]);

    // A second run settles nothing twice.
    const snapshot = await h.snapshot();
    const second = await reconcileDay(h.haoka.deps, DAY);
    for (const s of second) expect(s).toMatchObject({ status: 'reconciled', paymentsApplied: 0, refundsStarted: 0, refundsRecorded: 0, itemsOpened: 0, matched: s.lines });
    await h.haoka.worker.drain();
    expect(await h.snapshot()).toEqual(snapshot);
    expect(alipay.payoutsFor(lost.paymentNo)).toBe(1);
    expect(json(await h.get('/api/v1/operator/reconciliation-items', operator)).items).toHaveLength(1);

    // The operator settles the item; who and when are kept, on the item and in the order's trail; once only.
    const resolved = await h.post(`/api/v1/operator/reconciliation-items/${items[0].id}/resolve`, operator, { note: 'channel coupon of 1 fen, confirmed in the merchant console' });
    expect(resolved.statusCode).toBe(200);
    expect(json(resolved)).toMatchObject({ state: 'resolved', resolvedBy: expect.any(String), resolvedAt: h.clock.now(), note: 'channel coupon of 1 fen, confirmed in the merchant console' });
    const again = await h.post(`/api/v1/operator/reconciliation-items/${items[0].id}/resolve`, operator, { note: 'twice' });
    expect(again.statusCode).toBe(409);
    expect(json(again).error.code).toBe('RECONCILIATION.ITEM_RESOLVED');
    expect(json(await h.get('/api/v1/operator/reconciliation-items?state=resolved', operator)).items).toHaveLength(1);
    const events = json(await h.get(`/api/v1/orders/${paid.order.id}/events`, c.token)).events.map((e: any) => e.action);
    expect(events).toEqual(expect.arrayContaining(['reconciliation.item_opened', 'reconciliation.item_resolved']));
    expect((await h.post('/api/v1/operator/reconciliation-items/999999/resolve', operator, { note: 'x' })).statusCode).toBe(404);
  });

  it('runs yesterday\u2019s reconciliation from the worker once a day, and not again after a restart', async () => {
    const lost = await paidAfterCancel('alipay');
    h.clock.set(NEXT_MORNING + 86_400_000);
    await h.haoka.worker.drain();
    const money = json(await h.get(`/api/v1/orders/${lost.order.id}/payments`, lost.c.token));
    expect(money.refunds).toMatchObject([{ state: 'succeeded', reason: 'late_payment' }]);
    const db = h.haoka.deps.store.database.db;
    const runs = await db.selectFrom('reconciliation_runs').selectAll().where('day', '=', '2026-11-28').orderBy('channel').execute();
    expect(runs.map((r) => r.channel)).toEqual(['alipay', 'bank', 'wechat']);
    // A restarted worker finds the day done and runs nothing.
    h.clock.advance(3_600_000);
    await new Worker(h.haoka.deps).runOnce();
    const later = await db.selectFrom('reconciliation_runs').selectAll().where('day', '=', '2026-11-28').orderBy('channel').execute();
    expect(later).toEqual(runs);
  });
});
