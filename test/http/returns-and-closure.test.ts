// Delivered and activated orders: unactivated returns with inspection, the activation window, returns that
// never arrive, activation and real-name failure from the carrier, trial unsubscription, account closure with
// its penalty, and carrier status synchronisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { addWorkingDays } from '../../src/domain/policies/working-days.ts';
import { earlyTerminationPenalty } from '../../src/domain/policies/penalty.ts';
import { DEMO_PLANS } from '../../src/seed/demo.ts';
import { activatedOrder, ALL_CHECKS, deliveredOrder, PNG_1X1, shippedOrder } from '../fixtures/after-sales.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const DAY = 86_400_000;
const templates = async (orderId: string, token: string): Promise<string[]> =>
  json(await h.get(`/api/v1/notifications?orderId=${orderId}`, token)).notifications.map((n: any) => n.template);

describe('unactivated return (未激活退货)', () => {
  it('gives the instructions, takes the tracking number, and on a passed inspection refunds within 3-7 working days', async () => {
    const { c, agent, order } = await deliveredOrder(h, 'cm-129');
    const ret = json(await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'changed_mind' }));
    expect(ret).toMatchObject({ kind: 'unactivated', state: 'awaiting_parcel', instructions: { orderId: order.id } });
    expect(ret.instructions.enclose.join(' ')).toMatch(/号卡.*订单号.*身份证复印件/);
    expect(ret.instructions.address.address).toContain('号卡售后仓');
    const again = await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'changed_mind' });
    expect([again.statusCode, json(again).error.code]).toEqual([409, 'RETURN.ALREADY_OPEN']);
    expect(json(await h.post(`/api/v1/returns/${ret.id}/tracking`, c.token, { trackingNo: 'SF0000000001' }))).toMatchObject({ state: 'in_transit', returnTrackingNo: 'SF0000000001' });
    h.clock.advance(2 * DAY);
    const passedAt = h.clock.now();
    const inspected = json(await h.post(`/api/v1/agent/returns/${ret.id}/inspect`, agent, {
      checklist: ALL_CHECKS, notes: '卡片完好，附身份证复印件', photos: [{ contentType: 'image/png', dataBase64: PNG_1X1 }],
    }));
    expect(inspected.return).toMatchObject({
      state: 'passed', photos: 1, notes: '卡片完好，附身份证复印件', checklist: ALL_CHECKS,
      refund: { earliest: addWorkingDays(passedAt, 3), latest: addWorkingDays(passedAt, 7) },
    });
    expect(inspected.order).toMatchObject({ state: 'cancelled', closeReason: 'returned' });
    await h.haoka.worker.drain();
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id)).map((r) => [r.state, r.amount_fen])).toEqual([['succeeded', order.amountFen]]);
    expect((await h.haoka.deps.store.orders.getNumber(`N${order.number}`))?.state).toBe('free');
    expect(await templates(order.id, c.token)).toEqual(expect.arrayContaining(['return_instructions', 'return_refund_due', 'refund_arrived']));
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('refuses a card that fails inspection with the reason, and keeps the order and the money as they were', async () => {
    const { c, agent, order } = await deliveredOrder(h);
    const ret = json(await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'changed_mind' }));
    const failing = { ...ALL_CHECKS, pinAreaUnscratched: false };
    const noReason = await h.post(`/api/v1/agent/returns/${ret.id}/inspect`, agent, { checklist: failing });
    expect([noReason.statusCode, json(noReason).error.code]).toEqual([422, 'RETURN.REASON_REQUIRED']);
    const refused = json(await h.post(`/api/v1/agent/returns/${ret.id}/inspect`, agent, { checklist: failing, reason: 'PIN 码区域已刮开，无法二次销售' }));
    expect(refused).toMatchObject({ return: { state: 'refused', rejectionReason: 'PIN 码区域已刮开，无法二次销售', refund: null }, order: { state: 'delivered' } });
    const twice = await h.post(`/api/v1/agent/returns/${ret.id}/inspect`, agent, { checklist: ALL_CHECKS });
    expect([twice.statusCode, json(twice).error.code]).toEqual([409, 'RETURN.INVALID_TRANSITION']);
    await h.haoka.worker.drain();
    expect(await h.haoka.deps.store.refunds.listRefunds(order.id)).toEqual([]);
    const notice = json(await h.get(`/api/v1/notifications?orderId=${order.id}`, c.token)).notifications.find((n: any) => n.template === 'return_refused');
    expect(notice.body).toContain('PIN 码区域已刮开');
    expect(notice.body).toContain('寄回');
  });

  it('is not possible past the activation window, and says why', async () => {
    const { c, order } = await deliveredOrder(h);
    h.clock.advance(15 * DAY + 1);
    const { token } = await h.customer(c.phone);
    const view = json(await h.get(`/api/v1/orders/${order.id}`, token));
    expect(view.cancellation).toMatchObject({ label: 'not_cancellable', action: 'none' });
    expect(view.cancellation.reason).toContain('15 天激活有效期');
    const before = await h.snapshot();
    const late = await h.post(`/api/v1/orders/${order.id}/returns`, token, { reasonCode: 'changed_mind' });
    expect([late.statusCode, json(late).error.code]).toEqual([409, 'RETURN.WINDOW_EXPIRED']);
    expect(await h.snapshot()).toEqual(before);
  });

  it('follows up a card that has not arrived and closes the return after the set time', async () => {
    const { c, order } = await deliveredOrder(h);
    const ret = json(await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'changed_mind' }));
    h.clock.advance(7 * DAY);
    await h.haoka.worker.drain();
    const { token } = await h.customer(c.phone);
    expect(json(await h.get(`/api/v1/returns/${ret.id}`, token)).state).toBe('awaiting_parcel');
    expect(await templates(order.id, token)).toContain('return_follow_up');
    h.clock.advance(8 * DAY);
    await h.haoka.worker.drain();
    const { token: t2 } = await h.customer(c.phone);
    expect(json(await h.get(`/api/v1/returns/${ret.id}`, t2))).toMatchObject({ state: 'closed_unreceived', instructions: null });
    expect(await templates(order.id, t2)).toContain('return_closed');
  });
});

