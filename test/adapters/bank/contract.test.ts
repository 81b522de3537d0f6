// The bank channel's adapter against the fake bank over HTTP on 127.0.0.1: both sides sign with the key the bank
// issued; a stranger's or a stale request is refused and changes nothing; trade states and closes map to the port's;
// transfers stay processing until the bank's settlement batch pays or bounces them; a transfer whose answer is lost
// is "unknown", sent again under the same number and paid once; the statement comes once the day is over.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/clock.ts';
import { BankGatewayAdapter } from '../../../src/adapters/payment/bank/adapter.ts';
import { FakeBank } from '../../../src/adapters/payment/bank-fake/gateway.ts';
import type { BankConfig } from '../../../src/adapters/payment/bank/config.ts';
import type { SignedDelivery } from '../../../src/adapters/payment/sim-records.ts';
import { BANK_PATHS } from '../../../src/adapters/payment/bank/protocol.ts';

const MIN = 60_000;
const KEY = 'bank-issued-key-0123456789abcdef';
const NOTIFY = 'https://shop.example.com/api/v1/payments/callback/bank';
let clock: FakeClock;
let bank: FakeBank;
let cfg: BankConfig;
let adapter: BankGatewayAdapter;
let sent: SignedDelivery[];

beforeEach(async () => {
  clock = new FakeClock(Date.UTC(2026, 10, 27, 2, 0, 0));
  bank = new FakeBank('M100200300', KEY, clock, { seed: 3 });
  cfg = { merchantId: 'M100200300', gateway: await bank.start(), notifyBaseUrl: 'https://shop.example.com' };
  adapter = new BankGatewayAdapter(cfg, KEY, clock, { notifyUrl: NOTIFY, timeoutMs: 1500 });
  sent = [];
  // The bank's notifications are kept here instead of posted (the shop's address is not on this machine).
  bank.deliver = async (d) => { sent.push(d); return true; };
});
afterEach(async () => { await bank.stop(); });

async function paid(no: string, fen = 5000) {
  const { payUrl } = await adapter.createPayment({ paymentNo: no, amountFen: fen, subject: 'x', expiresAt: clock.now() + 15 * MIN });
  expect((await fetch(payUrl, { method: 'POST' })).status).toBe(200);
}

