// The early-termination penalty (违约金) of an account closure is collected through the payment channels before an
// agent closes the line; withdrawn or refused after payment, it goes back through the refund path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { activatedOrder } from '../fixtures/after-sales.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

type Channel = 'alipay' | 'wechat' | 'bank';
const callback = (channel: Channel, d: { headers: Record<string, string>; body: string }) =>
  h.app.inject({ method: 'POST', url: `/api/v1/payments/callback/${channel}`, headers: d.headers, payload: d.body });

/** An activated cu-99 line (fixed penalty 100 yuan) with its closure confirmed and waiting for the penalty. */
async function awaitingPenalty() {
  const a = await activatedOrder(h, 'cu-99');
  h.clock.advance(40 * 86_400_000);
  const { token } = await h.customer(a.c.phone);
  const closure = json(await h.post(`/api/v1/orders/${a.order.id}/account-closure`, token, { confirmPenaltyFen: 10_000 }));
  expect(closure).toMatchObject({ state: 'awaiting_penalty', penalty: { amountFen: 10_000, paid: false } });
  return { ...a, token, closure };
}

/** WeChat and bank refunds arrive later: after the bank's settlement batch and a few days, the worker's checks find them settled. */
async function settleRefunds() {
  await h.haoka.worker.drain();
  h.haoka.sims.payments.bank.settleBatch();
  h.clock.advance(5 * 86_400_000);
  await h.haoka.worker.drain();
}

async function pay(token: string, orderId: string, channel: Channel) {
  const opened = json(await h.post(`/api/v1/orders/${orderId}/account-closure/payments`, token, { channel }));
  expect(opened).toMatchObject({ orderId, channel, amountFen: 10_000, payUrl: expect.stringContaining(opened.paymentNo) });
  const d = h.haoka.sims.payments[channel].pay(opened.paymentNo);
  if ('kind' in d) throw new Error(d.message);
  return { paymentNo: opened.paymentNo as string, answer: json(await callback(channel, d)) };
}