describe('activation from the carrier', () => {
  it('activates a delivered card on the carrier\u2019s push and labels it not cancellable', async () => {
    const { c, order } = await activatedOrder(h, 'cm-58');
    const view = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(view).toMatchObject({ state: 'activated', activatedAt: h.clock.now(), cancellation: { label: 'not_cancellable', action: 'close_account' } });
    const ret = await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'changed_mind' });
    expect(json(ret).error.code).toBe('ORDER.NOT_CANCELLABLE');
  });

  it('keeps the card delivered when the real-name check fails, and tells the customer', async () => {
    const { c, order } = await deliveredOrder(h);
    await h.haoka.sims.carrier!.activate(order.number, { realNameFails: true });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('delivered');
    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events.map((e: any) => e.action);
    expect(events).toContain('carrier.real_name_failed');
    await h.haoka.worker.drain();
    expect(await templates(order.id, c.token)).toContain('real_name_failed');
  });

  it('takes an activation that overtakes the delivered scan, applies each push once, and ignores the late scan', async () => {
    const { c, order, trackingNo } = await shippedOrder(h);
    const d = await h.haoka.sims.carrier!.activate(order.number, { send: false });
    const post = (x: typeof d, url = '/api/v1/carrier/callback') => h.app.inject({ method: 'POST', url, headers: x.headers, payload: x.body });
    expect(json(await post(d)).outcome).toBe('applied');
    expect(json(await post(await h.haoka.sims.carrier!.resend(d, { send: false }))).outcome).toBe('duplicate');
    expect((await post(d)).statusCode).toBe(409);
    const before = await h.snapshot();
    const forged = await post({ headers: d.headers, body: d.body.replace('"activated"', '"closed"') });
    expect([forged.statusCode, json(forged).error.code]).toEqual([401, 'CALLBACK.BAD_SIGNATURE']);
    expect(await h.snapshot()).toEqual(before);
    await h.haoka.sims.courier.event(trackingNo, 'delivered');
    const view = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(view).toMatchObject({ state: 'activated', deliveredAt: h.clock.now(), activatedAt: h.clock.now() });
    const actions = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events.map((e: any) => e.action);
    expect(actions.filter((a: string) => a === 'order.delivered' || a === 'order.activated')).toEqual(['order.delivered', 'order.activated']);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('polls the carrier for a card whose activation push never came', async () => {
    const { c, order } = await deliveredOrder(h);
    await h.haoka.sims.carrier!.setLine(order.number, 'activated', { push: false });
    h.clock.advance(DAY);
    await h.haoka.worker.drain();
    const { token } = await h.customer(c.phone);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, token)).state).toBe('activated');
  });

  it('opens an agent task when the carrier closes a line the platform still thinks is live', async () => {
    const { order } = await activatedOrder(h, 'cm-58');
    await h.haoka.sims.carrier!.setLine(order.number, 'closed');
    const tasks = json(await h.get('/api/v1/agent/carrier-tasks', await h.staff('agent'))).tasks;
    expect(tasks.filter((t: any) => t.orderId === order.id)).toEqual([expect.objectContaining({ kind: 'closed_while_live' })]);
  });
});

