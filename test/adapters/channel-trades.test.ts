// Trades as the channels keep them: queried, closed, billed by Beijing day, and notified until acknowledged,
// all of it surviving a restart of the simulator when it keeps a journal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/clock.ts';
import { AlipaySimulator } from '../../src/adapters/payment/alipay.ts';
import { BankTransferSimulator } from '../../src/adapters/payment/bank.ts';
import { WechatPaySimulator } from '../../src/adapters/payment/wechat.ts';
import { SimJournal } from '../../src/adapters/sim/journal.ts';
import { RESEND_AFTER_MS, type PaymentChannelSimulator, type SignedDelivery } from '../../src/adapters/payment/simulator.ts';

const SECRET = 'channel-test-secret';
/** 2026-11-27 10:00 in Beijing. */
const MORNING = Date.UTC(2026, 10, 27, 2, 0, 0);
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
const journalDir = () => { const d = mkdtempSync(join(tmpdir(), 'haoka-trades-')); dirs.push(d); return d; };

const open = async (sim: PaymentChannelSimulator, paymentNo: string, amountFen = 5800) => {
  await sim.createPayment({ paymentNo, amountFen, subject: 'x', expiresAt: 0 });
  return sim;
};

describe('a channel\u2019s trades', () => {
  const channels = [
    ['alipay', (c: FakeClock) => new AlipaySimulator(SECRET, c), 'ACQ.TRADE_STATUS_ERROR', 'ACQ.TRADE_HAS_CLOSE'],
    ['wechat', (c: FakeClock) => new WechatPaySimulator(SECRET, c), 'ORDERPAID', 'ORDERCLOSED'],
    ['bank', (c: FakeClock) => new BankTransferSimulator(SECRET, c), 'TXN_ALREADY_CREDITED', 'TXN_CLOSED'],
  ] as const;

  for (const [name, make, paidRefusal, closedRefusal] of channels) {
    it(`${name}: are waiting until paid or closed; a closed one refuses payment, a paid one refuses to close`, async () => {
      const clock = new FakeClock(MORNING);
      const sim = await open(make(clock), 'PAYA');
      await open(sim, 'PAYB');
      expect(await sim.queryPayment('PAYA')).toEqual({ status: 'waiting' });
      expect(await sim.queryPayment('NOPE')).toEqual({ status: 'not_found' });
      expect(await sim.closePayment('PAYA')).toEqual({ status: 'closed' });
      expect(await sim.closePayment('PAYA')).toEqual({ status: 'closed' });
      expect(await sim.queryPayment('PAYA')).toEqual({ status: 'closed' });
      const refused = sim.pay('PAYA');
      expect(refused).toMatchObject({ kind: 'error', code: 'PAYMENT.TRADE_CLOSED' });
      expect((refused as { message: string }).message).toContain(closedRefusal);
      sim.pay('PAYB');
      expect(await sim.queryPayment('PAYB')).toMatchObject({ status: 'paid', amountFen: 5800, paidAt: MORNING, tradeNo: expect.any(String) });
      const close = await sim.closePayment('PAYB');
      expect(close).toMatchObject({ status: 'refused' });
      expect((close as { error: string }).error).toContain(paidRefusal);
      sim.unansweredTradeCalls = 1;
      await expect(sim.queryPayment('PAYB')).rejects.toThrow(/no answer/);
      expect(await sim.queryPayment('PAYB')).toMatchObject({ status: 'paid' });
    });
  }

  it('are billed by Beijing day once the day has ended: payments received and refunds paid out', async () => {
    const clock = new FakeClock(MORNING);
    const sim = await open(new AlipaySimulator(SECRET, clock), 'PAY1');
    sim.pay('PAY1');
    await sim.refund({ refundNo: 'RF1', paymentNo: 'PAY1', amountFen: 800, reason: 'x' });
    expect(await sim.statement('2026-11-27')).toEqual({ status: 'not_ready', day: '2026-11-27' });
    // 23:59 Beijing is still the 27th; the bill is out from midnight.
    clock.set(Date.UTC(2026, 10, 27, 15, 59, 0));
    await open(sim, 'PAY2', 100);
    sim.pay('PAY2');
    clock.set(Date.UTC(2026, 10, 27, 16, 0, 0));
    const bill = await sim.statement('2026-11-27');
    expect(bill).toMatchObject({ status: 'ready', lines: [
      { kind: 'payment', paymentNo: 'PAY1', amountFen: 5800, at: MORNING },
      { kind: 'refund', paymentNo: 'PAY1', refundNo: 'RF1', amountFen: 800, at: MORNING },
      { kind: 'payment', paymentNo: 'PAY2', amountFen: 100 },
    ] });
    expect(await sim.statement('2026-11-26')).toEqual({ status: 'ready', day: '2026-11-26', lines: [] });
  });

  it('keep their bills and closed trades across a restart when given a journal', async () => {
    const dir = journalDir();
    const clock = new FakeClock(MORNING);
    const first = await open(new WechatPaySimulator(SECRET, clock, { journal: new SimJournal(join(dir, 'wechat.db')) }), 'PAY1');
    await open(first, 'PAY2');
    first.pay('PAY1');
    await first.closePayment('PAY2');
    clock.advance(86_400_000);
    const restarted = new WechatPaySimulator(SECRET, clock, { journal: new SimJournal(join(dir, 'wechat.db')) });
    expect(await restarted.statement('2026-11-27')).toMatchObject({ status: 'ready', lines: [{ kind: 'payment', paymentNo: 'PAY1' }] });
    expect(restarted.pay('PAY2')).toMatchObject({ code: 'PAYMENT.TRADE_CLOSED' });
  });
});

