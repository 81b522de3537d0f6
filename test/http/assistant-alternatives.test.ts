import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, json, startHarness, type Harness } from '../fixtures/harness.ts';
import { assistantRows, orderIn } from '../fixtures/order-states.ts';
import type { SignedDelivery } from '../../src/adapters/payment/simulator.ts';
import type { OrderState } from '../../src/domain/order.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const alternatives = async (token: string, orderId: string, reason?: string) => {
  const res = await h.get(`/api/v1/orders/${orderId}/alternatives${reason ? `?reason=${encodeURIComponent(reason)}` : ''}`, token);
  expect(res.statusCode).toBe(200);
  return json(res);
};
const kinds = (a: any) => a.alternatives.map((x: any) => x.kind);
const NEW_ADDRESS = { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 100 号 8 楼' };

describe('alternatives are offered only when the order can really take them', () => {
  const expected: Record<OrderState, string[]> = {
    pending_payment: ['change_address', 'switch_plan', 'choose_number', 'contact_agent'],
    paid: ['change_address', 'contact_agent'],
    packing: ['contact_agent'],
    shipped: ['contact_agent'],
    delivered: ['contact_agent'],
    activated: ['contact_agent'],
    cancelled: [],
    account_closed: [],
  };
  for (const [state, want] of Object.entries(expected) as [OrderState, string[]][]) {
    it(`offers ${want.length ? want.join(', ') : 'nothing'} for an order in ${state}`, async () => {
      const { token, order } = await orderIn(h, state);
      const a = await alternatives(token, order.id);
      expect(kinds(a)).toEqual(want);
      expect(a.cancel).toEqual({ method: 'GET', href: `/api/v1/orders/${order.id}/cancellation` });
    });
  }

  it('offers nothing once the payment deadline has passed', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    h.clock.advance(31 * 60_000);
    expect(kinds(await alternatives(token, order.id))).toEqual([]);
  });

  it('does not offer a plan switch when the carrier has no other plan on sale', async () => {
    const { token, order } = await orderIn(h, 'pending_payment', { planId: 'cb-19', carrier: 'china_broadnet' });
    expect(kinds(await alternatives(token, order.id))).toEqual(['change_address', 'choose_number', 'contact_agent']);
  });

  it('puts the offer that fits the reason first and says why', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const wrongAddress = await alternatives(token, order.id, '收货地址写错了');
    expect(wrongAddress.reason.code).toBe('wrong_address');
    expect(wrongAddress.alternatives[0]).toMatchObject({ kind: 'change_address', fits: true, next: { method: 'POST', href: `/api/v1/orders/${order.id}/address` } });
    const ugly = await alternatives(token, order.id, '号码不好看，有好多4');
    expect(ugly.reason.code).toBe('number_not_liked');
    expect(ugly.alternatives[0]).toMatchObject({ kind: 'choose_number', fits: true, next: { method: 'GET', href: '/api/v1/numbers?carrier=china_mobile' } });
    const wrongPlan = await alternatives(token, order.id, '套餐选错了');
    expect(wrongPlan.alternatives[0]).toMatchObject({ kind: 'switch_plan', fits: true });
    // cm-58 costs nothing itself, so the order's amount is the number's price; cm-129 adds its own 50 yuan.
    expect(wrongPlan.alternatives[0].plans).toEqual([{ id: 'cm-129', name: '移动全球通 129元', amountFen: 5000 + order.amountFen }]);
  });

  it('records each offer once however often the page asks, with the reason it was made for', async () => {
    const { token, order } = await orderIn(h, 'paid');
    const first = await alternatives(token, order.id);
    const again = await alternatives(token, order.id, '地址错了');
    expect(again.alternatives.map((x: any) => x.offerId).sort()).toEqual(first.alternatives.map((x: any) => x.offerId).sort());
    const rows = await h.haoka.deps.store.assistant.listOffers(order.id);
    expect(rows.map((r) => [r.kind, r.status, r.reason_code]).sort()).toEqual([['change_address', 'offered', 'wrong_address'], ['contact_agent', 'offered', 'wrong_address']]);
  });
});

