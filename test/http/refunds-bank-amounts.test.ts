// Refunds by bank transfer, the amounts a payment can still give back, late payments after the order closed,
// and the date the customer is told to expect across holidays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { MIN, refundHelpers, type Channel } from '../fixtures/refunds.ts';
import type { SignedDelivery } from '../../src/adapters/payment/simulator.ts';
import { FakeClock } from '../../src/adapters/clock.ts';

describe('bank-transfer refunds: settled in batches', () => {
  let h: Harness;
  let t: ReturnType<typeof refundHelpers>;
  beforeAll(async () => { h = await startHarness(); t = refundHelpers(h); });
  afterAll(async () => { await h?.close(); });

  it('waits for the batch, then learns each transfer\'s outcome by asking: one paid, one bounced', async () => {
    const bank = t.sims.bank;
    const ok = await t.latePayment('bank');
    await h.haoka.worker.drain();
    bank.bounceNext = ['ACCOUNT_CLOSED'];
    const bounced = await t.latePayment('bank');
    await h.haoka.worker.drain();
    for (const k of [ok, bounced]) {
      // Started Friday 27 November 2026: 3 to 5 working days is Wednesday 2 to Friday 4 December.
      expect((await t.refunds(k.order.id, k.c.token))[0]).toMatchObject({ state: 'processing', expectedArrival: { earliest: '2026-12-02', latest: '2026-12-04' } });
    }
    // Asked before the batch ran: still processing, asked again later.
    h.clock.advance(4 * 3_600_000);
    await h.haoka.worker.drain();
    expect((await t.refunds(ok.order.id, ok.c.token))[0].state).toBe('processing');
    expect(bank.payoutsFor(ok.payment.paymentNo)).toBe(0);

    const batch = bank.settleBatch();
    expect(batch.lines.map((l) => [l.refundNo, l.status]).sort()).toEqual([[ok.refundNo, 'SUCCESS'], [bounced.refundNo, 'FAILED']].sort());
    h.clock.advance(8 * 3_600_000);
    await h.haoka.worker.drain();
    expect((await t.refunds(ok.order.id, ok.c.token))[0].state).toBe('succeeded');
    expect((await t.refunds(bounced.order.id, bounced.c.token))[0]).toMatchObject({ state: 'failed', failureReason: 'ACCOUNT_CLOSED', retryable: true });
    expect([bank.payoutsFor(ok.payment.paymentNo), bank.payoutsFor(bounced.payment.paymentNo)]).toEqual([1, 0]);
    expect(await t.inbox(ok.order.id, ok.c.token)).toContain('refund_arrived');
    expect(await t.inbox(bounced.order.id, bounced.c.token)).toContain('refund_failed');
    // A later batch pays nothing again.
    expect(bank.settleBatch().lines).toEqual([]);
  });
});

describe('refund amounts and the money left on a payment', () => {
  let h: Harness;
  let t: ReturnType<typeof refundHelpers>;
  beforeAll(async () => { h = await startHarness(); t = refundHelpers(h); });
  afterAll(async () => { await h?.close(); });

  it('refunds the payment less a penalty, shows the breakdown, and refuses more than is left', async () => {
    const k = await t.paidOrder('alipay');
    const amount = k.payment.amountFen as number;
    const started = await t.start({ orderId: k.order.id, paymentId: k.payment.paymentNo, channel: 'alipay', amountFen: amount - 500, penaltyFen: 500 });
    expect(started).toMatchObject({ refundNo: expect.stringMatching(/^RF/) });
    await h.haoka.worker.drain();
    const [refund] = await t.refunds(k.order.id, k.c.token);
    expect(refund).toMatchObject({ state: 'succeeded', amountFen: amount - 500, penaltyFen: 500, feeFen: 0 });
    expect(t.sims.alipay.refunds.get(refund.refundNo)?.amountFen).toBe(amount - 500);
    const notice = json(await h.get(`/api/v1/notifications?orderId=${k.order.id}`, k.c.token)).notifications.find((n: any) => n.template === 'refund_started');
    expect(notice.body).toContain('违约金 ¥5.00');

    const before = await h.snapshot();
    for (const [input, code] of [
      [{ amountFen: 501 }, 'REFUND.INVALID_AMOUNT'],
      [{ amountFen: 0 }, 'REFUND.INVALID_AMOUNT'],
      [{ amountFen: 1.5 }, 'REFUND.INVALID_AMOUNT'],
      [{ amountFen: 100, channel: 'wechat' as const }, 'PAYMENT.CHANNEL_MISMATCH'],
      [{ amountFen: 100, paymentId: 'PAY-none' }, 'PAYMENT.NOT_FOUND'],
    ] as const) {
      const r = await t.start({ orderId: k.order.id, paymentId: k.payment.paymentNo, channel: 'alipay', ...input });
      expect(r).toMatchObject({ kind: 'error', code });
    }
    expect(await h.snapshot()).toEqual(before);
  });

  it('lets an express refund arrive the same day, even on a public holiday', async () => {
    const k = await t.paidOrder('wechat');
    h.clock.set(Date.parse('2026-10-01T03:00:00Z'));
    await t.start({ orderId: k.order.id, paymentId: k.payment.paymentNo, channel: 'wechat', amountFen: k.payment.amountFen, express: true });
    const [refund] = await t.refunds(k.order.id, k.c.token);
    expect(refund).toMatchObject({ express: true, expectedArrival: { earliest: '2026-10-01', latest: '2026-10-01' } });
    await h.haoka.worker.drain();
    const notice = json(await h.get(`/api/v1/notifications?orderId=${k.order.id}`, k.c.token)).notifications.find((n: any) => n.template === 'refund_started');
    expect(notice).toMatchObject({ title: '极速退款已发起', body: expect.stringContaining('预计今天到账') });
  });

  it('shows an order\'s refunds to its customer and to staff only', async () => {
    const k = await t.paidOrder('alipay');
    await t.start({ orderId: k.order.id, paymentId: k.payment.paymentNo, channel: 'alipay', amountFen: 100 });
    const stranger = await h.customer();
    const other = await h.get(`/api/v1/orders/${k.order.id}/refunds`, stranger.token);
    expect([other.statusCode, json(other).error.code]).toEqual([404, 'ORDER.NOT_FOUND']);
    const anonymous = await h.get(`/api/v1/orders/${k.order.id}/refunds`, null);
    expect([anonymous.statusCode, json(anonymous).error.code]).toEqual([401, 'AUTH.REQUIRED']);
    const agentView = await h.get(`/api/v1/orders/${k.order.id}/refunds`, await h.staff('agent'));
    expect(json(agentView).refunds).toHaveLength(1);
    const asPayments = json(await h.get(`/api/v1/orders/${k.order.id}/payments`, k.c.token));
    expect(asPayments.refunds.map((r: any) => r.refundNo)).toEqual(json(agentView).refunds.map((r: any) => r.refundNo));
  });
});

