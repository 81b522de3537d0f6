// The simulated channels answer like the real APIs: idempotent by request number, each in its own rhythm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/clock.ts';
import { AlipaySimulator } from '../../src/adapters/payment/alipay.ts';
import { BankTransferSimulator } from '../../src/adapters/payment/bank.ts';
import { WechatPaySimulator } from '../../src/adapters/payment/wechat.ts';
import { SimJournal } from '../../src/adapters/sim/journal.ts';
import type { PaymentChannelSimulator, SignedDelivery } from '../../src/adapters/payment/simulator.ts';

const SECRET = 'channel-test-secret';

async function paid<T extends PaymentChannelSimulator>(sim: T, paymentNo = 'PAY1', amountFen = 5000): Promise<T> {
  await sim.createPayment({ paymentNo, amountFen, subject: 'x', expiresAt: 0 });
  sim.pay(paymentNo);
  return sim;
}

const req = (refundNo: string, amountFen = 5000) => ({ refundNo, paymentNo: 'PAY1', amountFen, reason: 'test' });

describe('the simulated channels', () => {
  it('pay a refund request number once however often it is sent (Alipay answers at once)', async () => {
    const sim = await paid(new AlipaySimulator(SECRET, new FakeClock()));
    const first = await sim.refund(req('RF1'));
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(await sim.refund(req('RF1'))).toEqual(first);
    expect(sim.refundPayouts.get('RF1')).toBe(1);
    expect(await sim.refund(req('RF2', 1))).toMatchObject({ status: 'failed', error: 'REFUND_AMOUNT_EXCEEDED', retryable: false });
    expect(await sim.queryRefund({ refundNo: 'RF1', paymentNo: 'PAY1' })).toMatchObject({ status: 'succeeded' });
    expect(await sim.queryRefund({ refundNo: 'RF9', paymentNo: 'PAY1' })).toEqual({ status: 'not_found' });
  });

  it('accept a WeChat refund, settle it later and notify it signed and encrypted, with one id on every resend', async () => {
    const clock = new FakeClock();
    const sim = await paid(new WechatPaySimulator(SECRET, clock));
    sim.settleDelayMs = 60_000;
    expect(await sim.refund(req('RF1'))).toMatchObject({ status: 'processing' });
    expect(sim.settleRefunds()).toEqual([]);
    clock.advance(60_000);
    expect(sim.settleRefunds()).toEqual(['RF1']);
    const [a, b] = [sim.refundNotification('RF1') as SignedDelivery, sim.refundNotification('RF1') as SignedDelivery];
    expect(a.headers['wechatpay-nonce']).not.toBe(b.headers['wechatpay-nonce']);
    expect(a.body).not.toContain('RF1');
    const [na, nb] = [sim.verifyRefundNotification(a.headers, a.body, clock.now()), sim.verifyRefundNotification(b.headers, b.body, clock.now())];
    expect(na).toMatchObject({ refundNo: 'RF1', paymentNo: 'PAY1', amountFen: 5000, status: 'succeeded' });
    expect('notifyId' in na && 'notifyId' in nb && na.notifyId === nb.notifyId).toBe(true);
    expect(sim.refundPayouts.get('RF1')).toBe(1);
  });

  it('keep bank transfers processing until the batch runs, then pay or bounce each once', async () => {
    const sim = await paid(new BankTransferSimulator(SECRET, new FakeClock()));
    await sim.createPayment({ paymentNo: 'PAY2', amountFen: 100, subject: 'x', expiresAt: 0 });
    sim.pay('PAY2');
    sim.bounceNext = ['', 'ACCOUNT_CLOSED'];
    await sim.refund(req('RF1'));
    await sim.refund({ ...req('RF2', 100), paymentNo: 'PAY2' });
    expect(await sim.queryRefund({ refundNo: 'RF1', paymentNo: 'PAY1' })).toMatchObject({ status: 'processing' });
    expect(sim.settleBatch().lines.map((l) => [l.refundNo, l.status, l.error])).toEqual([['RF1', 'SUCCESS', null], ['RF2', 'FAILED', 'ACCOUNT_CLOSED']]);
    expect(sim.settleBatch().lines).toEqual([]);
    expect([sim.refundPayouts.get('RF1'), sim.refundPayouts.get('RF2')]).toEqual([1, undefined]);
  });

  it('fail at random the same way for the same seed', async () => {
    const outcomes = async (seed: number) => {
      const sim = await paid(new AlipaySimulator(SECRET, new FakeClock(), { seed }), 'PAY1', 1_000_000);
      sim.transientFailureRate = 0.5;
      const out: string[] = [];
      for (let i = 0; i < 20; i++) out.push((await sim.refund(req(`RF${i}`, 1))).status);
      return out;
    };
    const a = await outcomes(7);
    expect(await outcomes(7)).toEqual(a);
    expect(new Set(a)).toEqual(new Set(['succeeded', 'failed']));
  });

  it('remember payments, refunds and payouts across a restart when given a journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haoka-journal-'));
    try {
      const clock = new FakeClock();
      const journal = () => new SimJournal(join(dir, 'alipay.db'));
      const first = await paid(new AlipaySimulator(SECRET, clock, { journal: journal() }));
      await first.refund(req('RF1'));
      const restarted = new AlipaySimulator(SECRET, clock, { journal: journal() });
      expect(await restarted.refund(req('RF1'))).toMatchObject({ status: 'succeeded' });
      expect(restarted.refundPayouts.get('RF1')).toBe(1);
      // The nonce sequence continues instead of starting over (a restarted channel never reuses a nonce).
      const n1 = (first.notification('PAY1') as SignedDelivery).headers['x-pay-nonce'];
      const n2 = (new AlipaySimulator(SECRET, clock, { journal: journal() }).notification('PAY1') as SignedDelivery).headers['x-pay-nonce'];
      expect(n2).not.toBe(n1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('send a paid notification again after a restart until the platform acknowledges it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haoka-journal-'));
    try {
      const clock = new FakeClock();
      const journal = () => new SimJournal(join(dir, 'wechat.db'));
      // Paid at the channel; the process the channel ran in died before the notification went out.
      await paid(new WechatPaySimulator(SECRET, clock, { journal: journal() }));
      const restart = async () => {
        const sim = new WechatPaySimulator(SECRET, clock, { journal: journal() });
        const sent: string[] = [];
        sim.deliver = async (d) => { sent.push(JSON.parse(d.body).payment_no); return true; };
        await sim.resendDue();
        return sent;
      };
      expect(await restart()).toEqual(['PAY1']);
      // Acknowledged this time: the channel's next life owes nothing.
      expect(await restart()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keep the newest finished refunds in full and only the request numbers of older ones, never paying one twice', async () => {
    const clock = new FakeClock();
    const sim = new WechatPaySimulator(SECRET, clock, { keepFinished: 2 });
    for (const no of ['PAY1', 'PAY2', 'PAY3', 'PAY4']) await paid(sim, no, 100);
    const refund = (refundNo: string, paymentNo: string, amountFen = 50) => sim.refund({ refundNo, paymentNo, amountFen, reason: 'test' });
    sim.settleDelayMs = 60_000;
    // One refund waits for its settlement while three others finish: it is in progress, so it is kept.
    await refund('SLOW', 'PAY4');
    sim.settleDelayMs = 0;
    for (const [no, pay] of [['RF1', 'PAY1'], ['RF2', 'PAY2'], ['RF3', 'PAY3']] as const) {
      await refund(no, pay);
      sim.settleRefunds([no]);
    }
    expect([...sim.refunds.keys()].sort()).toEqual(['RF2', 'RF3', 'SLOW']);
    expect(sim.refundPayouts.has('RF1')).toBe(false);
    // RF1 is known by its number: sent again, it pays nothing, though half of PAY1 is still unrefunded.
    expect(await refund('RF1', 'PAY1')).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('REFUND_RECORD_EXPIRED') });
    expect(await refund('RF2', 'PAY2')).toMatchObject({ status: 'succeeded' });
    expect(await sim.queryRefund({ refundNo: 'SLOW', paymentNo: 'PAY4' })).toMatchObject({ status: 'processing' });
    clock.advance(60_000);
    expect(sim.settleRefunds()).toEqual(['SLOW']);
    expect(sim.refundPayouts.get('SLOW')).toBe(1);
    expect([...sim.refunds.keys()].sort()).toEqual(['RF3', 'SLOW']);
  });

  it('keep the latest refund calls for inspection, not every one', async () => {
    const sim = await paid(new AlipaySimulator(SECRET, new FakeClock()), 'PAY1', 1_000_000);
    for (let i = 0; i < 1005; i++) await sim.refund(req(`RF${i}`, 1));
    expect(sim.refundCalls).toHaveLength(1000);
    expect(sim.refundCalls[0]!.refundNo).toBe('RF5');
    expect(sim.refundCalls.at(-1)!.refundNo).toBe('RF1004');
  });
});