describe('a channel\u2019s notifications', () => {
  it('are resent on the channel\u2019s schedule until acknowledged, and a restarted channel carries on with them', async () => {
    const dir = journalDir();
    const clock = new FakeClock(MORNING);
    const received: string[] = [];
    let answering = false;
    const first = await open(new AlipaySimulator(SECRET, clock, { journal: new SimJournal(join(dir, 'alipay.db')) }), 'PAY1');
    first.deliver = async (d: SignedDelivery) => { received.push(JSON.parse(d.body).payment_no); return answering; };
    first.pay('PAY1');
    await first.resendDue();
    expect(received).toEqual(['PAY1']);
    expect(first.pendingResends()).toEqual(['PAY1']);
    // Nothing more until the first resend is due.
    clock.advance(RESEND_AFTER_MS[0]! - 1);
    expect(await first.resendDue()).toBe(0);
    expect(received).toHaveLength(1);

    // The channel process restarts: the pending resend is in its journal.
    first.deliver = null;
    const restarted = new AlipaySimulator(SECRET, clock, { journal: new SimJournal(join(dir, 'alipay.db')) });
    answering = true;
    restarted.deliver = async (d: SignedDelivery) => { received.push(JSON.parse(d.body).payment_no); return answering; };
    expect(restarted.pendingResends()).toEqual(['PAY1']);
    clock.advance(1);
    expect(await restarted.resendDue()).toBe(1);
    expect(received).toEqual(['PAY1', 'PAY1']);
    expect(restarted.pendingResends()).toEqual([]);
    clock.advance(86_400_000);
    expect(await restarted.resendDue()).toBe(0);
    expect(received).toHaveLength(2);
    // A finished resend stays in the journal only: neither this channel nor one reading the journal holds it.
    expect(restarted.resends.size).toBe(0);
    expect(first.pendingResends()).toEqual([]);
    expect(first.resends.size).toBe(0);
    const reader = new AlipaySimulator(SECRET, clock, { journal: new SimJournal(join(dir, 'alipay.db')) });
    expect(reader.pendingResends()).toEqual([]);
    expect(reader.resends.size).toBe(0);
  });

  it('stop after the last resend of the schedule', async () => {
    const clock = new FakeClock(MORNING);
    const sim = await open(new BankTransferSimulator(SECRET, clock), 'PAY1');
    let sent = 0;
    sim.deliver = async () => { sent++; return false; };
    sim.pay('PAY1');
    for (let i = 0; i <= RESEND_AFTER_MS.length + 2; i++) {
      await sim.resendDue();
      clock.advance(6 * 3_600_000);
    }
    expect(sent).toBe(RESEND_AFTER_MS.length + 1);
    expect(sim.pendingResends()).toEqual([]);
    expect(sim.resends.size).toBe(0);
  });
});
