// The bank channel end to end through its adapter and the fake bank over HTTP on 127.0.0.1, configured as
// production configures it (merchant number, address, key): the collection opened at the bank, the customer paying at
// its page, the signed notification through our callback route; an express cancellation whose transfer waits for the
// bank's batch and is learnt by the refund check; refused notifications that change nothing; the deadline close that
// asks first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/clock.ts';
import { BankGatewayAdapter } from '../../src/adapters/payment/bank/adapter.ts';
import { FakeBank } from '../../src/adapters/payment/bank-fake/gateway.ts';
import type { SignedDelivery } from '../../src/adapters/payment/sim-records.ts';
import { json, startHarness, type Harness, PRICED_PLAN } from '../fixtures/harness.ts';

const MIN = 60_000;
const KEY = 'bank-issued-key-0123456789abcdef';

describe('the bank channel through its interface and the fake bank', () => {
  let h: Harness;
  let bank: FakeBank;
  const notify = (d: SignedDelivery | { kind: string }) => {
    if ('kind' in d) throw new Error(`no delivery: ${JSON.stringify(d)}`);
    return h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/bank', headers: d.headers, payload: d.body });
  };
  beforeAll(async () => {
    const clock = new FakeClock();
    bank = new FakeBank('M100200300', KEY, clock, { seed: 5 });
    await bank.start();
    h = await startHarness({ HAOKA_BANK_MERCHANT_ID: 'M100200300', HAOKA_BANK_GATEWAY: bank.url, HAOKA_BANK_NOTIFY_KEY: KEY, HAOKA_PAYMENT_TIMEOUT: '15m', HAOKA_REMINDER_BEFORE: '5m' }, { clock });
    // The test delivers the bank's notifications itself.
    bank.deliver = null;
  });
  afterAll(async () => { await h?.close(); await bank?.stop(); });

  async function opened() {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token, { planId: PRICED_PLAN }));
    const res = await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'bank' });
    expect(res.statusCode).toBe(201);
    return { c, order, payment: json(res) };
  }

  it('opens the collection at the bank, is paid and notified, then cancels; the transfer is paid in the bank\u2019s batch and learnt by asking', async () => {
    expect(h.haoka.deps.payments.bank).toBeInstanceOf(BankGatewayAdapter);
    const { c, order, payment } = await opened();
    expect(payment.payUrl).toBe(`${bank.url}/pay/${payment.paymentNo}`);
    expect(bank.payments.get(payment.paymentNo)).toMatchObject({ status: 'open', amountFen: order.amountFen });
    expect((await notify(bank.pay(payment.paymentNo))).statusCode).toBe(200);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'paid', paymentChannel: 'bank' });
    expect(json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' })).path).toBe('express');
    await h.haoka.worker.drain();
    const [refund] = json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds;
    expect(refund.state).toBe('processing');
    expect(bank.refundCalls.filter((r) => r.paymentNo === payment.paymentNo).map((r) => r.refundNo)).toEqual([refund.refundNo]);
    expect(bank.settleBatch().lines.map((l) => [l.refundNo, l.status])).toContainEqual([refund.refundNo, 'SUCCESS']);
    // Bank batches run a few times a day: the refund check asks four hours after acceptance.
    h.clock.advance(4 * 60 * MIN);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}/refunds`, c.token)).refunds[0].state).toBe('succeeded');
    expect(bank.refundPayouts.get(refund.refundNo)).toBe(1);
  });

  it('refuses a forged, altered, wrong-amount or stale notification with a code, and writes nothing', async () => {
    const { order, payment } = await opened();
    const good = bank.pay(payment.paymentNo) as SignedDelivery;
    const before = await h.snapshot();
    const refusals = [
      [{ ...good, headers: { ...good.headers, 'x-pay-signature': 'AAAA' } }, 401, 'PAYMENT.BAD_SIGNATURE'],
      [{ ...good, body: good.body.replace(`"amount_fen":${order.amountFen}`, '"amount_fen":1') }, 401, 'PAYMENT.BAD_SIGNATURE'],
      [bank.notification(payment.paymentNo, { amountFen: order.amountFen + 1 }), 422, 'PAYMENT.AMOUNT_MISMATCH'],
      [bank.notification(payment.paymentNo, { at: h.clock.now() - 10 * MIN }), 409, 'PAYMENT.REPLAYED'],
    ] as const;
    for (const [d, status, code] of refusals) {
      const res = await notify(d as SignedDelivery);
      expect([res.statusCode, json(res).error.code]).toEqual([status, code]);
    }
    expect(await h.snapshot()).toEqual(before);
    expect((await notify(good)).statusCode).toBe(200);
  });

  it('asks the bank at the payment deadline: a payment whose notification was lost is applied, an unpaid collection is closed there', async () => {
    const lost = await opened();
    const unpaid = await opened();
    expect('kind' in bank.pay(lost.payment.paymentNo)).toBe(false);
    h.clock.advance(15 * MIN);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${lost.order.id}`, lost.c.token)).state).toBe('paid');
    expect(json(await h.get(`/api/v1/orders/${unpaid.order.id}`, unpaid.c.token)).state).toBe('cancelled');
    expect(bank.payments.get(unpaid.payment.paymentNo)?.status).toBe('closed');
  });
});
