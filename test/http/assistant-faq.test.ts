import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { orderIn } from '../fixtures/order-states.ts';
import { ORDER_STATES } from '../../src/domain/order.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const put = (token: string, id: string, body: unknown) =>
  h.app.inject({ method: 'PUT', url: `/api/v1/faq/${id}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const patchSettings = (token: string, body: unknown) =>
  h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const entry = (faq: any, id: string) => faq.entries.find((e: any) => e.id === id);

describe('the FAQ of each order state', () => {
  it('has questions for every state, in Chinese and in English, with no placeholder left unfilled', async () => {
    for (const state of ORDER_STATES) {
      for (const lang of ['zh-CN', 'en']) {
        const faq = json(await h.get(`/api/v1/faq?state=${state}&lang=${lang}`, null));
        expect(faq).toMatchObject({ state, lang });
        expect(faq.entries.length).toBeGreaterThan(0);
        for (const e of faq.entries) expect(`${e.question} ${e.answer}`).not.toMatch(/[{}]/);
        if (lang === 'en') for (const e of faq.entries) expect(e.question).not.toMatch(/\p{Script=Han}/u);
      }
    }
  });

  it('fills answers from the settings in force: a shorter payment countdown shows at once', async () => {
    expect(entry(json(await h.get('/api/v1/faq?state=pending_payment', null)), 'unpaid-deadline').answer).toContain('30 分钟');
    const op = await h.staff('operator');
    expect((await patchSettings(op, { paymentTimeoutMs: 15 * 60_000, expressRefundMaxFen: 5000 })).statusCode).toBe(200);
    h.clock.advance(2000);
    expect(entry(json(await h.get('/api/v1/faq?state=pending_payment', null)), 'unpaid-deadline').answer).toContain('15 分钟');
    expect(entry(json(await h.get('/api/v1/faq?state=paid&lang=en', null)), 'paid-cancel').answer).toContain('at most 50 yuan');
    await patchSettings(op, { paymentTimeoutMs: 30 * 60_000, expressRefundMaxFen: 10_000 });
    h.clock.advance(2000);
  });

  it('names the activation window of the order\'s own plan, or the catalog\'s range without one', async () => {
    expect(entry(json(await h.get('/api/v1/faq?state=delivered', null)), 'delivered-window').answer).toContain('签收后 7-30 天内');
    expect(entry(json(await h.get('/api/v1/faq?state=delivered&planId=ct-29', null)), 'delivered-window').answer).toContain('签收后 7 天内');
    const { token, order } = await orderIn(h, 'delivered', { planId: 'cm-129' });
    const faq = json(await h.get(`/api/v1/orders/${order.id}/faq`, token));
    expect(faq.state).toBe('delivered');
    expect(entry(faq, 'delivered-window').answer).toContain('签收后 30 天内');
    expect(entry(faq, 'unpaid-cancel')).toBeUndefined();
  });

  it('answers in the browser\'s language when none is asked for', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/faq?state=shipped', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(json(res).lang).toBe('en');
    expect(entry(json(res), 'shipped-cancel').question).toBe('The order has shipped. How do I cancel?');
  });

  it('refuses an unknown state, plan or another customer\'s order with a code', async () => {
    expect(json(await h.get('/api/v1/faq?state=lost', null)).error.code).toBe('REQUEST.INVALID');
    expect(json(await h.get('/api/v1/faq?state=paid&planId=nope', null)).error.code).toBe('PLAN.NOT_FOUND');
    const { order } = await orderIn(h, 'paid');
    const stranger = await h.customer();
    expect((await h.get(`/api/v1/orders/${order.id}/faq`, stranger.token)).statusCode).toBe(404);
  });
});

describe('operators edit the FAQ', () => {
  it('an edit is stored over the shipped text, filled like it, and can be undone', async () => {
    const op = await h.staff('operator');
    const res = await put(op, 'unpaid-deadline', { answer: { zh: '请在 {paymentTimeoutMinutes} 分钟内付款，过时不候。' } });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: 'unpaid-deadline', edited: true, answer: { zh: '请在 {paymentTimeoutMinutes} 分钟内付款，过时不候。' } });
    expect(json(res).answer.en).toContain('Please pay within');
    const zh = entry(json(await h.get('/api/v1/faq?state=pending_payment', null)), 'unpaid-deadline');
    expect(zh).toMatchObject({ answer: '请在 30 分钟内付款，过时不候。', edited: true });
    const en = entry(json(await h.get('/api/v1/faq?state=pending_payment&lang=en', null)), 'unpaid-deadline');
    expect(en.answer).toContain('Please pay within 30 minutes');

    const reset = await h.app.inject({ method: 'DELETE', url: '/api/v1/faq/unpaid-deadline', headers: { authorization: `Bearer ${op}` } });
    expect(json(reset).edited).toBe(false);
    expect(entry(json(await h.get('/api/v1/faq?state=pending_payment', null)), 'unpaid-deadline').answer).toContain('下单后请在 30 分钟内完成支付');
  });

  it('can hide an entry and show it again', async () => {
    const op = await h.staff('operator');
    await put(op, 'cancelled-what-now', { hidden: true });
    expect(entry(json(await h.get('/api/v1/faq?state=cancelled', null)), 'cancelled-what-now')).toBeUndefined();
    const templates = json(await h.get('/api/v1/faq/templates', op));
    expect(templates.entries.find((e: any) => e.id === 'cancelled-what-now')).toMatchObject({ hidden: true, edited: true });
    await put(op, 'cancelled-what-now', { hidden: false });
    expect(entry(json(await h.get('/api/v1/faq?state=cancelled', null)), 'cancelled-what-now')).toBeDefined();
  });

  it('refuses an unknown placeholder, an unknown entry, an empty text and anyone but an operator', async () => {
    const op = await h.staff('operator');
    const typo = await put(op, 'paid-cancel', { answer: { zh: '客服 {reviewSlaHour} 小时内审核' } });
    expect([typo.statusCode, json(typo).error.code]).toEqual([422, 'FAQ.UNKNOWN_PLACEHOLDER']);
    expect(json(typo).error.details.unknown).toEqual(['reviewSlaHour']);
    const missing = await put(op, 'no-such-entry', { answer: { zh: '你好' } });
    expect([missing.statusCode, json(missing).error.code]).toEqual([404, 'FAQ.NOT_FOUND']);
    expect((await put(op, 'paid-cancel', { answer: { zh: '' } })).statusCode).toBe(400);
    expect((await put(op, 'paid-cancel', { answer: { fr: 'bonjour' } })).statusCode).toBe(400);
    expect((await put(await h.staff('agent'), 'paid-cancel', { answer: { zh: '你好' } })).statusCode).toBe(403);
    expect((await put((await h.customer()).token, 'paid-cancel', { answer: { zh: '你好' } })).statusCode).toBe(403);
    expect(entry(json(await h.get('/api/v1/faq?state=paid', null)), 'paid-cancel').edited).toBe(false);
  });
});
