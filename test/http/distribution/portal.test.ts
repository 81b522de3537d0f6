// A distributor's own pages and the operators' desk, over HTTP: sign-in, links, orders with customers masked,
// cancellations with reason and step, commissions by state and month, withdrawals approved by an operator, and
// per-distributor figures flagging a distributor far above the platform's cancellation rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../../fixtures/harness.ts';
import { activatedThrough, deliveredThrough, paidThrough } from './fixtures.ts';
import { ALL_CHECKS } from '../../fixtures/after-sales.ts';

let h: Harness;
let operator: string;
let seller: { id: string; appKey: string };
let token: string;
let ref: string;
const name = `花卡小店${process.pid}`;

beforeAll(async () => {
  h = await startHarness();
  operator = await h.staff('operator');
  const created = await h.post('/api/v1/operator/distributors', operator, { name, password: 'shop-password-1' });
  expect(created.statusCode, created.body).toBe(201);
  seller = json(created);
  ref = json(await h.post(`/api/v1/operator/distributors/${seller.id}/promotion-codes`, operator, { planId: null })).code;
  const rule = await h.app.inject({ method: 'PUT', url: '/api/v1/operator/plans/cu-39/commission-rule', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, payload: JSON.stringify({ levelFen: [10000, 8000, 5000], minFirstTopUpFen: 5000, daysInService: 0, probationDays: 30 }) });
  expect(rule.statusCode, rule.body).toBe(200);
});
afterAll(async () => { await h?.close(); });