describe('collecting the account closure penalty', () => {
  it('refunds a paid penalty when the customer withdraws the closure, and the line stays live', async () => {
    const { token, order, closure } = await awaitingPenalty();
    h.clock.advance(60_000);
    const { paymentNo, answer } = await pay(token, order.id, 'wechat');
    expect(answer.outcome).toBe('paid');
    const withdrawn = json(await h.post(`/api/v1/orders/${order.id}/account-closure/withdraw`, token));
    expect(withdrawn).toMatchObject({ id: closure.id, state: 'withdrawn', endedAt: h.clock.now(), penalty: { paid: true, paymentNo, refund: { amountFen: 10_000, state: 'pending' } } });
    await settleRefunds();
    const refunds = await h.haoka.deps.store.refunds.listRefunds(order.id);
    expect(refunds.map((r) => [r.payment_id, r.amount_fen, r.state, r.reason])).toEqual([[paymentNo, 10_000, 'succeeded', `closure:${closure.id}`]]);
    expect(json(await h.get(`/api/v1/orders/${order.id}/account-closure`, token)).penalty.refund).toMatchObject({ state: 'succeeded' });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, token)).state).toBe('activated');
    const again = await h.post(`/api/v1/orders/${order.id}/account-closure/withdraw`, token);
    expect([again.statusCode, json(again).error.code]).toEqual([409, 'CLOSURE.NOT_OPEN']);
    // A withdrawn closure no longer holds the line: the customer may ask again.
    expect(json(await h.post(`/api/v1/orders/${order.id}/account-closure`, token, { confirmPenaltyFen: 10_000 }))).toMatchObject({ state: 'awaiting_penalty' });
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('refunds a paid penalty when an agent refuses the closure, with the reason the customer reads', async () => {
    const { token, order, closure } = await awaitingPenalty();
    const { paymentNo } = await pay(token, order.id, 'bank');
    const agent = await h.staff('agent');
    const bad = await h.post(`/api/v1/agent/account-closures/${closure.id}/refuse`, agent, { reason: '' });
    expect([bad.statusCode, json(bad).error.code]).toEqual([400, 'REQUEST.INVALID']);
    const refused = json(await h.post(`/api/v1/agent/account-closures/${closure.id}/refuse`, agent, { reason: '号码有未结清的话费，请先缴清' }));
    expect(refused).toMatchObject({ state: 'refused', endedReason: '号码有未结清的话费，请先缴清', penalty: { paymentNo, refund: { amountFen: 10_000 } } });
    const complete = await h.post(`/api/v1/agent/account-closures/${closure.id}/complete`, agent);
    expect([complete.statusCode, json(complete).error.code]).toEqual([409, 'CLOSURE.NOT_OPEN']);
    await settleRefunds();
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id)).map((r) => [r.payment_id, r.state])).toEqual([[paymentNo, 'succeeded']]);
    const trail = json(await h.get(`/api/v1/orders/${order.id}/events`, token)).events.map((e: any) => e.action);
    expect(trail).toEqual(expect.arrayContaining(['closure.requested', 'closure.penalty_paid', 'closure.refused', 'refund.started', 'refund.succeeded']));
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('withdraws an unpaid closure with nothing to refund, and refunds a penalty paid after the withdrawal', async () => {
    const { token, order } = await awaitingPenalty();
    const opened = json(await h.post(`/api/v1/orders/${order.id}/account-closure/payments`, token, { channel: 'alipay' }));
    expect(json(await h.post(`/api/v1/orders/${order.id}/account-closure/withdraw`, token))).toMatchObject({ state: 'withdrawn', penalty: { paid: false, refund: null } });
    expect((await h.haoka.deps.store.payments.listPenaltyPayments(order.id)).map((p) => p.state)).toEqual(['closed']);
    // The customer's payment app still completes the payment: the money goes back, the closure stays withdrawn.
    const d = h.haoka.sims.payments.alipay.pay(opened.paymentNo);
    if ('kind' in d) throw new Error(d.message);
    expect(json(await callback('alipay', d))).toMatchObject({ outcome: 'refunded_late_payment' });
    await h.haoka.worker.drain();
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id)).map((r) => [r.payment_id, r.amount_fen, r.state])).toEqual([[opened.paymentNo, 10_000, 'succeeded']]);
    expect(json(await h.get(`/api/v1/orders/${order.id}/account-closure`, token))).toMatchObject({ state: 'withdrawn', penalty: { paid: false } });
  });

  it('applies one payment of two opened at different channels, and refunds the other', async () => {
    const { token, order, closure } = await awaitingPenalty();
    const first = json(await h.post(`/api/v1/orders/${order.id}/account-closure/payments`, token, { channel: 'alipay' }));
    const second = json(await h.post(`/api/v1/orders/${order.id}/account-closure/payments`, token, { channel: 'wechat' }));
    const d1 = h.haoka.sims.payments.alipay.pay(first.paymentNo);
    const d2 = h.haoka.sims.payments.wechat.pay(second.paymentNo);
    if ('kind' in d1 || 'kind' in d2) throw new Error('not paid');
    expect(json(await callback('wechat', d2)).outcome).toBe('paid');
    expect(json(await callback('alipay', d1)).outcome).toBe('refunded_late_payment');
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}/account-closure`, token))).toMatchObject({ id: closure.id, state: 'requested', penalty: { paid: true, paymentNo: second.paymentNo } });
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id)).map((r) => [r.payment_id, r.state])).toEqual([[first.paymentNo, 'succeeded']]);
    const money = json(await h.get(`/api/v1/orders/${order.id}/payments`, token)).payments;
    expect(money.map((p: any) => [p.purpose, p.amountFen, p.state])).toEqual([['order', order.amountFen, 'succeeded'], ['penalty', 10_000, 'succeeded'], ['penalty', 10_000, 'succeeded']]);
    const done = json(await h.post(`/api/v1/agent/account-closures/${closure.id}/complete`, await h.staff('agent')));
    expect(done).toMatchObject({ closure: { state: 'completed', penalty: { paid: true } }, order: { state: 'account_closed' } });
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('withdraws a paid closure and refunds its penalty when the customer unsubscribes free inside the trial instead', async () => {
    const { c, order } = await activatedOrder(h, 'cu-99');
    const closure = json(await h.post(`/api/v1/orders/${order.id}/account-closure`, c.token, { confirmPenaltyFen: 10_000 }));
    const { paymentNo } = await pay(c.token, order.id, 'alipay');
    expect(json(await h.post(`/api/v1/orders/${order.id}/unsubscribe`, c.token))).toMatchObject({ state: 'cancelled', closeReason: 'trial_unsubscribed' });
    expect(json(await h.get(`/api/v1/orders/${order.id}/account-closure`, c.token))).toMatchObject({ id: closure.id, state: 'withdrawn', penalty: { paid: true, refund: { amountFen: 10_000 } } });
    await h.haoka.worker.drain();
    const refunds = await h.haoka.deps.store.refunds.listRefunds(order.id);
    expect(refunds.map((r) => [r.payment_id === paymentNo ? 'penalty' : 'order', r.amount_fen, r.state]).sort()).toEqual([['order', order.amountFen, 'succeeded'], ['penalty', 10_000, 'succeeded']]);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('refuses bad input and other customers, writing nothing', async () => {
    const { order } = await awaitingPenalty();
    const other = await h.customer();
    const before = await h.snapshot();
    const r1 = await h.post(`/api/v1/orders/${order.id}/account-closure/payments`, other.token, { channel: 'alipay' });
    expect([r1.statusCode, json(r1).error.code]).toEqual([404, 'ORDER.NOT_FOUND']);
    const { token } = await h.customer((await activatedOrder(h, 'ct-29')).c.phone);
    const after = await h.snapshot();
    const r2 = await h.post(`/api/v1/orders/${order.id}/account-closure/payments`, token, { channel: 'paypal' });
    expect([r2.statusCode, json(r2).error.code]).toEqual([400, 'REQUEST.INVALID']);
    const r3 = await h.get(`/api/v1/orders/${order.id}/account-closure`, other.token);
    expect([r3.statusCode, json(r3).error.code]).toEqual([404, 'ORDER.NOT_FOUND']);
    const r4 = await h.post(`/api/v1/orders/${order.id}/account-closure/withdraw`, other.token);
    expect([r4.statusCode, json(r4).error.code]).toEqual([404, 'ORDER.NOT_FOUND']);
    expect(await h.snapshot()).toEqual(after);
    expect(before.account_closures).toBe(after.account_closures);
  });

  it('haoka check reports a completed closure whose penalty was never paid', async () => {
    const { order, closure } = await awaitingPenalty();
    const db = h.haoka.deps.store.database.db;
    await sql`update account_closures set state = 'completed', completed_at = ${h.clock.now()} where id = ${closure.id}`.execute(db);
    const { violations } = await checkInvariants(h.haoka.deps.store);
    expect(violations.filter((v) => v.subject === closure.id).map((v) => v.invariant)).toEqual(['a completed closure with a penalty has a paid penalty payment']);
    await sql`update account_closures set state = 'awaiting_penalty', completed_at = null where id = ${closure.id}`.execute(db);
    expect((await checkInvariants(h.haoka.deps.store)).violations.filter((v) => v.detail.includes(order.id))).toEqual([]);
  });
});
