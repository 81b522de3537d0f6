import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { CHANNEL_CHECK_TRIES } from '../../src/app/ordering/deadline-payments.ts';

const MIN = 60_000;

describe('an order with an open payment at its payment deadline', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ HAOKA_PAYMENT_TIMEOUT: '15m', HAOKA_REMINDER_BEFORE: '5m' }); });
  afterAll(async () => { await h?.close(); });

  const opened = (channel: 'alipay' | 'wechat' | 'bank') => h.unpaidOrder(channel);

  it('is applied as paid when the channel holds the money but its notification was lost', async () => {
    const { c, order, paymentNo } = await opened('wechat');
    const sim = h.haoka.sims.payments.wechat;
    expect('kind' in sim.pay(paymentNo)).toBe(false); // paid in the app; the notification never reaches us
    h.clock.advance(15 * MIN);
    await h.haoka.worker.drain();
    const seen = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(seen).toMatchObject({ state: 'paid', paymentChannel: 'wechat' });
    const money = json(await h.get(`/api/v1/orders/${order.id}/payments`, c.token));
    expect(money.payments).toMatchObject([{ paymentNo, state: 'succeeded' }]);
    expect(money.refunds).toEqual([]);
    // The notification that finally arrives changes nothing more.
    const late = await h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/wechat', ...asInject(sim.notification(paymentNo)) });
    expect(json(late).outcome).toBe('duplicate');
    expect(await h.haoka.deps.store.queue.countTimers(order.id)).toBe(0);
  });

  it('closes the trade at the channel before the order closes, and the channel then refuses to take the money', async () => {
    const { c, order, paymentNo } = await opened('alipay');
    const sim = h.haoka.sims.payments.alipay;
    h.clock.advance(15 * MIN);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'cancelled', closeReason: 'payment_timeout' });
    expect(await sim.queryPayment(paymentNo)).toEqual({ status: 'closed' });
    const attempt = sim.pay(paymentNo);
    expect(attempt).toMatchObject({ kind: 'error', code: 'PAYMENT.TRADE_CLOSED' });
    expect((attempt as { message: string }).message).toContain('ACQ.TRADE_HAS_CLOSE');
    const money = json(await h.get(`/api/v1/orders/${order.id}/payments`, c.token));
    expect(money.payments).toMatchObject([{ paymentNo, state: 'closed' }]);
  });

  it('waits for the next pass when the channel does not answer, and closes once it does', async () => {
    const { c, order, paymentNo } = await opened('bank');
    const sim = h.haoka.sims.payments.bank;
    sim.unansweredTradeCalls = 1;
    h.clock.advance(15 * MIN);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('pending_payment');
    const [timer] = await h.haoka.deps.store.queue.listTimers(order.id);
    expect(timer).toMatchObject({ kind: 'payment_deadline', attempts: 1 });
    expect(timer!.claimed_until).toBeGreaterThan(h.clock.now());
    h.clock.advance(MIN + 1);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'cancelled', closeReason: 'payment_timeout' });
    expect(await sim.queryPayment(paymentNo)).toEqual({ status: 'closed' });
  });

  it('closes without the channel after its last unanswered try, and money paid there later goes back', async () => {
    const { c, order, paymentNo } = await opened('alipay');
    const sim = h.haoka.sims.payments.alipay;
    sim.unansweredTradeCalls = CHANNEL_CHECK_TRIES;
    h.clock.advance(15 * MIN);
    for (let i = 0; i < CHANNEL_CHECK_TRIES; i++) {
      await h.haoka.worker.drain();
      h.clock.advance(20 * MIN);
    }
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'cancelled', closeReason: 'payment_timeout' });
    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events.map((e: any) => e.action);
    expect(events).toContain('payment.channel_unanswered');
    // The trade was never closed at the channel: the customer can still pay, and that money is refunded.
    const late = await h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/alipay', ...asInject(sim.pay(paymentNo)) });
    expect(json(late).outcome).toBe('refunded_late_payment');
  });

  it('closes an order that never opened a payment without asking any channel', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    for (const sim of Object.values(h.haoka.sims.payments)) sim.unansweredTradeCalls = 1;
    h.clock.advance(15 * MIN);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('cancelled');
    // No channel was called: each still has its scripted timeout unused.
    expect(Object.values(h.haoka.sims.payments).map((s) => s.unansweredTradeCalls)).toEqual([1, 1, 1]);
    for (const sim of Object.values(h.haoka.sims.payments)) sim.unansweredTradeCalls = 0;
  });
});

function asInject(d: unknown): { headers: Record<string, string>; payload: string } {
  if (!d || typeof d !== 'object' || 'kind' in d) throw new Error(`no delivery: ${JSON.stringify(d)}`);
  const x = d as { headers: Record<string, string>; body: string };
  return { headers: x.headers, payload: x.body };
}
