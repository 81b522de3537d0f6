// The Alipay adapter (official SDK) against the fake gateway over HTTP: both sides sign and verify RSA2; answers
// are mapped to the port's types; a lost answer is "unknown", and a refund sent again under the same
// out_request_no is paid once; refusals are Alipay's own sub-codes; notifications are resent on Alipay's schedule.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlipayAdapter } from '../../../src/adapters/payment/alipay/adapter.ts';
import { ALIPAY_RESEND_AFTER_MS } from '../../../src/adapters/payment/alipay/protocol.ts';
import { FakeAlipayState } from '../../../src/adapters/payment/alipay-fake/state.ts';
import { keyPair } from '../../../src/adapters/payment/wechat-fake/keys.ts';
import { SimJournal } from '../../../src/adapters/sim/journal.ts';
import { NOTIFY_URL, openCashier, startAlipayPair, type AlipayPair } from '../../fixtures/alipay-pair.ts';

const MIN = 60_000;
let pair: AlipayPair;
afterEach(async () => { await pair?.close(); });

/**
 * The answer to the next call of a method is lost. The SDK's HTTP client sends a request once more by itself when
 * its connection breaks (urllib's socketErrorRetry), so a lost answer is both attempts' answers lost.
 */
function lose(p: AlipayPair, method: string, after: boolean) {
  p.state.script.drop.push({ method, after }, { method, after });
}

async function opened(p: AlipayPair, no: string, fen = 5000) {
  return p.adapter.createPayment({ paymentNo: no, amountFen: fen, subject: '移动 129 元套餐 号卡', expiresAt: p.clock.now() + 15 * MIN });
}

async function paid(p: AlipayPair, no: string, fen = 5000) {
  await opened(p, no, fen);
  expect('kind' in p.state.pay(no)).toBe(false);
}

