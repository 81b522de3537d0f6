// Refunds to WeChat Pay and Alipay: every way the channel answers, lost answers, repeated and reordered
// notifications, busy channels, and failures redone by an agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { MIN, refundHelpers } from '../fixtures/refunds.ts';
import type { SignedDelivery } from '../../src/adapters/payment/simulator.ts';
import { SeededRandom } from '../../src/adapters/sim/random.ts';

describe('WeChat Pay refunds: accepted, then notified', () => {
  let h: Harness;
  let t: ReturnType<typeof refundHelpers>;
  beforeAll(async () => { h = await startHarness(); t = refundHelpers(h); });
  afterAll(async () => { await h?.close(); });

  it('gives one refund for a notification delivered 1 to 5 times, in any order across refunds', async () => {
    const wechat = t.sims.wechat;
    // WeChat takes its time: nothing settles until the test says so, however often Haoka asks meanwhile.
    wechat.settleDelayMs = 30 * 24 * 3_600_000;
    const cases = [];
    for (let times = 1; times <= 5; times++) cases.push({ times, ...(await t.latePayment('wechat')) });
    await h.haoka.worker.drain();
    for (const k of cases) expect((await t.refunds(k.order.id, k.c.token))[0]).toMatchObject({ state: 'processing', channel: 'wechat' });
    wechat.settleDelayMs = 0;

    expect(wechat.settleRefunds(cases.map((k) => k.refundNo)).sort()).toEqual(cases.map((k) => k.refundNo).sort());
    const deliveries = cases.flatMap((k) => Array.from({ length: k.times }, () => ({ refundNo: k.refundNo, d: wechat.refundNotification(k.refundNo) as SignedDelivery })));
    const rnd = new SeededRandom(3);
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(rnd.next() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    const outcomes = new Map<string, string[]>();
    for (const { refundNo, d } of deliveries) {
      const res = await t.refundCallback(d);
      expect(res.statusCode).toBe(200);
      outcomes.set(refundNo, [...(outcomes.get(refundNo) ?? []), json(res).outcome]);
    }
    await h.haoka.worker.drain();

    for (const k of cases) {
      expect(outcomes.get(k.refundNo)).toEqual(['applied', ...Array(k.times - 1).fill('duplicate')]);
      expect(wechat.refundPayouts.get(k.refundNo)).toBe(1);
      const [refund, ...others] = await t.refunds(k.order.id, k.c.token);
      expect(others).toEqual([]);
      expect(refund).toMatchObject({ state: 'succeeded', stateText: '退款已到账', amountFen: k.payment.amountFen });
      expect(refund.history.map((e: any) => e.action)).toEqual(['refund.started', 'refund.processing', 'refund.succeeded']);
      expect((await t.inbox(k.order.id, k.c.token)).filter((x) => x === 'refund_arrived')).toHaveLength(1);
    }
  });

  it('applies a notification that overtakes the recorded answer once, and the late answer changes nothing', async () => {
    const wechat = t.sims.wechat;
    const k = await t.latePayment('wechat');
    const original = wechat.refund.bind(wechat);
    // WeChat settles and notifies while our call is still waiting for its "accepted" answer.
    wechat.refund = async (req) => {
      const answer = await original(req);
      for (const no of wechat.settleRefunds()) expect((await t.refundCallback(wechat.refundNotification(no) as SignedDelivery)).statusCode).toBe(200);
      return answer;
    };
    try {
      await h.haoka.worker.drain();
    } finally {
      wechat.refund = original;
    }
    const [refund] = await t.refunds(k.order.id, k.c.token);
    expect(refund.state).toBe('succeeded');
    expect(refund.history.map((e: any) => e.toState)).toEqual(['pending', 'succeeded']);
    expect(wechat.refundPayouts.get(k.refundNo)).toBe(1);
    expect((await t.inbox(k.order.id, k.c.token)).filter((x) => x === 'refund_arrived')).toHaveLength(1);
  });

  it('finds the outcome by asking when no notification arrives, once the refund has been processing too long', async () => {
    const k = await t.latePayment('wechat');
    await h.haoka.worker.drain();
    t.sims.wechat.settleRefunds();
    h.clock.advance(10 * MIN - 1);
    await h.haoka.worker.drain();
    expect((await t.refunds(k.order.id, k.c.token))[0].state).toBe('processing');
    h.clock.advance(1);
    await h.haoka.worker.drain();
    expect((await t.refunds(k.order.id, k.c.token))[0]).toMatchObject({ state: 'succeeded', history: expect.arrayContaining([expect.objectContaining({ toState: 'succeeded', note: expect.stringMatching(/^query/) })]) });
    expect(t.sims.wechat.refundPayouts.get(k.refundNo)).toBe(1);
  });

  it('tells the customer when WeChat reports a refund abnormal, and what happens next', async () => {
    t.sims.wechat.nextOutcomes = ['ABNORMAL'];
    const k = await t.latePayment('wechat');
    await h.haoka.worker.drain();
    const [no] = t.sims.wechat.settleRefunds();
    expect(json(await t.refundCallback(t.sims.wechat.refundNotification(no!) as SignedDelivery)).outcome).toBe('applied');
    await h.haoka.worker.drain();
    const [refund] = await t.refunds(k.order.id, k.c.token);
    expect(refund).toMatchObject({ state: 'failed', retryable: true, failureReason: expect.stringContaining('ABNORMAL') });
    expect(t.sims.wechat.refundPayouts.get(k.refundNo)).toBeUndefined();
    const failed = json(await h.get(`/api/v1/notifications?orderId=${k.order.id}`, k.c.token)).notifications.find((n: any) => n.template === 'refund_failed');
    expect(failed.body).toContain('客服将在 1 个工作日内联系您');
  });

  it('refuses forged, tampered, stale or mismatched refund notifications and changes nothing', async () => {
    const wechat = t.sims.wechat;
    const k = await t.latePayment('wechat');
    await h.haoka.worker.drain();
    wechat.settleRefunds();
    const genuine = wechat.refundNotification(k.refundNo) as SignedDelivery;
    const before = await h.snapshot();
    const body = JSON.parse(genuine.body);
    const flipped = { ...body, resource: { ...body.resource, ciphertext: Buffer.from('x'.repeat(64)).toString('base64') } };
    const tampered = wechat.signV3(JSON.stringify(flipped), Number(genuine.headers['wechatpay-timestamp']), genuine.headers['wechatpay-nonce']!);
    const cases: [SignedDelivery, number, string][] = [
      [{ headers: { ...genuine.headers, 'wechatpay-signature': 'AAAA' }, body: genuine.body }, 401, 'PAYMENT.BAD_SIGNATURE'],
      [{ headers: { 'content-type': 'application/json' }, body: genuine.body }, 401, 'PAYMENT.BAD_SIGNATURE'],
      [tampered, 401, 'PAYMENT.BAD_SIGNATURE'],
      [wechat.refundNotification(k.refundNo, { at: h.clock.now() - 10 * MIN }) as SignedDelivery, 409, 'PAYMENT.REPLAYED'],
      [wechat.signV3('{"id":1}', Math.floor(h.clock.now() / 1000), 'nonce-123456789'), 422, 'CALLBACK.INVALID_FIELD'],
    ];
    for (const [d, status, code] of cases) {
      const res = await t.refundCallback(d);
      expect([res.statusCode, json(res).error.code]).toEqual([status, code]);
    }
    const wrongChannel = await t.refundCallback(genuine, 'alipay');
    expect([wrongChannel.statusCode, json(wrongChannel).error.code]).toEqual([400, 'REQUEST.INVALID']);
    expect(await h.snapshot()).toEqual(before);
    expect((await t.refunds(k.order.id, k.c.token))[0].state).toBe('processing');
  });
});

describe('Alipay refunds: answered at once, confirmed by a query when the answer is lost', () => {
  let h: Harness;
  let t: ReturnType<typeof refundHelpers>;
  beforeAll(async () => { h = await startHarness(); t = refundHelpers(h); });
  afterAll(async () => { await h?.close(); });

  it('refunds at once and says when the money is expected, counted in working days', async () => {
    const k = await t.latePayment('alipay');
    await h.haoka.worker.drain();
    const [refund] = await t.refunds(k.order.id, k.c.token);
    // Started on Friday 27 November 2026 (Shanghai): 1 to 3 working days is Monday 30 November to Wednesday 2 December.
    expect(refund).toMatchObject({ state: 'succeeded', channel: 'alipay', attempt: 1, expectedArrival: { earliest: '2026-11-30', latest: '2026-12-02' }, express: false });
    expect(refund.refundNo).toMatch(/^RF[0-9A-Z]{18}$/);
    expect(t.sims.alipay.refundCalls.map((c) => c.refundNo)).toEqual([k.refundNo]);
    const started = json(await h.get(`/api/v1/notifications?orderId=${k.order.id}`, k.c.token)).notifications.find((n: any) => n.template === 'late_payment_refunded');
    expect(started.body).toContain('预计 11月30日 至 12月2日 到账');
  });

  it('asks about an answer lost after the money left, and never sends the refund again', async () => {
    t.sims.alipay.timeouts = ['after_payout'];
    const k = await t.latePayment('alipay');
    await h.haoka.worker.drain();
    expect((await t.refunds(k.order.id, k.c.token))[0]).toMatchObject({ state: 'processing', stateText: '退款处理中' });
    expect(t.sims.alipay.refundPayouts.get(k.refundNo)).toBe(1);
    h.clock.advance(MIN);
    await h.haoka.worker.drain();
    const [refund] = await t.refunds(k.order.id, k.c.token);
    expect(refund.state).toBe('succeeded');
    expect(t.sims.alipay.refundCalls.filter((c) => c.paymentNo === k.payment.paymentNo)).toHaveLength(1);
    expect(t.sims.alipay.payoutsFor(k.payment.paymentNo)).toBe(1);
  });

  it('sends a request the channel never received again under the same request number, after asking', async () => {
    t.sims.alipay.timeouts = ['before_payout'];
    const k = await t.latePayment('alipay');
    await h.haoka.worker.drain();
    expect((await t.refunds(k.order.id, k.c.token))[0].state).toBe('processing');
    expect(t.sims.alipay.refundPayouts.get(k.refundNo)).toBeUndefined();
    // An agent cannot redo a refund whose outcome is not known yet: that would risk a second payout.
    const agent = await h.staff('agent');
    const early = await h.post(`/api/v1/refunds/${k.refundNo}/retry`, agent, { note: 'customer called' });
    expect([early.statusCode, json(early).error.code]).toEqual([409, 'REFUND.NOT_RETRYABLE']);
    h.clock.advance(MIN);
    await h.haoka.worker.drain();
    expect((await t.refunds(k.order.id, k.c.token))[0].state).toBe('succeeded');
    expect(t.sims.alipay.refundCalls.filter((c) => c.paymentNo === k.payment.paymentNo).map((c) => c.refundNo)).toEqual([k.refundNo, k.refundNo]);
    expect(t.sims.alipay.payoutsFor(k.payment.paymentNo)).toBe(1);
  });

  it('retries a busy channel with backoff under the same request number until it succeeds', async () => {
    t.sims.alipay.failNextRefunds = 2;
    const k = await t.latePayment('alipay');
    const calls = () => t.sims.alipay.refundCalls.filter((c) => c.paymentNo === k.payment.paymentNo);
    await h.haoka.worker.runOnce();
    expect(calls()).toHaveLength(1);
    expect((await t.refunds(k.order.id, k.c.token))[0].state).toBe('pending');
    h.clock.advance(999);
    await h.haoka.worker.runOnce();
    expect(calls()).toHaveLength(1);
    h.clock.advance(1);
    await h.haoka.worker.runOnce();
    expect(calls()).toHaveLength(2);
    h.clock.advance(1999);
    await h.haoka.worker.runOnce();
    expect(calls()).toHaveLength(2);
    h.clock.advance(1);
    await h.haoka.worker.drain();
    expect(calls().map((c) => c.refundNo)).toEqual([k.refundNo, k.refundNo, k.refundNo]);
    expect((await t.refunds(k.order.id, k.c.token))[0].state).toBe('succeeded');
    expect(t.sims.alipay.payoutsFor(k.payment.paymentNo)).toBe(1);
  });

  it('closes an attempt the channel never took after many busy answers, so that an agent can redo it', async () => {
    t.sims.alipay.failNextRefunds = 8;
    const k = await t.latePayment('alipay');
    for (let i = 0; i < 10; i++) {
      await h.haoka.worker.runOnce();
      h.clock.advance(10 * MIN);
    }
    const [refund] = await t.refunds(k.order.id, k.c.token);
    expect(refund).toMatchObject({ state: 'closed', retryable: true, failureReason: expect.stringContaining('channel unavailable') });
    expect(t.sims.alipay.payoutsFor(k.payment.paymentNo)).toBe(0);
    expect(await t.inbox(k.order.id, k.c.token)).toContain('refund_failed');
  });

  it('lets an agent redo a refused refund under a new request number, once, and pays once', async () => {
    t.sims.alipay.refuseNextRefunds = ['USER_ACCOUNT_ABNORMAL'];
    const k = await t.latePayment('alipay');
    await h.haoka.worker.drain();
    const [failed] = await t.refunds(k.order.id, k.c.token);
    expect(failed).toMatchObject({ state: 'failed', retryable: true, failureReason: 'USER_ACCOUNT_ABNORMAL', retriedAs: null });
    expect(await t.inbox(k.order.id, k.c.token)).toEqual(['order_placed', 'order_cancelled', 'late_payment_refunded', 'refund_failed']);

    const agent = await h.staff('agent');
    const queue = json(await h.get('/api/v1/refunds/awaiting-retry', agent)).refunds;
    expect(queue.map((r: any) => r.refundNo)).toContain(k.refundNo);

    const before = await h.snapshot();
    const asCustomer = await h.post(`/api/v1/refunds/${k.refundNo}/retry`, k.c.token, { note: 'please' });
    expect([asCustomer.statusCode, json(asCustomer).error.code]).toEqual([403, 'AUTH.FORBIDDEN']);
    const asOperator = await h.post(`/api/v1/refunds/${k.refundNo}/retry`, await h.staff('operator'), { note: 'x' });
    expect([asOperator.statusCode, json(asOperator).error.code]).toEqual([403, 'AUTH.FORBIDDEN']);
    const anonymous = await h.post(`/api/v1/refunds/${k.refundNo}/retry`, null, { note: 'x' });
    expect([anonymous.statusCode, json(anonymous).error.code]).toEqual([401, 'AUTH.REQUIRED']);
    const noNote = await h.post(`/api/v1/refunds/${k.refundNo}/retry`, agent, {});
    expect([noNote.statusCode, json(noNote).error.code]).toEqual([400, 'REQUEST.INVALID']);
    const badNo = await h.post('/api/v1/refunds/RF%20x%3B/retry', agent, { note: 'x' });
    expect([badNo.statusCode, json(badNo).error.code]).toEqual([400, 'REQUEST.INVALID']);
    const unknown = await h.post('/api/v1/refunds/RF000000000000000000/retry', agent, { note: 'x' });
    expect([unknown.statusCode, json(unknown).error.code]).toEqual([404, 'REFUND.NOT_FOUND']);
    expect(await h.snapshot()).toEqual(before);

    h.clock.advance(3_600_000);
    const retried = await h.post(`/api/v1/refunds/${k.refundNo}/retry`, agent, { note: '客户已确认支付宝账户恢复正常' }, { 'idempotency-key': `retry-${k.refundNo}` });
    expect(retried.statusCode).toBe(201);
    const next = json(retried);
    // The agent's browser sends the click again: same answer, no third attempt.
    const replayed = await h.post(`/api/v1/refunds/${k.refundNo}/retry`, agent, { note: '客户已确认支付宝账户恢复正常' }, { 'idempotency-key': `retry-${k.refundNo}` });
    expect([replayed.statusCode, replayed.headers['idempotent-replayed'], json(replayed).refundNo]).toEqual([201, 'true', next.refundNo]);
    expect(next).toMatchObject({ state: 'pending', attempt: 2, previousRefundNo: k.refundNo, amountFen: k.payment.amountFen, channel: 'alipay' });
    expect(next.refundNo).not.toBe(k.refundNo);
    expect(next.history[0]).toMatchObject({ action: 'refund.retried', actorType: 'agent', note: '客户已确认支付宝账户恢复正常' });

    const again = await h.post(`/api/v1/refunds/${k.refundNo}/retry`, await h.staff('supervisor'), { note: 'twice' });
    expect([again.statusCode, json(again).error.code, json(again).error.details.retriedAs]).toEqual([409, 'REFUND.ALREADY_RETRIED', next.refundNo]);
    const ofPending = await h.post(`/api/v1/refunds/${next.refundNo}/retry`, agent, { note: 'x' });
    expect([ofPending.statusCode, json(ofPending).error.code]).toEqual([409, 'REFUND.NOT_RETRYABLE']);

    await h.haoka.worker.drain();
    const all = await t.refunds(k.order.id, k.c.token);
    expect(all.map((r: any) => [r.attempt, r.state, r.retryable])).toEqual([[1, 'failed', false], [2, 'succeeded', false]]);
    expect(all[0].retriedAs).toBe(next.refundNo);
    expect(t.sims.alipay.refundPayouts.get(k.refundNo)).toBeUndefined();
    expect(t.sims.alipay.refundPayouts.get(next.refundNo)).toBe(1);
    expect(json(await h.get('/api/v1/refunds/awaiting-retry', agent)).refunds.map((r: any) => r.refundNo)).not.toContain(k.refundNo);
    const events = json(await h.get(`/api/v1/orders/${k.order.id}/events`, agent)).events.map((e: any) => e.action);
    expect(events.filter((a: string) => a.startsWith('refund.'))).toEqual(['refund.started', 'refund.failed', 'refund.retried', 'refund.succeeded']);
  });

  it('gives two agents retrying together one new attempt', async () => {
    t.sims.alipay.refuseNextRefunds = ['USER_ACCOUNT_ABNORMAL'];
    const k = await t.latePayment('alipay');
    await h.haoka.worker.drain();
    const [a, b] = await Promise.all([h.staff('agent'), h.staff('supervisor')]);
    const results = await Promise.all([a, b].map((tok) => h.post(`/api/v1/refunds/${k.refundNo}/retry`, tok, { note: 'retry' })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(await t.refunds(k.order.id, k.c.token)).toHaveLength(2);
  });
});