describe('a distributor\u2019s pages', () => {
  it('signs in with its name and password; a wrong password is refused', async () => {
    expect(json(await h.post('/api/v1/distributor/sign-in', null, { name, password: 'nope' })).error.code).toBe('AUTH.INVALID_CREDENTIALS');
    const r = json(await h.post('/api/v1/distributor/sign-in', null, { name, password: 'shop-password-1' }));
    token = r.token;
    expect(r.distributor).toEqual({ id: seller.id, name, level: 1 });
    expect(json(await h.get('/api/v1/distributor/me', token))).toMatchObject({ id: seller.id, appKey: seller.appKey, state: 'active' });
    expect(json(await h.get('/api/v1/orders', token)).error.code).toBe('AUTH.FORBIDDEN');
    expect(json(await h.post('/api/v1/distributor/profile', token, { pushUrl: 'https://shop.example.cn/haoka' }))).toEqual({ id: seller.id, pushUrl: 'https://shop.example.cn/haoka' });
    expect(json(await h.get('/api/v1/distributor/me', token)).pushUrl).toBe('https://shop.example.cn/haoka');
    await h.post('/api/v1/distributor/profile', token, { pushUrl: null });
  });

  it('invites sub-distributors down to the third level, and no deeper', async () => {
    const second = await h.post('/api/v1/distributor/sub-distributors', token, { name: `二级${process.pid}`, password: 'shop-password-3' });
    expect(second.statusCode, second.body).toBe(201);
    expect(json(second).level).toBe(2);
    const secondToken = json(await h.post('/api/v1/distributor/sign-in', null, { name: `二级${process.pid}`, password: 'shop-password-3' })).token;
    const third = json(await h.post('/api/v1/distributor/sub-distributors', secondToken, { name: `三级${process.pid}`, password: 'shop-password-4' }));
    expect(third.level).toBe(3);
    const thirdToken = json(await h.post('/api/v1/distributor/sign-in', null, { name: `三级${process.pid}`, password: 'shop-password-4' })).token;
    const fourth = await h.post('/api/v1/distributor/sub-distributors', thirdToken, { name: `四级${process.pid}`, password: 'shop-password-5' });
    expect([fourth.statusCode, json(fourth).error.code]).toEqual([422, 'DISTRIBUTOR.TOO_DEEP']);
  });

  it('tells the pages whether a ?ref= code is valid', async () => {
    expect(json(await h.get(`/api/v1/promotion-codes/${ref}`, null))).toEqual({ code: ref, planId: null });
    expect(json(await h.get('/api/v1/promotion-codes/nosuchcode', null)).error.code).toBe('PROMOTION.NOT_FOUND');
  });

  it('lists its links with their ?ref= URL: a general one to the plans, a plan\u2019s own to that plan\u2019s order form, by name', async () => {
    const general = json(await h.get('/api/v1/distributor/links', token)).links;
    expect(general).toEqual([expect.objectContaining({ code: ref, planId: null, planName: null, url: expect.stringMatching(new RegExp(`^https?://[^/]+/\\?ref=${ref}$`)) })]);
    const planRef = json(await h.post(`/api/v1/operator/distributors/${seller.id}/promotion-codes`, operator, { planId: 'cu-39' })).code;
    const links = json(await h.get('/api/v1/distributor/links', token)).links;
    expect(links.find((l: { code: string }) => l.code === planRef)).toMatchObject({ planId: 'cu-39', planName: '联通大王卡 39元', url: expect.stringMatching(new RegExp(`/buy/cu-39\\?ref=${planRef}$`)) });
  });

  it('shows a customer\u2019s cancellation after paying: masked, with its reason, the step where it stopped, and no commission', async () => {
    const { c, order } = await paidThrough(h, ref);
    const applied = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'price', reasonText: '链接上说首月免费' }));
    expect(applied.order.state).toBe('cancelled');
    const mine = json(await h.get('/api/v1/distributor/orders', token)).orders.find((o: any) => o.id === order.id);
    expect(mine).toMatchObject({ state: 'cancelled', customer: { name: '张*', phone: '138****8000' }, commission: { amountFen: 10000, state: 'voided' } });
    expect(JSON.stringify(mine)).not.toContain('13800138000');
    const cancellations = json(await h.get('/api/v1/distributor/cancellations', token)).cancellations;
    expect(cancellations).toContainEqual(expect.objectContaining({ orderId: order.id, fromState: 'paid', reasonCode: 'price', reasonText: '链接上说首月免费', closeReason: 'customer_cancelled' }));
    expect(json(await h.get('/api/v1/distributor/commissions', token)).balances).toEqual({ pending: 0, eligible: 0, settled: 0, paid_out: 0 });
  });

  it('shows an unactivated return: stopped at delivery, with the return’s reason, and its commission voided once', async () => {
    const { c, agent, order } = await deliveredThrough(h, ref);
    const ret = json(await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'wrong_plan' }));
    await h.post(`/api/v1/returns/${ret.id}/tracking`, c.token, { trackingNo: 'SF0000000077' });
    const inspected = json(await h.post(`/api/v1/agent/returns/${ret.id}/inspect`, agent, { checklist: ALL_CHECKS }));
    expect(inspected.order).toMatchObject({ state: 'cancelled', closeReason: 'returned' });
    await h.haoka.worker.drain();
    const kinds = (await h.haoka.deps.store.distribution.entriesOfOrders([order.id])).map((e) => e.kind);
    expect(kinds).toEqual(['accrue', 'void']);
    const cancellations = json(await h.get('/api/v1/distributor/cancellations', token)).cancellations;
    expect(cancellations).toContainEqual(expect.objectContaining({ orderId: order.id, fromState: 'delivered', reasonCode: 'wrong_plan', closeReason: 'returned' }));
  });

  it('shows commissions by state and month, and withdraws settled ones once an operator approves', async () => {
    const { order } = await activatedThrough(h, ref);
    expect((await h.post(`/api/v1/operator/orders/${order.id}/top-up`, operator, { amountFen: 5000 })).statusCode).toBe(200);
    const run = json(await h.post('/api/v1/operator/commission-settlements', operator, { runId: 'portal-1' }));
    expect(run).toMatchObject({ created: true, lines: 1, amountFen: 10000 });
    const csv = await h.get('/api/v1/operator/commission-settlements/portal-1/csv', operator);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toBe(`distributor_id,distributor_name,lines,amount_fen,amount_yuan\n${seller.id},${name},1,10000,100.00\n`);
    const mine = json(await h.get('/api/v1/distributor/commissions', token));
    expect(mine.balances).toEqual({ pending: 0, eligible: 0, settled: 10000, paid_out: 0 });
    expect(mine.ordersByState).toEqual({ voided: 2, settled: 1 });
    expect(mine.months[0]).toMatchObject({ accruedFen: 30000, eligibleFen: 10000, settledFen: 10000, takenBackFen: 20000 });

    const tooMuch = await h.post('/api/v1/distributor/withdrawals', token, { amountFen: 20000 });
    expect([tooMuch.statusCode, json(tooMuch).error.code]).toEqual([409, 'WITHDRAWAL.INSUFFICIENT_BALANCE']);
    const w = json(await h.post('/api/v1/distributor/withdrawals', token, { amountFen: 6000 }));
    expect(json(await h.post('/api/v1/distributor/withdrawals', token, { amountFen: 6000 })).error.code).toBe('WITHDRAWAL.INSUFFICIENT_BALANCE');
    expect(json(await h.get('/api/v1/operator/withdrawals', operator)).withdrawals.map((x: any) => x.id)).toContain(w.id);
    const paid = json(await h.post(`/api/v1/operator/withdrawals/${w.id}/decision`, operator, { approve: true, payoutRef: 'BANK-20261207-01' }));
    expect(paid).toMatchObject({ state: 'paid', payout_ref: 'BANK-20261207-01' });
    expect(json(await h.post(`/api/v1/operator/withdrawals/${w.id}/decision`, operator, { approve: true, payoutRef: 'again' })).error.code).toBe('WITHDRAWAL.NOT_PENDING');
    expect(json(await h.get('/api/v1/distributor/commissions', token)).balances).toEqual({ pending: 0, eligible: 0, settled: 4000, paid_out: 6000 });
  });
});

