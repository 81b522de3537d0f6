// Terms as sold: an order keeps the plan's price, contract, penalty rule, activation window and trial from the
// moment it is placed. An operator's later edit of a plan's rules applies to orders placed after it, never to
// what an existing customer owes or may return. Unactivated returns take a reason like any other cancellation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activatedOrder, deliveredOrder } from '../fixtures/after-sales.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const DAY = 86_400_000;

const put = (url: string, token: string, body: unknown) =>
  h.app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

async function setRules(planId: string, rules: { activationWindowDays: number; trialDays: number; penalty: unknown }) {
  const r = await put(`/api/v1/operator/plans/${planId}/rules`, await h.staff('operator'), rules);
  expect(r.statusCode, r.body).toBe(200);
}

describe('terms as sold', () => {
  it('shows the terms an order was sold with on the order, in the list and in the API document', async () => {
    const c = await h.customer();
    const placed = json(await h.placeOrder(c.token, { planId: 'cu-99', numberId: (await h.freeNumber('china_unicom')).id }));
    const terms = { planPriceFen: 1000, monthlyFeeFen: 9900, contractMonths: 12, penaltyRule: { kind: 'fixed', fen: 10_000 }, activationWindowDays: 20, trialDays: 15 };
    expect(placed.terms).toEqual(terms);
    expect(json(await h.get(`/api/v1/orders/${placed.id}`, c.token)).terms).toEqual(terms);
    expect(json(await h.get('/api/v1/orders', c.token)).orders.find((o: any) => o.id === placed.id).terms).toEqual(terms);
    const doc = json(await h.get('/openapi.json', null));
    const view = JSON.stringify(doc.paths['/api/v1/orders/{id}'].get.responses['200']);
    for (const field of Object.keys(terms)) expect(view).toContain(field);
  });

  it('keeps the penalty a line was sold with after the operator edits it; an order placed after the edit gets the new one', async () => {
    // cb-19: 6 months' contract, a fixed 50-yuan penalty; a month served leaves five.
    const old = await activatedOrder(h, 'cb-19');
    await setRules('cb-19', { activationWindowDays: 15, trialDays: 0, penalty: { kind: 'remaining_share', percent: 100 } });

    const preview = json(await h.get(`/api/v1/orders/${old.order.id}/cancellation`, old.c.token));
    expect(preview).toMatchObject({ path: 'close_account', consequences: { penaltyFen: 5000 } });
    expect(json(await h.get(`/api/v1/orders/${old.order.id}`, old.c.token)).terms.penaltyRule).toEqual({ kind: 'fixed', fen: 5000 });
    const closure = await h.post(`/api/v1/orders/${old.order.id}/account-closure`, old.c.token, { confirmPenaltyFen: 5000 });
    expect(closure.statusCode, closure.body).toBe(201);
    expect(json(closure)).toMatchObject({ penaltyFen: 5000, monthsLeft: 5 });

    const fresh = await activatedOrder(h, 'cb-19');
    expect(fresh.order.terms.penaltyRule).toEqual({ kind: 'remaining_share', percent: 100 });
    // The whole monthly fee (19 yuan) for each of the five months left.
    expect(json(await h.get(`/api/v1/orders/${fresh.order.id}/cancellation`, fresh.c.token)).consequences.penaltyFen).toBe(5 * 1900);
  });

  it('keeps the activation window a card was sold with: a return stays possible under the old window, not under the new', async () => {
    // cm-58 is sold with 15 days; the operator shortens it to 7 after the first card was delivered.
    const old = await deliveredOrder(h, 'cm-58');
    await setRules('cm-58', { activationWindowDays: 7, trialDays: 0, penalty: { kind: 'remaining_share', percent: 30 } });
    const fresh = await deliveredOrder(h, 'cm-58');
    h.clock.advance(10 * DAY);

    const oldToken = (await h.customer(old.c.phone)).token;
    const oldView = json(await h.get(`/api/v1/orders/${old.order.id}`, oldToken));
    expect(oldView.cancellation).toMatchObject({ action: 'return_unactivated', validUntil: old.order.deliveredAt + 15 * DAY });
    expect(oldView.plan.activationWindowDays).toBe(15);
    const ret = await h.post(`/api/v1/orders/${old.order.id}/returns`, oldToken, { reasonCode: 'changed_mind' });
    expect(ret.statusCode, ret.body).toBe(201);

    const freshToken = (await h.customer(fresh.c.phone)).token;
    expect(json(await h.get(`/api/v1/orders/${fresh.order.id}`, freshToken)).cancellation).toMatchObject({ label: 'not_cancellable', action: 'none' });
    const late = await h.post(`/api/v1/orders/${fresh.order.id}/returns`, freshToken, { reasonCode: 'changed_mind' });
    expect([late.statusCode, json(late).error.code, json(late).error.details.activationWindowDays]).toEqual([409, 'RETURN.WINDOW_EXPIRED', 7]);
  });

  it('keeps the trial a line was sold with: the operator ending the trial does not take it from lines already sold', async () => {
    // cu-99 is sold with a 15-day trial; the operator drops the trial.
    const old = await activatedOrder(h, 'cu-99');
    await setRules('cu-99', { activationWindowDays: 20, trialDays: 0, penalty: { kind: 'fixed', fen: 10_000 } });
    const fresh = await activatedOrder(h, 'cu-99');
    h.clock.advance(3 * DAY);

    const oldToken = (await h.customer(old.c.phone)).token;
    expect(json(await h.get(`/api/v1/orders/${old.order.id}`, oldToken)).cancellation).toMatchObject({ label: 'cancellable', action: 'unsubscribe_trial' });
    const done = await h.post(`/api/v1/orders/${old.order.id}/unsubscribe`, oldToken);
    expect(done.statusCode, done.body).toBe(200);
    expect(json(done)).toMatchObject({ state: 'cancelled', closeReason: 'trial_unsubscribed' });

    const freshToken = (await h.customer(fresh.c.phone)).token;
    expect(json(await h.get(`/api/v1/orders/${fresh.order.id}`, freshToken)).cancellation).toMatchObject({ label: 'not_cancellable', action: 'close_account' });
    const refused = await h.post(`/api/v1/orders/${fresh.order.id}/unsubscribe`, freshToken);
    expect([refused.statusCode, json(refused).error.code]).toEqual([409, 'ORDER.NOT_CANCELLABLE']);
  });

  it('answers the assistant and the order\u2019s FAQ from the terms as sold', async () => {
    const old = await deliveredOrder(h, 'ct-29');
    await setRules('ct-29', { activationWindowDays: 30, trialDays: 0, penalty: { kind: 'fixed', fen: 0 } });
    const faq = json(await h.get(`/api/v1/orders/${old.order.id}/faq?lang=zh-CN`, old.c.token));
    const text = faq.entries.map((e: any) => e.answer).join(' ');
    expect(text).toContain('签收后 7 天内');
    expect(text).not.toContain('30 天');
  });
});