describe('trial unsubscription (试用期)', () => {
  it('unsubscribes free in one step inside the trial: the line closes and the whole amount goes back', async () => {
    const { c, order } = await activatedOrder(h, 'cu-99');
    const preview = json(await h.get(`/api/v1/orders/${order.id}/cancellation`, c.token));
    expect(preview).toMatchObject({ path: 'unsubscribe_trial', cancellation: { label: 'cancellable', action: 'unsubscribe_trial' }, consequences: { penaltyFen: 0, refundFen: order.amountFen } });
    const done = json(await h.post(`/api/v1/orders/${order.id}/unsubscribe`, c.token));
    expect(done).toMatchObject({ state: 'cancelled', closeReason: 'trial_unsubscribed' });
    await h.haoka.worker.drain();
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id)).map((r) => [r.state, r.amount_fen])).toEqual([['succeeded', order.amountFen]]);
    expect((await h.haoka.deps.store.orders.getNumber(`N${order.number}`))?.state).toBe('free');
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('refuses unsubscription after the trial, and on a plan without one', async () => {
    const noTrial = await activatedOrder(h, 'cm-58');
    expect(json(await h.post(`/api/v1/orders/${noTrial.order.id}/unsubscribe`, noTrial.c.token)).error.code).toBe('ORDER.NOT_CANCELLABLE');
    const { c, order } = await activatedOrder(h, 'cu-99');
    h.clock.advance(15 * DAY);
    const { token } = await h.customer(c.phone);
    const late = await h.post(`/api/v1/orders/${order.id}/unsubscribe`, token);
    expect([late.statusCode, json(late).error.details.reason]).toEqual([409, 'TRIAL_OVER']);
  });
});

/** The customer pays a closure's penalty at a channel; the channel's notification is replayed and resent, and applied once. */
async function payPenalty(token: string, orderId: string, penaltyFen: number, channel: 'alipay' | 'wechat' | 'bank') {
  const opened = await h.post(`/api/v1/orders/${orderId}/account-closure/payments`, token, { channel });
  expect(opened.statusCode, opened.body).toBe(201);
  const payment = json(opened);
  expect(payment).toMatchObject({ orderId, channel, amountFen: penaltyFen });
  const d = h.haoka.sims.payments[channel].pay(payment.paymentNo);
  if ('kind' in d) throw new Error(d.message);
  const callback = (x: { headers: Record<string, string>; body: string }) => h.app.inject({ method: 'POST', url: `/api/v1/payments/callback/${channel}`, headers: x.headers, payload: x.body });
  expect(json(await callback(d))).toMatchObject({ outcome: 'paid' });
  const replay = await callback(d);
  expect([replay.statusCode, json(replay).error.code]).toEqual([409, 'PAYMENT.REPLAYED']);
  const resent = h.haoka.sims.payments[channel].notification(payment.paymentNo);
  if ('kind' in resent) throw new Error(resent.message);
  expect(json(await callback(resent))).toMatchObject({ outcome: 'duplicate' });
  return payment.paymentNo as string;
}

