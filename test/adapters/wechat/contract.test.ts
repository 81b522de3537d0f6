// The WeChat Pay API v3 adapter against the fake gateway over HTTP: both sides sign and verify; the answers are
// mapped to the port's types; a lost answer is "unknown", and a refund sent again under the same out_refund_no is
// paid once; refusals are WeChat's own codes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/clock.ts';
import { WechatPayAdapter } from '../../../src/adapters/payment/wechat/adapter.ts';
import { keyPair } from '../../../src/adapters/payment/wechat-fake/keys.ts';
import { FakeWechatState } from '../../../src/adapters/payment/wechat-fake/state.ts';
import { RESEND_AFTER_MS } from '../../../src/adapters/payment/sim-records.ts';
import { SimJournal } from '../../../src/adapters/sim/journal.ts';
import { NOTIFY, startWechatPair, type WechatPair } from '../../fixtures/wechat-pair.ts';

const MIN = 60_000;
let pair: WechatPair;
afterEach(async () => { await pair?.close(); });

async function paid(p: WechatPair, no: string, fen = 5000) {
  await p.adapter.createPayment({ paymentNo: no, amountFen: fen, subject: '移动 129 元套餐 号卡', expiresAt: p.clock.now() + 15 * MIN });
  expect('kind' in p.state.pay(no)).toBe(false);
}