describe('an unactivated return takes a reason', () => {
  it('refuses a return without a reason, with an unknown one, or "other" without words, and writes nothing', async () => {
    const { c, order } = await deliveredOrder(h, 'ct-169');
    const before = await h.snapshot();
    const none = await h.post(`/api/v1/orders/${order.id}/returns`, c.token, {});
    expect([none.statusCode, json(none).error.code]).toEqual([400, 'REQUEST.INVALID']);
    const unknown = await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'bored' });
    expect([unknown.statusCode, json(unknown).error.code]).toEqual([422, 'CANCEL_REQUEST.UNKNOWN_REASON']);
    const bare = await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'other', reasonText: '  ' });
    expect([bare.statusCode, json(bare).error.code]).toEqual([422, 'CANCEL_REQUEST.REASON_REQUIRED']);
    expect(await h.snapshot()).toEqual(before);
  });

  it('stores the reason with the return, in the audit trail, and shows it to the agent', async () => {
    const { c, agent, order } = await deliveredOrder(h, 'ct-169');
    const ret = json(await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'number_not_liked', reasonText: ' 尾号不好记 ' }));
    expect(ret).toMatchObject({ state: 'awaiting_parcel', reasonCode: 'number_not_liked', reasonText: '尾号不好记' });
    const seen = json(await h.get(`/api/v1/orders/${order.id}/returns`, agent)).returns;
    expect(seen).toEqual([expect.objectContaining({ id: ret.id, reasonCode: 'number_not_liked', reasonText: '尾号不好记' })]);
    const desk = json(await h.get('/api/v1/agent/returns?state=open', agent)).returns;
    expect(desk.find((x: any) => x.id === ret.id)).toMatchObject({ reasonCode: 'number_not_liked', reasonText: '尾号不好记' });
    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, agent)).events;
    expect(events.find((e: any) => e.action === 'return.requested')).toMatchObject({ actorType: 'customer', reason: `${ret.id} number_not_liked: 尾号不好记` });
  });
});