describe('late payments after the order closed', () => {
  let h: Harness;
  let t: ReturnType<typeof refundHelpers>;
  beforeAll(async () => { h = await startHarness(); t = refundHelpers(h); });
  afterAll(async () => { await h?.close(); });

  it('are refunded exactly once however often the channel repeats the payment notification', async () => {
    const k = await t.latePayment('wechat');
    for (let i = 0; i < 4; i++) {
      const again = await t.payCallback('wechat', t.sims.wechat.notification(k.payment.paymentNo) as SignedDelivery);
      expect(json(again).outcome).toBe('duplicate');
      await h.haoka.worker.drain();
    }
    for (const no of t.sims.wechat.settleRefunds()) await t.refundCallback(t.sims.wechat.refundNotification(no) as SignedDelivery);
    await h.haoka.worker.drain();
    const refunds = await t.refunds(k.order.id, k.c.token);
    expect(refunds.map((r) => [r.reason, r.state])).toEqual([['late_payment', 'succeeded']]);
    expect(t.sims.wechat.payoutsFor(k.payment.paymentNo)).toBe(1);
    const inbox = await t.inbox(k.order.id, k.c.token);
    expect(inbox.filter((x) => x === 'late_payment_refunded')).toHaveLength(1);
    expect(inbox.filter((x) => x === 'refund_arrived')).toHaveLength(1);
    expect(json(await h.get(`/api/v1/orders/${k.order.id}`, k.c.token)).state).toBe('cancelled');
  });
});

describe('the expected arrival date across holidays, as the customer sees it', () => {
  async function lateRefundStartedAt(startedAt: string, channel: Channel) {
    const clock = new FakeClock(Date.parse(startedAt) - 31 * MIN);
    const h = await startHarness({}, { clock });
    try {
      const t = refundHelpers(h);
      const k = await t.latePayment(channel);
      expect(h.clock.now()).toBe(Date.parse(startedAt));
      await h.haoka.worker.drain();
      const [refund] = await t.refunds(k.order.id, k.c.token);
      const notice = json(await h.get(`/api/v1/notifications?orderId=${k.order.id}`, k.c.token)).notifications.find((n: any) => n.template === 'late_payment_refunded');
      return { eta: refund.expectedArrival, text: notice.body as string };
    } finally {
      await h.close();
    }
  }

  it('skips the National Day holiday and counts the make-up Saturday 11 October for an Alipay refund started on 30 September', async () => {
    const { eta, text } = await lateRefundStartedAt('2025-09-30T06:00:00Z', 'alipay');
    expect(eta).toEqual({ earliest: '2025-10-09', latest: '2025-10-11' });
    expect(text).toContain('预计 10月9日 至 10月11日 到账');
  });

  it('runs a bank refund started before the Spring Festival through the make-up Saturday and on to 24-26 February', async () => {
    const { eta } = await lateRefundStartedAt('2026-02-12T07:00:00Z', 'bank');
    expect(eta).toEqual({ earliest: '2026-02-24', latest: '2026-02-26' });
  });
});