describe('taking an alternative', () => {
  it('changes the address of an unpaid order, audits it and records the offer as accepted', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const offer = (await alternatives(token, order.id, '地址填错了')).alternatives[0];
    const res = await h.post(`/api/v1/orders/${order.id}/address`, token, { address: NEW_ADDRESS });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ state: 'pending_payment', address: NEW_ADDRESS });
    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, token)).events;
    expect(events.at(-1)).toMatchObject({ action: 'order.address_changed', fromState: 'pending_payment', toState: 'pending_payment', actorType: 'customer', automatic: false });
    expect(events.at(-1).reason).toBe('北京市北京市朝阳区 -> 上海市上海市浦东新区');
    const row = (await h.haoka.deps.store.assistant.listOffers(order.id)).find((o) => o.id === offer.offerId)!;
    expect(row).toMatchObject({ kind: 'change_address', status: 'accepted' });
  });

  it('changes the address of a paid order too, and an agent may do it for the customer', async () => {
    const { token, order } = await orderIn(h, 'paid');
    const agent = await h.staff('agent');
    const res = await h.post(`/api/v1/orders/${order.id}/address`, agent, { address: NEW_ADDRESS });
    expect(res.statusCode).toBe(200);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, token)).address).toEqual(NEW_ADDRESS);
    expect(json(await h.get(`/api/v1/orders/${order.id}/events`, token)).events.at(-1)).toMatchObject({ action: 'order.address_changed', actorType: 'agent' });
  });

  it('refuses an address change from packing on, the same address, or a stranger, and writes nothing', async () => {
    for (const state of ['packing', 'shipped', 'delivered', 'cancelled'] as const) {
      const { token, order } = await orderIn(h, state);
      const before = await h.snapshot();
      const res = await h.post(`/api/v1/orders/${order.id}/address`, token, { address: NEW_ADDRESS });
      expect(res.statusCode).toBe(409);
      expect(json(res).error.code).toBe('ORDER.NOT_CHANGEABLE');
      expect(await h.snapshot()).toEqual(before);
    }
    const { token, order } = await orderIn(h, 'pending_payment');
    const same = await h.post(`/api/v1/orders/${order.id}/address`, token, { address: ADDRESS });
    expect(json(same).error.code).toBe('ORDER.UNCHANGED');
    const stranger = await h.customer();
    expect((await h.post(`/api/v1/orders/${order.id}/address`, stranger.token, { address: NEW_ADDRESS })).statusCode).toBe(404);
    expect((await h.post(`/api/v1/orders/${order.id}/address`, token, { address: { ...NEW_ADDRESS, detail: '' } })).statusCode).toBe(400);
  });

  it('switches an unpaid order to another plan of the same carrier, keeping the number and re-pricing it', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const numberFen = order.amountFen; // cm-58 itself costs nothing: the order's amount is the number's price
    const offer = (await alternatives(token, order.id, '套餐选错了')).alternatives.find((x: any) => x.kind === 'switch_plan');
    const res = await h.post(`/api/v1/orders/${order.id}/plan`, token, { planId: 'cm-129' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ state: 'pending_payment', number: order.number, amountFen: 5000 + numberFen, plan: { id: 'cm-129' } });
    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, token)).events;
    expect(events.at(-1)).toMatchObject({ action: 'order.plan_switched', reason: `cm-58 -> cm-129; ${numberFen} -> ${5000 + numberFen} fen` });
    expect((await h.haoka.deps.store.assistant.listOffers(order.id)).find((o) => o.id === offer.offerId)).toMatchObject({ status: 'accepted' });
  });

  it('refuses a plan of another carrier, an unknown plan, the same plan, or a paid order', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const cases: [unknown, number, string][] = [
      [{ planId: 'cu-39' }, 422, 'PLAN.CARRIER_MISMATCH'],
      [{ planId: 'no-such-plan' }, 404, 'PLAN.NOT_FOUND'],
      [{ planId: 'cm-58' }, 422, 'ORDER.UNCHANGED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await h.post(`/api/v1/orders/${order.id}/plan`, token, body);
      expect([res.statusCode, json(res).error.code]).toEqual([status, code]);
    }
    const paid = await orderIn(h, 'paid');
    const res = await h.post(`/api/v1/orders/${paid.order.id}/plan`, paid.token, { planId: 'cm-129' });
    expect([res.statusCode, json(res).error.code]).toEqual([409, 'ORDER.NOT_CHANGEABLE']);
  });

  it('does not let a payment opened at the old price pay the re-priced order: that money is refunded', async () => {
    const { token, order } = await orderIn(h, 'pending_payment', { planId: 'cm-129' });
    const payment = json(await h.post(`/api/v1/orders/${order.id}/payments`, token, { channel: 'alipay' }));
    expect(payment.amountFen).toBe(order.amountFen);
    expect((await h.post(`/api/v1/orders/${order.id}/plan`, token, { planId: 'cm-58' })).statusCode).toBe(200);
    const d = h.haoka.sims.payments.alipay.pay(payment.paymentNo) as SignedDelivery;
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/alipay', headers: d.headers, payload: d.body });
    expect(json(res).outcome).toBe('refunded_late_payment');
    expect(json(await h.get(`/api/v1/orders/${order.id}`, token))).toMatchObject({ state: 'pending_payment', amountFen: order.amountFen - 5000 });
    const refunds = await h.haoka.deps.store.refunds.listRefunds(order.id);
    expect(refunds.map((r) => r.amount_fen)).toEqual([order.amountFen]);
  });

  it('accepting "keep the order and contact an agent" puts a ticket in the agents\' queue', async () => {
    const { token, order } = await orderIn(h, 'shipped');
    const [offer] = (await alternatives(token, order.id, '发货太慢了')).alternatives;
    expect(offer).toMatchObject({ kind: 'contact_agent', fits: true });
    const res = json(await h.post(`/api/v1/orders/${order.id}/alternatives/${offer.offerId}`, token, { answer: 'accepted' }));
    expect(res).toMatchObject({ kind: 'contact_agent', status: 'accepted', ticketId: expect.stringMatching(/^TK/) });
    const agent = await h.staff('agent');
    const [t] = json(await h.get(`/api/v1/agent/tickets?orderId=${order.id}`, agent)).tickets;
    expect(t).toMatchObject({ id: res.ticketId, source: 'alternative_contact_agent', conversationId: null, messages: [] });
    expect(t.summary).toContain('delivery_too_slow');
  });
});