describe('the Alipay adapter against the fake gateway', () => {
  it('signs the cashier page and every call with the app key; the gateway refuses any other signer with isv.invalid-signature', async () => {
    pair = await startAlipayPair();
    const { payUrl } = await opened(pair, 'PAYSIGN0001', 100);
    const url = new URL(payUrl);
    expect(url.searchParams.get('method')).toBe('alipay.trade.wap.pay');
    expect(url.searchParams.get('sign_type')).toBe('RSA2');
    expect(url.searchParams.get('notify_url')).toBe(NOTIFY_URL);
    expect(JSON.parse(url.searchParams.get('biz_content')!)).toMatchObject({ out_trade_no: 'PAYSIGN0001', total_amount: '1.00', product_code: 'QUICK_WAP_WAY' });
    expect(pair.state.payment('PAYSIGN0001')).toMatchObject({ status: 'open', amountFen: 100, notifyUrl: NOTIFY_URL });
    // A page whose amount was changed after signing does not open.
    const altered = new URL(payUrl);
    altered.searchParams.set('biz_content', url.searchParams.get('biz_content')!.replace('"1.00"', '"0.01"'));
    await expect(openCashier(altered.toString())).rejects.toThrow(/isv.invalid-signature/);
    const stranger = new AlipayAdapter({ ...pair.cfg, privateKeyPem: keyPair(null, 'test-alipay-stranger').privateKeyPem }, pair.clock, { notifyUrl: NOTIFY_URL, openPage: openCashier });
    await expect(stranger.queryPayment('PAYSIGN0001')).rejects.toThrow(/40002 Invalid Arguments isv.invalid-signature/);
    await expect(stranger.closePayment('PAYSIGN0001')).rejects.toThrow(/isv.invalid-signature/);
    await expect(opened({ ...pair, adapter: stranger }, 'PAYSIGN0002')).rejects.toThrow(/isv.invalid-signature/);
    expect(pair.state.payment('PAYSIGN0002')).toBeUndefined();
    expect(pair.state.payment('PAYSIGN0001')?.status).toBe('open');
  });

  it('believes no answer that Alipay\u2019s public key does not verify: the outcome is unknown and no refund is believed', async () => {
    pair = await startAlipayPair();
    await paid(pair, 'PAYVERIFY01');
    const fooled = new AlipayAdapter({ ...pair.cfg, alipayPublicKeyPem: keyPair(null, 'test-alipay-stranger').publicKeyPem }, pair.clock, { notifyUrl: NOTIFY_URL });
    await expect(fooled.queryPayment('PAYVERIFY01')).rejects.toThrow(/not trusted/);
    await expect(fooled.closePayment('PAYVERIFY01')).rejects.toThrow(/not trusted/);
    expect(await fooled.refund({ refundNo: 'RFVERIFY0001', paymentNo: 'PAYVERIFY01', amountFen: 100, reason: 'x' })).toMatchObject({ status: 'unknown', error: expect.stringMatching(/^TIMEOUT/) });
    // Its notifications do not verify either.
    const d = pair.state.notification('PAYVERIFY01');
    if ('kind' in d) throw new Error('no notification');
    expect(fooled.verifyNotification(d.headers, d.body, pair.clock.now())).toMatchObject({ code: 'PAYMENT.BAD_SIGNATURE' });
  });

  it('refuses as Alipay does an order under 1 fen, and a page that reuses a number for another amount', async () => {
    pair = await startAlipayPair();
    await expect(opened(pair, 'PAYFREE0001', 0)).rejects.toThrow(/least is 1 fen/);
    await opened(pair, 'PAYTWICE001', 100);
    await expect(opened(pair, 'PAYTWICE001', 200)).rejects.toThrow(/ACQ.CONTEXT_INCONSISTENT/);
    expect(pair.state.payment('PAYFREE0001')).toBeUndefined();
    expect(pair.state.payment('PAYTWICE001')?.amountFen).toBe(100);
  });

  it('maps the trade states: WAIT_BUYER_PAY waiting, TRADE_SUCCESS paid, TRADE_CLOSED closed, ACQ.TRADE_NOT_EXIST not found', async () => {
    pair = await startAlipayPair();
    const { adapter, state, clock } = pair;
    await opened(pair, 'PAYSTATE001');
    expect(await adapter.queryPayment('PAYSTATE001')).toEqual({ status: 'waiting' });
    state.pay('PAYSTATE001');
    expect(await adapter.queryPayment('PAYSTATE001')).toEqual({ status: 'paid', tradeNo: state.payment('PAYSTATE001')!.tradeNo, amountFen: 5000, paidAt: Math.floor(clock.now() / 1000) * 1000 });
    await opened(pair, 'PAYSTATE002');
    expect(await adapter.closePayment('PAYSTATE002')).toEqual({ status: 'closed' });
    expect(await adapter.queryPayment('PAYSTATE002')).toEqual({ status: 'closed' });
    // A page never opened: Alipay has no trade yet.
    expect(await adapter.queryPayment('PAYNOSUCH01')).toEqual({ status: 'not_found' });
  });

  it('closes an unpaid trade, refuses to close a paid one (ACQ.TRADE_STATUS_ERROR), knows no unknown one', async () => {
    pair = await startAlipayPair();
    await opened(pair, 'PAYCLOSE001', 100);
    expect(await pair.adapter.closePayment('PAYCLOSE001')).toEqual({ status: 'closed' });
    expect(await pair.adapter.closePayment('PAYCLOSE001')).toEqual({ status: 'closed' });
    expect(pair.state.pay('PAYCLOSE001')).toMatchObject({ code: 'PAYMENT.TRADE_CLOSED', message: expect.stringMatching(/^ACQ.TRADE_HAS_CLOSE/) });
    await expect(opened(pair, 'PAYCLOSE001', 100)).rejects.toThrow(/ACQ.TRADE_HAS_CLOSE/);
    // An unpaid trade past its time_expire is closed by Alipay itself.
    await opened(pair, 'PAYLAPSE001', 100);
    pair.clock.advance(15 * MIN);
    expect(await pair.adapter.queryPayment('PAYLAPSE001')).toEqual({ status: 'closed' });
    expect(pair.state.pay('PAYLAPSE001')).toMatchObject({ code: 'PAYMENT.TRADE_CLOSED' });
    await paid(pair, 'PAYCLOSE002');
    expect(await pair.adapter.closePayment('PAYCLOSE002')).toEqual({ status: 'refused', error: expect.stringMatching(/^ACQ.TRADE_STATUS_ERROR/) });
    expect(await pair.adapter.closePayment('PAYNOSUCH01')).toEqual({ status: 'not_found' });
  });

  it('throws when a trade query or close gets no answer, so that the deadline close waits and asks again', async () => {
    pair = await startAlipayPair();
    await opened(pair, 'PAYQUIET001', 100);
    pair.state.unansweredTradeCalls = 2;
    await expect(pair.adapter.queryPayment('PAYQUIET001')).rejects.toThrow(/did not answer/);
    lose(pair, 'alipay.trade.close', false);
    await expect(pair.adapter.closePayment('PAYQUIET001')).rejects.toThrow(/did not answer/);
    pair.state.script.busy.push('alipay.trade.close');
    await expect(pair.adapter.closePayment('PAYQUIET001')).rejects.toThrow(/ACQ.SYSTEM_ERROR/);
    expect(pair.state.payment('PAYQUIET001')?.status).toBe('open');
    expect(await pair.adapter.closePayment('PAYQUIET001')).toEqual({ status: 'closed' });
  });

  it('sends a refund again under the same out_request_no after a lost answer, and the money leaves once', async () => {
    pair = await startAlipayPair();
    await paid(pair, 'PAYRETRY001');
    const req = { refundNo: 'RFRETRY00001', paymentNo: 'PAYRETRY001', amountFen: 5000, reason: '用户取消' };
    // Alipay paid the refund, but its answer never came back.
    lose(pair, 'alipay.trade.refund', true);
    expect(await pair.adapter.refund(req)).toMatchObject({ status: 'unknown', error: expect.stringMatching(/^TIMEOUT/) });
    expect(pair.state.refundPayouts.get('RFRETRY00001')).toBe(1);
    expect(pair.state.script.drop).toEqual([]);
    // The same request number again: Alipay answers the first refund (fund_change N), the adapter confirms it by query.
    const tradeNo = pair.state.payment('PAYRETRY001')!.tradeNo;
    expect(await pair.adapter.refund(req)).toEqual({ status: 'succeeded', channelRefundNo: tradeNo });
    expect(await pair.adapter.queryRefund(req)).toEqual({ status: 'succeeded', channelRefundNo: tradeNo });
    expect(pair.state.refundCalls.map((c) => c.refundNo)).toEqual(['RFRETRY00001', 'RFRETRY00001', 'RFRETRY00001']);
    expect(pair.state.payoutsFor('PAYRETRY001')).toBe(1);
    expect(pair.state.payment('PAYRETRY001')!.refundedFen).toBe(5000);
  });

  it('learns that a refund lost before Alipay saw it was never received (refund query without the request), and sends it then', async () => {
    pair = await startAlipayPair();
    await paid(pair, 'PAYRETRY002');
    const req = { refundNo: 'RFRETRY00002', paymentNo: 'PAYRETRY002', amountFen: 5000, reason: 'x' };
    lose(pair, 'alipay.trade.refund', false);
    expect(await pair.adapter.refund(req)).toMatchObject({ status: 'unknown' });
    expect(pair.state.refundCalls).toEqual([]);
    expect(await pair.adapter.queryRefund(req)).toEqual({ status: 'not_found' });
    expect(await pair.adapter.refund(req)).toMatchObject({ status: 'succeeded' });
    expect(pair.state.payoutsFor('PAYRETRY002')).toBe(1);
  });

  it('maps refund queries: REFUND_SUCCESS succeeded; a request never received, another trade\u2019s, or an unknown trade not found', async () => {
    pair = await startAlipayPair();
    await paid(pair, 'PAYRFQ00001', 9000);
    await paid(pair, 'PAYRFQ00002', 9000);
    expect(await pair.adapter.refund({ refundNo: 'RFQ00000001', paymentNo: 'PAYRFQ00001', amountFen: 1000, reason: 'x' })).toMatchObject({ status: 'succeeded' });
    expect(await pair.adapter.queryRefund({ refundNo: 'RFQ00000001', paymentNo: 'PAYRFQ00001' })).toEqual({ status: 'succeeded', channelRefundNo: pair.state.payment('PAYRFQ00001')!.tradeNo });
    expect(await pair.adapter.queryRefund({ refundNo: 'RFQNOSUCH01', paymentNo: 'PAYRFQ00001' })).toEqual({ status: 'not_found' });
    expect(await pair.adapter.queryRefund({ refundNo: 'RFQ00000001', paymentNo: 'PAYRFQ00002' })).toEqual({ status: 'not_found' });
    expect(await pair.adapter.queryRefund({ refundNo: 'RFQ00000001', paymentNo: 'PAYNOSUCH01' })).toEqual({ status: 'not_found' });
  });

  it('refuses refunds as Alipay does: busy ones may be sent again, the others not', async () => {
    pair = await startAlipayPair();
    const { adapter, state } = pair;
    await paid(pair, 'PAYREFUSE01', 1000);
    const req = (no: string, fen = 500) => ({ refundNo: no, paymentNo: 'PAYREFUSE01', amountFen: fen, reason: 'x' });
    state.script.busy.push('alipay.trade.refund');
    expect(await adapter.refund(req('RFREFUSE0001'))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^SYSTEM_ERROR/) });
    state.failNextRefunds = 1;
    expect(await adapter.refund(req('RFREFUSE0001'))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^SYSTEM_ERROR/) });
    state.refuseNextRefunds = ['ACQ.SELLER_BALANCE_NOT_ENOUGH: 卖家余额不足'];
    expect(await adapter.refund(req('RFREFUSE0001'))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^ACQ.SELLER_BALANCE_NOT_ENOUGH/) });
    expect(await adapter.refund(req('RFREFUSE0002', 2000))).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/^REFUND_AMOUNT_EXCEEDED/) });
    expect(await adapter.refund({ ...req('RFREFUSE0003'), paymentNo: 'PAYNOSUCH01' })).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/^TRADE_NOT_EXIST/) });
    await opened(pair, 'PAYREFUSE02', 1000);
    expect(await adapter.refund({ ...req('RFREFUSE0004'), paymentNo: 'PAYREFUSE02' })).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/^TRADE_STATUS_ERROR/) });
    expect(state.refundPayouts.size).toBe(0);
    expect(await adapter.refund(req('RFREFUSE0001'))).toMatchObject({ status: 'succeeded' });
    expect(state.payoutsFor('PAYREFUSE01')).toBe(1);
  });

  it('verifies its notifications, and resends an unacknowledged one on Alipay\u2019s schedule (4m 10m 10m 1h 2h 6h 15h) then gives up', async () => {
    pair = await startAlipayPair();
    pair.ack = () => false;
    await paid(pair, 'PAYNOTIFY01');
    await pair.state.resendDue();
    const times = [pair.clock.now()];
    for (const after of ALIPAY_RESEND_AFTER_MS) {
      pair.clock.advance(after - 1);
      await pair.state.resendDue();
      expect(pair.sent.length).toBe(times.length);
      pair.clock.advance(1);
      await pair.state.resendDue();
      times.push(pair.clock.now());
      expect(pair.sent.length).toBe(times.length);
    }
    pair.clock.advance(48 * 3_600_000);
    await pair.state.resendDue();
    expect(pair.sent.length).toBe(8);
    expect((times.at(-1)! - times[0]!) / 3_600_000).toBeCloseTo(24.4, 1);
    // Every delivery is signed afresh (its own notify_time) but carries the same notify_id.
    const forms = pair.sent.map((d) => new URLSearchParams(d.body));
    expect(new Set(forms.map((f) => f.get('sign'))).size).toBe(8);
    expect(new Set(forms.map((f) => f.get('notify_id'))).size).toBe(1);
    const last = pair.sent.at(-1)!;
    expect(last.url).toBe(NOTIFY_URL);
    expect(last.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(pair.adapter.verifyNotification(last.headers, last.body, times.at(-1)!)).toMatchObject({ paymentNo: 'PAYNOTIFY01', amountFen: 5000, status: 'SUCCESS' });
    // The first delivery, read now, is too old.
    expect(pair.adapter.verifyNotification(pair.sent[0]!.headers, pair.sent[0]!.body, times.at(-1)!)).toMatchObject({ code: 'PAYMENT.REPLAYED' });
  });

  it('notifies the trade’s change after a refund (TRADE_SUCCESS with out_biz_no, TRADE_CLOSED when all is refunded), which is acknowledged as no payment', async () => {
    pair = await startAlipayPair();
    await paid(pair, 'PAYRFNOTE01', 5000);
    await pair.state.resendDue();
    expect(await pair.adapter.refund({ refundNo: 'RFNOTE00001', paymentNo: 'PAYRFNOTE01', amountFen: 1000, reason: 'x' })).toMatchObject({ status: 'succeeded' });
    expect(await pair.adapter.refund({ refundNo: 'RFNOTE00002', paymentNo: 'PAYRFNOTE01', amountFen: 4000, reason: 'x' })).toMatchObject({ status: 'succeeded' });
    await pair.state.resendDue();
    const [partial, full] = pair.sent.slice(1).map((d) => [d, Object.fromEntries(new URLSearchParams(d.body))] as const);
    expect(partial![1]).toMatchObject({ trade_status: 'TRADE_SUCCESS', out_biz_no: 'RFNOTE00001', refund_fee: '10.00' });
    expect(full![1]).toMatchObject({ trade_status: 'TRADE_CLOSED', out_biz_no: 'RFNOTE00002', refund_fee: '50.00' });
    for (const [d] of [partial!, full!]) {
      expect(pair.adapter.verifyNotification(d.headers, d.body, pair.clock.now())).toMatchObject({ code: 'CALLBACK.UNKNOWN_KIND', details: { acknowledge: true } });
    }
    expect(pair.state.pendingResends()).toEqual([]);
  });

  it('stops resending once the merchant prints success', async () => {
    pair = await startAlipayPair();
    let answers = 0;
    pair.ack = () => ++answers >= 2;
    await paid(pair, 'PAYNOTIFY02');
    await pair.state.resendDue();
    pair.clock.advance(ALIPAY_RESEND_AFTER_MS[0]!);
    await pair.state.resendDue();
    pair.clock.advance(24 * 3_600_000);
    await pair.state.resendDue();
    expect(pair.sent.length).toBe(2);
    expect(pair.state.pendingResends()).toEqual([]);
  });

  it('reads the day\u2019s bill (a zip of GBK CSV files) once the day is over, and an empty day as no lines', async () => {
    pair = await startAlipayPair();
    await paid(pair, 'PAYBILL0001', 12345);
    expect(await pair.adapter.refund({ refundNo: 'RFBILL00001', paymentNo: 'PAYBILL0001', amountFen: 345, reason: 'x' })).toMatchObject({ status: 'succeeded' });
    const day = '2026-11-27';
    expect(await pair.adapter.statement(day)).toEqual({ status: 'not_ready', day });
    pair.clock.set(Date.UTC(2026, 10, 28, 2, 0, 0));
    const tradeNo = pair.state.payment('PAYBILL0001')!.tradeNo!;
    expect(await pair.adapter.statement(day)).toEqual({ status: 'ready', day, lines: [
      { kind: 'payment', paymentNo: 'PAYBILL0001', tradeNo, amountFen: 12345, at: Date.UTC(2026, 10, 27, 2, 0, 0) },
      { kind: 'refund', paymentNo: 'PAYBILL0001', refundNo: 'RFBILL00001', channelRefundNo: tradeNo, amountFen: 345, at: Date.UTC(2026, 10, 27, 2, 0, 0) },
    ] });
    expect(await pair.adapter.statement('2026-11-20')).toEqual({ status: 'ready', day: '2026-11-20', lines: [] });
  });

  it('keeps its books in the simulator journal: a restarted gateway still knows the trade, its notify_url and the refund number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haoka-alipay-'));
    try {
      pair = await startAlipayPair({ journal: new SimJournal(join(dir, 'alipay.db')) });
      pair.ack = () => false;
      await paid(pair, 'PAYJOURNAL1');
      expect(await pair.adapter.refund({ refundNo: 'RFJOURNAL01', paymentNo: 'PAYJOURNAL1', amountFen: 5000, reason: 'x' })).toMatchObject({ status: 'succeeded' });
      const again = new FakeAlipayState(pair.state.app, pair.clock, { journal: new SimJournal(join(dir, 'alipay.db')) });
      expect(again.payment('PAYJOURNAL1')).toMatchObject({ status: 'paid', notifyUrl: NOTIFY_URL, subject: '移动 129 元套餐 号卡' });
      expect(again.refundRecord('RFJOURNAL01')).toMatchObject({ status: 'SUCCESS' });
      expect(again.pendingResends().sort()).toEqual(['PAYJOURNAL1', 'R:RFJOURNAL01']);
      expect(keyPair(dir, 'alipay-platform')).toEqual(keyPair(dir, 'alipay-platform'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