describe('account closure (销户) with its early-termination penalty', () => {
  it.each([
    ['cm-129', 0, 'alipay'],
    ['cm-129', 100, 'wechat'],
    ['ct-169', 200, 'bank'],
    ['cu-99', 40, 'alipay'],
    ['cb-19', 60, 'wechat'],
    ['cb-19', 250, 'bank'],
    ['ct-29', 10, 'alipay'],
  ] as const)('closes a %s line %i days after activation with the plan\u2019s penalty, paid by %s', async (planId, days, channel) => {
    const { c, order } = await activatedOrder(h, planId);
    h.clock.advance(days * DAY);
    const { token } = await h.customer(c.phone);
    const agent = await h.staff('agent');
    const plan = DEMO_PLANS.find((p) => p.id === planId)!;
    const expected = earlyTerminationPenalty(plan, order.activatedAt, h.clock.now());
    if (planId === 'cu-99') expect(expected.penaltyFen).toBe(10_000);
    if (planId === 'cb-19') expect(expected.penaltyFen).toBe(days < 150 ? 5_000 : 0);
    if (planId === 'ct-29') expect(expected.penaltyFen).toBe(0);
    if (planId === 'cm-129' && days === 0) expect(expected.penaltyFen).toBe(Math.round(12_900 * 23 * 0.5));
    const preview = json(await h.get(`/api/v1/orders/${order.id}/cancellation`, token));
    expect(preview).toMatchObject({ path: 'close_account', consequences: { penaltyFen: expected.penaltyFen, refundFen: 0, number: 'released' } });
    expect(preview.explanation).toContain(expected.penaltyFen > 0 ? '违约金' : '不收违约金');
    const wrong = await h.post(`/api/v1/orders/${order.id}/account-closure`, token, { confirmPenaltyFen: expected.penaltyFen + 1 });
    expect(json(wrong).error.code).toBe('CLOSURE.PENALTY_CHANGED');
    const closure = json(await h.post(`/api/v1/orders/${order.id}/account-closure`, token, { confirmPenaltyFen: expected.penaltyFen }));
    expect(json(await h.post(`/api/v1/orders/${order.id}/account-closure`, token, { confirmPenaltyFen: expected.penaltyFen })).error.code).toBe('CLOSURE.ALREADY_REQUESTED');
    if (expected.penaltyFen > 0) {
      // The penalty is collected before the closure reaches an agent.
      expect(closure).toMatchObject({ state: 'awaiting_penalty', penaltyFen: expected.penaltyFen, monthsLeft: expected.monthsLeft, penalty: { amountFen: expected.penaltyFen, paid: false, paidAt: null } });
      const unpaid = await h.post(`/api/v1/agent/account-closures/${closure.id}/complete`, agent);
      expect([unpaid.statusCode, json(unpaid).error.code]).toEqual([409, 'CLOSURE.PENALTY_UNPAID']);
      expect(json(await h.get('/api/v1/agent/account-closures', agent)).closures.map((x: any) => x.id)).not.toContain(closure.id);
      h.clock.advance(60_000);
      const paymentNo = await payPenalty(token, order.id, expected.penaltyFen, channel);
      expect(json(await h.get(`/api/v1/orders/${order.id}/account-closure`, token))).toMatchObject({
        id: closure.id, state: 'requested', penalty: { amountFen: expected.penaltyFen, paid: true, paidAt: h.clock.now(), paymentNo, refund: null },
      });
      const again = await h.post(`/api/v1/orders/${order.id}/account-closure/payments`, token, { channel });
      expect([again.statusCode, json(again).error.code]).toEqual([409, 'CLOSURE.PENALTY_NOT_DUE']);
      expect((await h.haoka.deps.store.payments.listPenaltyPayments(order.id)).map((p) => [p.state, p.amount_fen, p.channel])).toEqual([['succeeded', expected.penaltyFen, channel]]);
    } else {
      // Nothing to pay: straight to the agents' queue.
      expect(closure).toMatchObject({ state: 'requested', penaltyFen: 0, penalty: { amountFen: 0, paid: false, paymentNo: null } });
      const none = await h.post(`/api/v1/orders/${order.id}/account-closure/payments`, token, { channel });
      expect([none.statusCode, json(none).error.code]).toEqual([409, 'CLOSURE.PENALTY_NOT_DUE']);
    }
    expect(json(await h.get('/api/v1/agent/account-closures', agent)).closures.map((x: any) => x.id)).toContain(closure.id);
    const done = json(await h.post(`/api/v1/agent/account-closures/${closure.id}/complete`, agent));
    expect(done).toMatchObject({ closure: { state: 'completed' }, order: { state: 'account_closed', cancellation: { label: 'not_cancellable' } } });
    expect(await h.haoka.deps.carrier.queryLine(order.number)).toBe('closed');
    await h.haoka.worker.drain();
    expect((await h.haoka.deps.store.orders.getNumber(`N${order.number}`))?.state).toBe('free');
    // The order's own money stays where it is: closing a line refunds nothing.
    expect(await h.haoka.deps.store.refunds.listRefunds(order.id)).toEqual([]);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });
});