describe('the bank adapter against the fake bank', () => {
  it('signs every request with the issued key; a stranger or a stale request is refused and changes nothing', async () => {
    await adapter.createPayment({ paymentNo: 'PAYB0001', amountFen: 100, subject: 'x', expiresAt: clock.now() + MIN });
    expect(bank.payments.get('PAYB0001')).toMatchObject({ status: 'open', amountFen: 100 });
    const stranger = new BankGatewayAdapter(cfg, 'someone-elses-key-0123456789abc', clock, { notifyUrl: NOTIFY });
    await expect(stranger.createPayment({ paymentNo: 'PAYB0002', amountFen: 100, subject: 'x', expiresAt: clock.now() + MIN })).rejects.toThrow(/does not verify/);
    const otherMerchant = new BankGatewayAdapter({ ...cfg, merchantId: 'M999' }, KEY, clock, { notifyUrl: NOTIFY });
    await expect(otherMerchant.queryPayment('PAYB0001')).rejects.toThrow(/MERCHANT_UNKNOWN/);
    const late = new BankGatewayAdapter(cfg, KEY, new FakeClock(clock.now() - 10 * MIN), { notifyUrl: NOTIFY });
    await expect(late.createPayment({ paymentNo: 'PAYB0003', amountFen: 100, subject: 'x', expiresAt: clock.now() + MIN })).rejects.toThrow(/TIMESTAMP_EXPIRED/);
    expect([bank.payments.has('PAYB0002'), bank.payments.has('PAYB0003')]).toEqual([false, false]);
  });

  it('verifies the payment notification the bank sends once the customer paid, and refuses a forged or stale one', async () => {
    await paid('PAYB0010', 4200);
    const [d] = sent;
    expect(adapter.verifyNotification(d!.headers, d!.body, clock.now())).toMatchObject({ paymentNo: 'PAYB0010', amountFen: 4200, status: 'SUCCESS' });
    expect(adapter.verifyNotification({ ...d!.headers, 'x-pay-signature': 'AAAA' }, d!.body, clock.now())).toMatchObject({ code: 'PAYMENT.BAD_SIGNATURE' });
    expect(adapter.verifyNotification(d!.headers, d!.body.replace('4200', '4201'), clock.now())).toMatchObject({ code: 'PAYMENT.BAD_SIGNATURE' });
    expect(adapter.verifyNotification(d!.headers, d!.body, clock.now() + 10 * MIN)).toMatchObject({ code: 'PAYMENT.REPLAYED' });
  });

  it('maps trade states and closes: waiting, paid, closed, not found; a paid collection refuses to close', async () => {
    await adapter.createPayment({ paymentNo: 'PAYB0020', amountFen: 100, subject: 'x', expiresAt: clock.now() + MIN });
    expect(await adapter.queryPayment('PAYB0020')).toEqual({ status: 'waiting' });
    expect(await adapter.closePayment('PAYB0020')).toEqual({ status: 'closed' });
    expect(await adapter.queryPayment('PAYB0020')).toEqual({ status: 'closed' });
    await paid('PAYB0021', 300);
    expect(await adapter.queryPayment('PAYB0021')).toMatchObject({ status: 'paid', amountFen: 300, tradeNo: expect.any(String) });
    expect(await adapter.closePayment('PAYB0021')).toMatchObject({ status: 'refused', error: expect.stringContaining('TXN_ALREADY_CREDITED') });
    expect(await adapter.queryPayment('PAYB0404')).toEqual({ status: 'not_found' });
    expect(await adapter.closePayment('PAYB0404')).toEqual({ status: 'not_found' });
  });

  it('keeps a transfer processing until the settlement batch, which pays it or bounces it', async () => {
    await paid('PAYB0030');
    await paid('PAYB0031');
    bank.bounceNext.push('', 'ACCOUNT_CLOSED');
    expect(await adapter.refund({ refundNo: 'RFB0030', paymentNo: 'PAYB0030', amountFen: 5000, reason: 'x' })).toMatchObject({ status: 'processing' });
    expect(await adapter.refund({ refundNo: 'RFB0031', paymentNo: 'PAYB0031', amountFen: 5000, reason: 'x' })).toMatchObject({ status: 'processing' });
    clock.advance(24 * 60 * MIN);
    expect(await adapter.queryRefund({ refundNo: 'RFB0030', paymentNo: 'PAYB0030' })).toMatchObject({ status: 'processing' });
    bank.settleBatch();
    expect(await adapter.queryRefund({ refundNo: 'RFB0030', paymentNo: 'PAYB0030' })).toMatchObject({ status: 'succeeded' });
    expect(await adapter.queryRefund({ refundNo: 'RFB0031', paymentNo: 'PAYB0031' })).toMatchObject({ status: 'failed', error: 'ACCOUNT_CLOSED' });
    expect(await adapter.queryRefund({ refundNo: 'RFB0031', paymentNo: 'PAYB0030' })).toEqual({ status: 'not_found' });
    expect(await adapter.queryRefund({ refundNo: 'RFB9999', paymentNo: 'PAYB0030' })).toEqual({ status: 'not_found' });
  });

  it('answers "unknown" when a transfer\u2019s answer is lost; sent again under the same number it is paid once', async () => {
    await paid('PAYB0040');
    bank.dropAnswers.push(BANK_PATHS.transfer);
    expect(await adapter.refund({ refundNo: 'RFB0040', paymentNo: 'PAYB0040', amountFen: 5000, reason: 'x' })).toMatchObject({ status: 'unknown' });
    expect(await adapter.queryRefund({ refundNo: 'RFB0040', paymentNo: 'PAYB0040' })).toMatchObject({ status: 'processing' });
    expect(await adapter.refund({ refundNo: 'RFB0040', paymentNo: 'PAYB0040', amountFen: 5000, reason: 'x' })).toMatchObject({ status: 'processing' });
    bank.settleBatch();
    expect(await adapter.queryRefund({ refundNo: 'RFB0040', paymentNo: 'PAYB0040' })).toMatchObject({ status: 'succeeded' });
    expect(bank.refundPayouts.get('RFB0040')).toBe(1);
    expect(bank.refundCalls.map((r) => r.refundNo)).toEqual(['RFB0040', 'RFB0040']);
  });

  it('throws when a trade query gets no answer, so that the deadline close waits and asks again', async () => {
    await adapter.createPayment({ paymentNo: 'PAYB0050', amountFen: 100, subject: 'x', expiresAt: clock.now() + MIN });
    bank.dropAnswers.push(BANK_PATHS.queryCollection);
    await expect(adapter.queryPayment('PAYB0050')).rejects.toThrow(/did not answer/);
    expect(await adapter.queryPayment('PAYB0050')).toEqual({ status: 'waiting' });
  });

  it('gives the day\u2019s statement once the day is over: payments received and transfers paid', async () => {
    await paid('PAYB0060', 700);
    expect(await adapter.refund({ refundNo: 'RFB0060', paymentNo: 'PAYB0060', amountFen: 700, reason: 'x' })).toMatchObject({ status: 'processing' });
    bank.settleBatch();
    expect(await adapter.statement('2026-11-27')).toEqual({ status: 'not_ready', day: '2026-11-27' });
    clock.set(Date.UTC(2026, 10, 28, 2, 0, 0));
    const s = await adapter.statement('2026-11-27');
    expect(s.status === 'ready' && s.lines.map((l) => [l.kind, l.paymentNo, l.amountFen])).toEqual([['payment', 'PAYB0060', 700], ['refund', 'PAYB0060', 700]]);
  });
});