describe('the operators\u2019 figures per distributor', () => {
  it('gives rates and reasons, and flags a distributor far above the platform\u2019s cancellation rate', async () => {
    const bad = json(await h.post('/api/v1/operator/distributors', operator, { name: `夸大宣传${process.pid}`, password: 'shop-password-2' }));
    const badRef = json(await h.post(`/api/v1/operator/distributors/${bad.id}/promotion-codes`, operator, { planId: null })).code;
    for (let i = 0; i < 12; i++) await h.paidOrder((await h.customer()).token);
    for (let i = 0; i < 5; i++) {
      const { c, order } = await paidThrough(h, badRef);
      await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'price' });
    }
    const stats = json(await h.get('/api/v1/operator/distributors', operator));
    const row = stats.distributors.find((d: any) => d.id === bad.id);
    expect(row).toMatchObject({ orders: 5, paid: 5, cancellationRate: 1, flagged: true, reasons: [{ code: 'price', n: 5 }] });
    const good = stats.distributors.find((d: any) => d.id === seller.id);
    expect(good).toMatchObject({ paid: 3, activationRate: 0.333, firstTopUpRate: 1, flagged: false, commissions: { settled: 4000, paid_out: 6000 } });
    expect(stats.platform.cancellationRate).toBeLessThan(0.5);
  });
});

describe('commission rules on the desk', () => {
  it('refuses a rule whose amounts grow downwards with COMMISSION.INVALID_RULE and logs nothing', async () => {
    const before = json(await h.get('/api/v1/operator/plans/cu-39/commission-rule', operator)).changes.length;
    const res = await h.app.inject({ method: 'PUT', url: '/api/v1/operator/plans/cu-39/commission-rule', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, payload: JSON.stringify({ levelFen: [1000, 8000, 5000], minFirstTopUpFen: 0, daysInService: 0, probationDays: 0 }) });
    expect([res.statusCode, json(res).error.code]).toEqual([422, 'COMMISSION.INVALID_RULE']);
    const after = json(await h.get('/api/v1/operator/plans/cu-39/commission-rule', operator));
    expect(after.changes.length).toBe(before);
    expect(after.rule.levelFen).toEqual([10000, 8000, 5000]);
  });
});