describe('the WeChat Pay adapter against the fake gateway', () => {
  it('signs every request with the merchant key; the gateway refuses any other signer with SIGN_ERROR', async () => {
    pair = await startWechatPair();
    await pair.adapter.createPayment({ paymentNo: 'PAYSIGN0001', amountFen: 100, subject: 'x', expiresAt: pair.clock.now() + MIN });
    const stranger = new WechatPayAdapter({ ...pair.cfg, privateKeyPem: keyPair(null, 'test-wechat-stranger').privateKeyPem }, pair.clock, { notifyUrls: NOTIFY });
    await expect(stranger.queryPayment('PAYSIGN0001')).rejects.toThrow(/401 SIGN_ERROR/);
    await expect(stranger.createPayment({ paymentNo: 'PAYSIGN0002', amountFen: 100, subject: 'x', expiresAt: pair.clock.now() + MIN })).rejects.toThrow(/SIGN_ERROR/);
    expect(pair.state.payment('PAYSIGN0002')).toBeUndefined();
    // A request whose timestamp is far from WeChat's clock is refused too (a captured request cannot be replayed later).
    const late = new WechatPayAdapter(pair.cfg, new FakeClock(pair.clock.now() - 10 * MIN), { notifyUrls: NOTIFY });
    await expect(late.createPayment({ paymentNo: 'PAYSIGN0003', amountFen: 100, subject: 'x', expiresAt: pair.clock.now() + MIN })).rejects.toThrow();
    expect(pair.state.payment('PAYSIGN0003')).toBeUndefined();
  });

  it('believes no answer that the WeChat Pay public key does not verify: the call\u2019s outcome is unknown', async () => {
    pair = await startWechatPair();
    await paid(pair, 'PAYVERIFY01');
    const fooled = new WechatPayAdapter({ ...pair.cfg, publicKeyPem: keyPair(null, 'test-wechat-stranger').publicKeyPem }, pair.clock, { notifyUrls: NOTIFY });
    await expect(fooled.queryPayment('PAYVERIFY01')).rejects.toThrow(/not trusted: bad signature/);
    await expect(fooled.closePayment('PAYVERIFY01')).rejects.toThrow(/not trusted/);
    // A refund starts by reading the trade's total: untrusted, the refund is not sent at all.
    expect(await fooled.refund({ refundNo: 'RFVERIFY0001', paymentNo: 'PAYVERIFY01', amountFen: 100, reason: 'x' })).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^TRADE_QUERY_FAILED/) });
    expect(pair.state.refundCalls).toEqual([]);
    const otherId = new WechatPayAdapter({ ...pair.cfg, publicKeyId: 'PUB_KEY_ID_0000000000000000000000000000' }, pair.clock, { notifyUrls: NOTIFY });
    await expect(otherId.queryPayment('PAYVERIFY01')).rejects.toThrow(/signed with another key/);
  });

  it('refuses as WeChat does an order under 1 fen or with a malformed field, naming the field', async () => {
    pair = await startWechatPair();
    await expect(pair.adapter.createPayment({ paymentNo: 'PAYFREE0001', amountFen: 0, subject: 'x', expiresAt: pair.clock.now() + MIN })).rejects.toThrow(/least is 1 fen/);
    await expect(pair.adapter.createPayment({ paymentNo: 'PAY FREE 02', amountFen: 100, subject: 'x', expiresAt: pair.clock.now() + MIN })).rejects.toThrow(/PARAM_ERROR .*\/body\/out_trade_no/);
    await pair.adapter.createPayment({ paymentNo: 'PAYTWICE001', amountFen: 100, subject: 'x', expiresAt: pair.clock.now() + MIN });
    await expect(pair.adapter.createPayment({ paymentNo: 'PAYTWICE001', amountFen: 200, subject: 'x', expiresAt: pair.clock.now() + MIN })).rejects.toThrow(/OUT_TRADE_NO_USED/);
    expect(pair.state.payment('PAYFREE0001')).toBeUndefined();
  });

  it('maps the trade states: NOTPAY waiting, SUCCESS and REFUND paid, CLOSED closed, ORDER_NOT_EXIST not found', async () => {
    pair = await startWechatPair();
    const { adapter, state, clock } = pair;
    await adapter.createPayment({ paymentNo: 'PAYSTATE001', amountFen: 5000, subject: 'x', expiresAt: clock.now() + 15 * MIN });
    expect(await adapter.queryPayment('PAYSTATE001')).toEqual({ status: 'waiting' });
    state.pay('PAYSTATE001');
    const p = state.payment('PAYSTATE001')!;
    expect(await adapter.queryPayment('PAYSTATE001')).toEqual({ status: 'paid', tradeNo: p.tradeNo, amountFen: 5000, paidAt: Math.floor(clock.now() / 1000) * 1000 });
    expect(await adapter.refund({ refundNo: 'RFSTATE00001', paymentNo: 'PAYSTATE001', amountFen: 1000, reason: 'x' })).toMatchObject({ status: 'processing' });
    expect(await adapter.queryPayment('PAYSTATE001')).toMatchObject({ status: 'paid', amountFen: 5000 }); // trade_state REFUND
    await adapter.createPayment({ paymentNo: 'PAYSTATE002', amountFen: 5000, subject: 'x', expiresAt: clock.now() + 15 * MIN });
    expect(await adapter.closePayment('PAYSTATE002')).toEqual({ status: 'closed' });
    expect(await adapter.queryPayment('PAYSTATE002')).toEqual({ status: 'closed' });
    expect(await adapter.queryPayment('PAYNOSUCH01')).toEqual({ status: 'not_found' });
  });

  it('closes an unpaid trade (204), refuses to close a paid one (ORDERPAID), knows no unknown one (ORDER_NOT_EXIST)', async () => {
    pair = await startWechatPair();
    await pair.adapter.createPayment({ paymentNo: 'PAYCLOSE001', amountFen: 100, subject: 'x', expiresAt: pair.clock.now() + MIN });
    expect(await pair.adapter.closePayment('PAYCLOSE001')).toEqual({ status: 'closed' });
    expect(await pair.adapter.closePayment('PAYCLOSE001')).toEqual({ status: 'closed' });
    expect(pair.state.pay('PAYCLOSE001')).toMatchObject({ code: 'PAYMENT.TRADE_CLOSED' });
    await paid(pair, 'PAYCLOSE002');
    expect(await pair.adapter.closePayment('PAYCLOSE002')).toEqual({ status: 'refused', error: expect.stringMatching(/^ORDERPAID/) });
    expect(await pair.adapter.closePayment('PAYNOSUCH01')).toEqual({ status: 'not_found' });
  });

  it('throws when a trade query or close gets no answer, so that the deadline close waits and asks again', async () => {
    pair = await startWechatPair();
    await pair.adapter.createPayment({ paymentNo: 'PAYQUIET001', amountFen: 100, subject: 'x', expiresAt: pair.clock.now() + MIN });
    pair.state.unansweredTradeCalls = 2;
    await expect(pair.adapter.queryPayment('PAYQUIET001')).rejects.toThrow(/did not answer/);
    await expect(pair.adapter.closePayment('PAYQUIET001')).rejects.toThrow(/did not answer/);
    expect(pair.state.payment('PAYQUIET001')?.status).toBe('open');
    expect(await pair.adapter.closePayment('PAYQUIET001')).toEqual({ status: 'closed' });
  });

  it('sends a refund again under the same out_refund_no after a lost answer, and the money leaves once', async () => {
    pair = await startWechatPair();
    await paid(pair, 'PAYRETRY001');
    const req = { refundNo: 'RFRETRY00001', paymentNo: 'PAYRETRY001', amountFen: 5000, reason: '用户取消' };
    // WeChat accepted the refund, but its answer never came back.
    pair.gateway.script.drop.push({ path: /^\/v3\/refund\/domestic\/refunds$/, after: true });
    expect(await pair.adapter.refund(req)).toMatchObject({ status: 'unknown', error: expect.stringMatching(/^TIMEOUT/) });
    const again = await pair.adapter.refund(req);
    expect(again).toEqual({ status: 'processing', channelRefundNo: pair.state.refundRecord('RFRETRY00001')!.channelRefundNo });
    expect(pair.state.refundCalls.map((c) => c.refundNo)).toEqual(['RFRETRY00001']);
    expect(await pair.state.tick()).toBe(1);
    expect(await pair.adapter.refund(req)).toMatchObject({ status: 'succeeded' });
    expect(pair.state.payoutsFor('PAYRETRY001')).toBe(1);
    expect(pair.state.refundPayouts.get('RFRETRY00001')).toBe(1);
  });

  it('learns that a refund lost before WeChat saw it was never received, and sends it then', async () => {
    pair = await startWechatPair();
    await paid(pair, 'PAYRETRY002');
    const req = { refundNo: 'RFRETRY00002', paymentNo: 'PAYRETRY002', amountFen: 5000, reason: 'x' };
    pair.gateway.script.drop.push({ path: /^\/v3\/refund\/domestic\/refunds$/, after: false });
    expect(await pair.adapter.refund(req)).toMatchObject({ status: 'unknown' });
    expect(await pair.adapter.queryRefund(req)).toEqual({ status: 'not_found' });
    expect(await pair.adapter.refund(req)).toMatchObject({ status: 'processing' });
  });

  it('maps refund queries: PROCESSING, SUCCESS, ABNORMAL failed, CLOSED closed, RESOURCE_NOT_EXISTS not found', async () => {
    pair = await startWechatPair();
    const { adapter, state, clock } = pair;
    await paid(pair, 'PAYRFQ00001', 9000);
    state.settleDelayMs = 10 * MIN;
    state.nextOutcomes = ['SUCCESS', 'ABNORMAL', 'CLOSED'];
    const nos = ['RFQ00000001', 'RFQ00000002', 'RFQ00000003'];
    for (const no of nos) expect(await adapter.refund({ refundNo: no, paymentNo: 'PAYRFQ00001', amountFen: 1000, reason: 'x' })).toMatchObject({ status: 'processing' });
    expect(await adapter.queryRefund({ refundNo: nos[0]!, paymentNo: 'PAYRFQ00001' })).toMatchObject({ status: 'processing' });
    clock.advance(10 * MIN);
    expect(await adapter.queryRefund({ refundNo: nos[0]!, paymentNo: 'PAYRFQ00001' })).toEqual({ status: 'succeeded', channelRefundNo: state.refundRecord(nos[0]!)!.channelRefundNo });
    expect(await adapter.queryRefund({ refundNo: nos[1]!, paymentNo: 'PAYRFQ00001' })).toMatchObject({ status: 'failed', error: expect.stringMatching(/^ABNORMAL/) });
    expect(await adapter.queryRefund({ refundNo: nos[2]!, paymentNo: 'PAYRFQ00001' })).toMatchObject({ status: 'closed' });
    expect(await adapter.queryRefund({ refundNo: 'RFQNOSUCH01', paymentNo: 'PAYRFQ00001' })).toEqual({ status: 'not_found' });
    // A known number asked about another payment is not that payment's refund.
    expect(await adapter.queryRefund({ refundNo: nos[0]!, paymentNo: 'PAYOTHER001' })).toEqual({ status: 'not_found' });
  });

  it('refuses refunds as WeChat does: busy ones may be sent again, the others not', async () => {
    pair = await startWechatPair();
    const { adapter, state, gateway } = pair;
    await paid(pair, 'PAYREFUSE01', 1000);
    const req = (no: string, fen = 500) => ({ refundNo: no, paymentNo: 'PAYREFUSE01', amountFen: fen, reason: 'x' });
    gateway.script.busy.push(/^\/v3\/refund\/domestic\/refunds$/);
    expect(await adapter.refund(req('RFREFUSE0001'))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^FREQUENCY_LIMITED/) });
    state.failNextRefunds = 1;
    expect(await adapter.refund(req('RFREFUSE0001'))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^SYSTEM_ERROR/) });
    state.refuseNextRefunds = ['NOT_ENOUGH'];
    expect(await adapter.refund(req('RFREFUSE0001'))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^NOT_ENOUGH/) });
    expect(await adapter.refund(req('RFREFUSE0002', 2000))).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/^INVALID_REQUEST/) });
    expect(await adapter.refund({ ...req('RFREFUSE0003'), paymentNo: 'PAYNOSUCH01' })).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/^TRADE_NOT_EXIST/) });
    // The trade could not be read first (WeChat's refund needs its total): nothing was sent, it may be sent later.
    const calls = state.refundCalls.length;
    gateway.script.busy.push(/^\/v3\/pay\/transactions\/out-trade-no\//);
    expect(await adapter.refund(req('RFREFUSE0001'))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^TRADE_QUERY_FAILED/) });
    expect(state.refundPayouts.size).toBe(0);
    expect(state.refundCalls.length).toBe(calls);
    expect(await adapter.refund(req('RFREFUSE0001'))).toMatchObject({ status: 'processing' });
    // Given the total we recorded from WeChat's own notification, the refund is one call: the trade is not asked.
    gateway.script.busy.push(/^\/v3\/pay\/transactions\/out-trade-no\//);
    expect(await adapter.refund({ ...req('RFREFUSE0004', 300), paymentTotalFen: 1000 })).toMatchObject({ status: 'processing' });
    expect(gateway.script.busy).toHaveLength(1);
    gateway.script.busy.length = 0;
  });

  it('verifies and opens its notifications, and resends an unacknowledged one on WeChat\u2019s schedule for about a day', async () => {
    pair = await startWechatPair();
    pair.ack = () => false;
    await paid(pair, 'PAYNOTIFY01');
    await pair.state.resendDue();
    const times = [pair.clock.now()];
    for (const after of RESEND_AFTER_MS) {
      pair.clock.advance(after - 1);
      await pair.state.resendDue();
      expect(pair.sent.length).toBe(times.length);
      pair.clock.advance(1);
      await pair.state.resendDue();
      times.push(pair.clock.now());
      expect(pair.sent.length).toBe(times.length);
    }
    pair.clock.advance(24 * 3_600_000);
    await pair.state.resendDue();
    expect(pair.sent.length).toBe(16);
    expect(times.at(-1)! - times[0]!).toBe(RESEND_AFTER_MS.reduce((a, b) => a + b, 0));
    expect((times.at(-1)! - times[0]!) / 3_600_000).toBeCloseTo(24.07, 1);
    // Every delivery is signed afresh (its own nonce) but carries the same notification id.
    expect(new Set(pair.sent.map((d) => d.headers['wechatpay-nonce'])).size).toBe(16);
    expect(new Set(pair.sent.map((d) => JSON.parse(d.body).id)).size).toBe(1);
    const last = pair.sent.at(-1)!;
    expect(last.url).toBe(NOTIFY.payment);
    expect(pair.adapter.verifyNotification(last.headers, last.body, times.at(-1)!)).toMatchObject({ paymentNo: 'PAYNOTIFY01', amountFen: 5000, status: 'SUCCESS' });
  });

  it('stops resending once acknowledged, and sends refund results to the refund address', async () => {
    pair = await startWechatPair();
    let answers = 0;
    pair.ack = () => ++answers >= 2;
    await paid(pair, 'PAYNOTIFY02');
    await pair.state.resendDue();
    pair.clock.advance(RESEND_AFTER_MS[0]!);
    await pair.state.resendDue();
    pair.clock.advance(3_600_000);
    await pair.state.resendDue();
    expect(pair.sent.length).toBe(2);
    expect(await pair.adapter.refund({ refundNo: 'RFNOTIFY0001', paymentNo: 'PAYNOTIFY02', amountFen: 5000, reason: 'x' })).toMatchObject({ status: 'processing' });
    await pair.state.tick();
    const d = pair.sent.at(-1)!;
    expect(d.url).toBe(NOTIFY.refund);
    expect(pair.adapter.verifyRefundNotification(d.headers, d.body, pair.clock.now())).toMatchObject({ refundNo: 'RFNOTIFY0001', amountFen: 5000, status: 'succeeded' });
    expect(pair.adapter.verifyNotification(d.headers, d.body, pair.clock.now())).toMatchObject({ code: 'CALLBACK.UNKNOWN_KIND' });
  });

  it('reads the day\u2019s trade bill in WeChat\u2019s format once the day is over, and an empty day as no lines', async () => {
    pair = await startWechatPair();
    await paid(pair, 'PAYBILL0001', 12345);
    expect(await pair.adapter.refund({ refundNo: 'RFBILL00001', paymentNo: 'PAYBILL0001', amountFen: 345, reason: 'x' })).toMatchObject({ status: 'processing' });
    await pair.state.tick();
    const day = '2026-11-27';
    expect(await pair.adapter.statement(day)).toEqual({ status: 'not_ready', day });
    pair.clock.set(Date.UTC(2026, 10, 28, 2, 0, 0));
    const bill = await pair.adapter.statement(day);
    expect(bill).toMatchObject({ status: 'ready', lines: [
      { kind: 'payment', paymentNo: 'PAYBILL0001', amountFen: 12345 },
      { kind: 'refund', paymentNo: 'PAYBILL0001', refundNo: 'RFBILL00001', amountFen: 345 },
    ] });
    expect(await pair.adapter.statement('2026-11-20')).toEqual({ status: 'ready', day: '2026-11-20', lines: [] });
  });

  it('keeps its books in the simulator journal: a restarted gateway still knows the trade and the refund number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haoka-wechat-'));
    try {
      pair = await startWechatPair({ journal: new SimJournal(join(dir, 'wechat.db')) });
      await paid(pair, 'PAYJOURNAL1');
      expect(await pair.adapter.refund({ refundNo: 'RFJOURNAL01', paymentNo: 'PAYJOURNAL1', amountFen: 5000, reason: 'x' })).toMatchObject({ status: 'processing' });
      const again = new FakeWechatState(pair.state.merchant, pair.clock, { journal: new SimJournal(join(dir, 'wechat.db')) });
      expect(again.payment('PAYJOURNAL1')).toMatchObject({ status: 'paid', notifyUrl: NOTIFY.payment });
      expect(again.refundRecord('RFJOURNAL01')).toMatchObject({ status: 'PROCESSING', notifyUrl: NOTIFY.refund });
      expect(keyPair(dir, 'wechat-platform')).toEqual(keyPair(dir, 'wechat-platform'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