describe('declining and cancelling', () => {
  it('declines one offer, refuses a second different answer, and points to the cancellation', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    const [offer] = (await alternatives(token, order.id)).alternatives;
    const declined = json(await h.post(`/api/v1/orders/${order.id}/alternatives/${offer.offerId}`, token, { answer: 'declined' }));
    expect(declined).toMatchObject({ status: 'declined', next: { method: 'GET', href: `/api/v1/orders/${order.id}/cancellation` } });
    expect((await h.post(`/api/v1/orders/${order.id}/alternatives/${offer.offerId}`, token, { answer: 'declined' })).statusCode).toBe(200);
    const changed = await h.post(`/api/v1/orders/${order.id}/alternatives/${offer.offerId}`, token, { answer: 'accepted' });
    expect([changed.statusCode, json(changed).error.code]).toEqual([409, 'ALTERNATIVE.ALREADY_ANSWERED']);
    const missing = await h.post(`/api/v1/orders/${order.id}/alternatives/AO-NOPE`, token, { answer: 'accepted' });
    expect([missing.statusCode, json(missing).error.code]).toEqual([404, 'ALTERNATIVE.NOT_FOUND']);
  });

  it('"no thanks, cancel": declines every offer, then the cancel goes through with its reason classified', async () => {
    const { token, order, customerId } = await orderIn(h, 'pending_payment');
    await alternatives(token, order.id, '我在别家找到更便宜的了');
    const declined = json(await h.post(`/api/v1/orders/${order.id}/alternatives/decline`, token));
    expect(declined).toEqual({ declined: 4, next: { method: 'GET', href: `/api/v1/orders/${order.id}/cancellation` } });
    const offers = await h.haoka.deps.store.assistant.listOffers(order.id);
    expect(offers.map((o) => [o.status, o.answered_by, o.reason_code])).toEqual(Array(4).fill(['declined', customerId, 'found_cheaper']));
    const cancelled = await h.post(`/api/v1/orders/${order.id}/cancel`, token, { confirm: true, reason: '我在别家找到更便宜的了' });
    expect(cancelled.statusCode).toBe(200);
    const [c] = await h.haoka.deps.store.assistant.listReasonClassifications(order.id);
    expect(c).toMatchObject({ source: 'unpaid_cancel', text: '我在别家找到更便宜的了', code: 'found_cheaper' });
    expect(Number(c!.confidence)).toBeGreaterThan(0.35);
  });

  it('cancelling with offers still open records them as declined', async () => {
    const { token, order } = await orderIn(h, 'pending_payment');
    await alternatives(token, order.id);
    await h.post(`/api/v1/orders/${order.id}/cancel`, token, { confirm: true });
    const offers = await h.haoka.deps.store.assistant.listOffers(order.id);
    expect(offers).toHaveLength(4);
    expect(offers.map((o) => o.status)).toEqual(['declined', 'declined', 'declined', 'declined']);
    expect(await h.haoka.deps.store.assistant.listReasonClassifications(order.id)).toEqual([]);
  });

  it('shows operators why customers cancel, per reason code', async () => {
    h.clock.advance(1000);
    const since = h.clock.now();
    const reasons = ['地址写错了', '太贵了', '重复下单了'];
    for (const reason of reasons) {
      const { token, order } = await orderIn(h, 'pending_payment');
      expect((await h.post(`/api/v1/orders/${order.id}/cancel`, token, { confirm: true, reason })).statusCode).toBe(200);
    }
    const op = await h.staff('operator');
    const report = json(await h.get(`/api/v1/reports/cancellation-reasons?from=${since}`, op));
    const count = Object.fromEntries(report.reasons.map((r: any) => [r.code, r.count]));
    expect(count).toMatchObject({ wrong_address: 1, price: 1, duplicate_order: 1 });
    expect(report.total).toBe(3);
    const customer = await h.customer();
    expect((await h.get('/api/v1/reports/cancellation-reasons', customer.token)).statusCode).toBe(403);
    expect((await h.get('/api/v1/reports/cancellation-reasons', await h.staff('agent'))).statusCode).toBe(403);
  });

  it('writes nothing when the alternatives of a stranger\'s order are asked for', async () => {
    const { order } = await orderIn(h, 'pending_payment');
    const stranger = await h.customer();
    const before = await assistantRows(h);
    expect((await h.get(`/api/v1/orders/${order.id}/alternatives`, stranger.token)).statusCode).toBe(404);
    expect((await h.post(`/api/v1/orders/${order.id}/alternatives/decline`, stranger.token)).statusCode).toBe(404);
    expect(await assistantRows(h)).toEqual(before);
  });
});
