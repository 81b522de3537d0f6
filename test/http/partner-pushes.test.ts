// Partners' pushes are claims: a signed push is still refused when its kind is unknown, its time lies outside the
// order's current state (or ahead of now), its text is oversized or not one line, it would take the order back or
// skip a step, or it names no order. A refusal answers 4xx with a code, writes nothing, shows nothing, and is
// logged (order id and code, no personal data) and counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { LightMyRequestResponse } from 'fastify';
import { Writable } from 'node:stream';
import { logOptions } from '../../src/adapters/log.ts';
import type { SignedDelivery } from '../../src/adapters/payment/simulator.ts';
import { applyCourierNotice } from '../../src/app/after-sales/courier-callback.ts';
import { activatedOrder, deliveredOrder, pick, shippedOrder } from '../fixtures/after-sales.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
const lines: string[] = [];
const sink = new Writable({ write(chunk, _enc, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
beforeAll(async () => { h = await startHarness({}, { log: pino(logOptions('info'), sink) }); });
afterAll(async () => { await h?.close(); });

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const COURIER = '/api/v1/courier/callback';
const CARRIER = '/api/v1/carrier/callback';
const post = (url: string, d: SignedDelivery) => h.app.inject({ method: 'POST', url, headers: d.headers, payload: d.body });
/** A body of our choosing, signed by the partner's own simulator (its key, a fresh nonce). */
const courierSigned = (body: object) => h.haoka.sims.courier.resend({ headers: {}, body: JSON.stringify(body) }, { send: false });
const carrierSigned = (body: object) => h.haoka.sims.carrier!.resend({ body: JSON.stringify(body) }, { send: false });
const refusal = (r: LightMyRequestResponse) => [r.statusCode, json(r).error?.code];
const refusalLogs = () => lines.filter((l) => l.includes('"msg":"partner push refused"')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the time a push claims', () => {
  it('refuses an activation dated three years back: the line stays unactivated and the closure penalty covers the whole contract', async () => {
    const { c, order } = await deliveredOrder(h, 'cm-129');
    const carrier = h.haoka.sims.carrier!;
    const before = await h.snapshot();
    const backdated = await carrier.activate(order.number, { send: false, at: h.clock.now() - 3 * 365 * DAY });
    expect(refusal(await post(CARRIER, backdated))).toEqual([422, 'CALLBACK.TIME_OUT_OF_RANGE']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'delivered', activatedAt: null });
    // Logged with the order and the code, never with the line's phone number.
    const logged = refusalLogs().find((l) => l.orderId === order.id);
    expect(logged).toMatchObject({ source: 'carrier', code: 'CALLBACK.TIME_OUT_OF_RANGE', orderId: order.id });
    expect(lines.filter((l) => l.includes('partner push refused')).join('\n')).not.toContain(order.number);

    // The genuine activation, now: 24 months still to run, half of 129 yuan a month for 23 whole months.
    await carrier.activate(order.number);
    const preview = json(await h.get(`/api/v1/orders/${order.id}/cancellation`, c.token));
    expect(preview).toMatchObject({ path: 'close_account', consequences: { penaltyFen: 148_350 } });
  });

  it('refuses a delivered scan dated 300 days ahead: the return window counts from the real delivery', async () => {
    const { c, order, trackingNo } = await shippedOrder(h, 'cm-58');
    const courier = h.haoka.sims.courier;
    const before = await h.snapshot();
    const ahead = await courier.event(trackingNo, 'delivered', { send: false, at: h.clock.now() + 300 * DAY });
    expect(refusal(await post(COURIER, ahead))).toEqual([422, 'CALLBACK.TIME_OUT_OF_RANGE']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'shipped', deliveredAt: null });

    h.clock.advance(2 * HOUR);
    // A partner's clock a little ahead of ours is not a claim about the future.
    expect(json(await post(COURIER, await courier.event(trackingNo, 'delivered', { send: false, at: h.clock.now() + 4 * MIN }))).outcome).toBe('applied');
    const delivered = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(delivered).toMatchObject({ state: 'delivered', deliveredAt: h.clock.now() + 4 * MIN, cancellation: { action: 'return_unactivated', validUntil: h.clock.now() + 4 * MIN + 15 * DAY } });
  });

  it('refuses a scan dated before the parcel left', async () => {
    const { order, trackingNo } = await shippedOrder(h);
    const early = await h.haoka.sims.courier.event(trackingNo, 'picked_up', { send: false, at: h.clock.now() - DAY });
    expect(refusal(await post(COURIER, early))).toEqual([422, 'CALLBACK.TIME_OUT_OF_RANGE']);
    expect(refusalLogs().some((l) => l.orderId === order.id && l.code === 'CALLBACK.TIME_OUT_OF_RANGE')).toBe(true);
  });
});

describe('what a push may carry', () => {
  it('refuses an unknown kind, a time of -1e300, a 100 kB detail and control characters: nothing kept, nothing shown', async () => {
    const { c, order, trackingNo } = await shippedOrder(h);
    const scan = { event_id: 'EV-SHAPE', tracking_no: trackingNo, kind: 'in_transit', occurred_at: h.clock.now(), detail: '杭州转运中心' };
    const cases: [object, string][] = [
      [{ ...scan, kind: 'teleported' }, 'CALLBACK.UNKNOWN_KIND'],
      [{ ...scan, occurred_at: -1e300 }, 'CALLBACK.INVALID_FIELD'],
      [{ ...scan, occurred_at: 1.5e12 + 0.5 }, 'CALLBACK.INVALID_FIELD'],
      [{ ...scan, detail: 'x'.repeat(100_000) }, 'CALLBACK.INVALID_FIELD'],
      [{ ...scan, detail: '派送中\u001b[2J\r\n伪造的签收' }, 'CALLBACK.INVALID_FIELD'],
      [{ ...scan, tracking_no: `${trackingNo}<script>` }, 'CALLBACK.INVALID_FIELD'],
    ];
    const before = await h.snapshot();
    for (const [body, code] of cases) {
      const d = await courierSigned(body);
      expect(refusal(await post(COURIER, d)), JSON.stringify(body).slice(0, 80)).toEqual([422, code]);
      // The use case refuses the same bytes by itself, whichever route brings them.
      const direct = await applyCourierNotice(h.haoka.deps, d.headers, d.body);
      expect('code' in direct && direct.code).toBe(code);
    }
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}/tracking`, c.token)).events).toEqual([]);

    // The same scan within bounds joins the tracking, its detail trimmed.
    expect(json(await post(COURIER, await courierSigned({ ...scan, detail: '  杭州转运中心 ' }))).outcome).toBe('recorded');
    expect(json(await h.get(`/api/v1/orders/${order.id}/tracking`, c.token)).events).toEqual([{ kind: 'in_transit', text: '运输中', at: scan.occurred_at, detail: '杭州转运中心' }]);
  });

  it('shows rows kept before pushes were checked only as known scans with a short detail', async () => {
    const { c, order, trackingNo } = await shippedOrder(h);
    const row = (eventId: string, kind: string, detail: string) => ({ source: 'courier', event_id: eventId, order_id: order.id, ref: trackingNo, kind, detail, occurred_at: h.clock.now(), received_at: h.clock.now(), outcome: 'received' });
    await h.haoka.deps.store.database.db.insertInto('callback_events').values([row('OLD-1', 'teleported', 'x'), row('OLD-2', 'in_transit', 'z'.repeat(100_000))]).execute();
    const events = json(await h.get(`/api/v1/orders/${order.id}/tracking`, c.token)).events;
    expect(events.map((e: any) => [e.kind, e.detail.length])).toEqual([['in_transit', 200]]);
  });

  it('refuses a carrier push with an unknown status or an oversized failure reason, and tells the customer nothing', async () => {
    const { order } = await deliveredOrder(h);
    const push = { eventId: 'CE-SHAPE', number: order.number, status: 'real_name_failed', occurTime: h.clock.now(), reason: 'ID_PHOTO_MISMATCH' };
    const before = await h.snapshot();
    expect(refusal(await post(CARRIER, await carrierSigned({ ...push, status: 'ported_out' })))).toEqual([422, 'CALLBACK.UNKNOWN_KIND']);
    expect(refusal(await post(CARRIER, await carrierSigned({ ...push, reason: 'y'.repeat(100_000) })))).toEqual([422, 'CALLBACK.INVALID_FIELD']);
    expect(refusal(await post(CARRIER, await carrierSigned({ ...push, occurTime: 'yesterday' })))).toEqual([422, 'CALLBACK.INVALID_FIELD']);
    expect(await h.snapshot()).toEqual(before);
  });
});

describe('where a push may take the order', () => {
  it('refuses a delivered scan and a second activation for an activated line', async () => {
    const { c, order, trackingNo } = await activatedOrder(h, 'cm-58');
    const before = await h.snapshot();
    const lateDelivery = await courierSigned({ event_id: 'EV-LATE-DELIVERY', tracking_no: trackingNo, kind: 'delivered', occurred_at: h.clock.now(), detail: null });
    expect(refusal(await post(COURIER, lateDelivery))).toEqual([409, 'CALLBACK.OUT_OF_ORDER']);
    const again = await h.haoka.sims.carrier!.activate(order.number, { send: false });
    expect(refusal(await post(CARRIER, again))).toEqual([409, 'CALLBACK.OUT_OF_ORDER']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('activated');
    expect(refusalLogs().filter((l) => l.orderId === order.id).map((l) => l.code)).toEqual(['CALLBACK.OUT_OF_ORDER', 'CALLBACK.OUT_OF_ORDER']);
  });

  it('refuses an activation of a card still being packed: it would skip shipping and delivery', async () => {
    const agent = await h.staff('agent');
    const c = await h.customer();
    const number = await h.freeNumber('china_mobile');
    const { order } = await h.paidOrder(c.token, { planId: 'cm-58', numberId: number.id });
    await pick(h, order.id, agent);
    expect((await h.post(`/api/v1/agent/orders/${order.id}/start-packing`, agent)).statusCode).toBe(200);
    const before = await h.snapshot();
    expect(refusal(await post(CARRIER, await h.haoka.sims.carrier!.activate(order.number, { send: false })))).toEqual([409, 'CALLBACK.OUT_OF_ORDER']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('packing');
  });

  it('still takes an activation that overtakes the delivered scan, and an activation dated between the delivery and its late scan', async () => {
    const { c, order, trackingNo } = await shippedOrder(h, 'cm-58');
    h.clock.advance(HOUR);
    const activatedAt = h.clock.now() - 10 * MIN;
    expect(json(await post(CARRIER, await h.haoka.sims.carrier!.activate(order.number, { send: false, at: activatedAt }))).outcome).toBe('applied');
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'activated', deliveredAt: activatedAt, activatedAt });
    // The courier's delivered scan arrives after the activation it preceded: the order does not go back.
    const late = await h.haoka.sims.courier.event(trackingNo, 'delivered', { send: false, at: activatedAt - MIN });
    expect(refusal(await post(COURIER, late))).toEqual([409, 'CALLBACK.OUT_OF_ORDER']);

    // Delivered at 10:00 by the courier's clock, our copy at 10:30; the carrier activated at 10:20: in order.
    const second = await shippedOrder(h, 'cm-58');
    const deliveredAt = h.clock.now();
    h.clock.advance(30 * MIN);
    expect(json(await post(COURIER, await h.haoka.sims.courier.event(second.trackingNo, 'delivered', { send: false, at: deliveredAt }))).outcome).toBe('applied');
    expect(json(await post(CARRIER, await h.haoka.sims.carrier!.activate(second.order.number, { send: false, at: deliveredAt + 20 * MIN }))).outcome).toBe('applied');
    expect(json(await h.get(`/api/v1/orders/${second.order.id}`, second.c.token))).toMatchObject({ state: 'activated', deliveredAt, activatedAt: deliveredAt + 20 * MIN });
  });
});

describe('pushes about nothing we know', () => {
  it('answers an unknown waybill, line or payment with its code and creates no row anywhere', async () => {
    const before = await h.snapshot();
    const parcel = await courierSigned({ event_id: 'EV-NOBODY', tracking_no: 'YT99999999999', kind: 'delivered', occurred_at: h.clock.now(), detail: null });
    expect(refusal(await post(COURIER, parcel))).toEqual([404, 'PARCEL.NOT_FOUND']);
    const line = await carrierSigned({ eventId: 'CE-NOBODY', number: '19900000000', status: 'activated', occurTime: h.clock.now() });
    expect(refusal(await post(CARRIER, line))).toEqual([404, 'ORDER.NOT_FOUND']);
    const sim = h.haoka.sims.payments.alipay;
    const payment = sim.sign(JSON.stringify({ payment_no: 'PAYNOSUCHPAYMENT', trade_no: 'ALIPAY-X', amount_fen: 100, trade_state: 'SUCCESS' }), h.clock.now(), 'nonce-nobody-0001');
    expect(refusal(await post('/api/v1/payments/callback/alipay', payment))).toEqual([404, 'PAYMENT.NOT_FOUND']);
    expect(await h.snapshot()).toEqual(before);
  });
});

describe('payment notices', () => {
  it('refuses an unknown trade state, a negative or absurd amount, and a second trade for a paid payment', async () => {
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token, { planId: 'cm-129' }));
    expect(order.amountFen).toBeGreaterThan(0);
    const opened = json(await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'alipay' }));
    const sim = h.haoka.sims.payments.alipay;
    const url = '/api/v1/payments/callback/alipay';
    let n = 0;
    const signed = (body: object) => sim.sign(JSON.stringify(body), h.clock.now(), `nonce-claims-${String(++n).padStart(4, '0')}`);
    const notice = { payment_no: opened.paymentNo, trade_no: 'ALIPAY-T-1', amount_fen: order.amountFen, trade_state: 'SUCCESS' };
    const before = await h.snapshot();
    expect(refusal(await post(url, signed({ ...notice, trade_state: 'TRADE_CLOSED' })))).toEqual([422, 'CALLBACK.UNKNOWN_KIND']);
    expect(refusal(await post(url, signed({ ...notice, amount_fen: -order.amountFen })))).toEqual([422, 'CALLBACK.INVALID_FIELD']);
    expect(refusal(await post(url, signed({ ...notice, amount_fen: 1e300 })))).toEqual([422, 'CALLBACK.INVALID_FIELD']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('pending_payment');

    expect(json(await post(url, signed(notice))).outcome).toBe('paid');
    const paid = await h.snapshot();
    expect(refusal(await post(url, signed({ ...notice, trade_no: 'ALIPAY-T-2' })))).toEqual([409, 'PAYMENT.TRADE_MISMATCH']);
    expect(await h.snapshot()).toEqual(paid);
    // The same trade told again is a resend: acknowledged, nothing twice.
    expect(json(await post(url, signed(notice))).outcome).toBe('duplicate');
  });
});

describe('refund notices', () => {
  it('refuses a refund result naming another channel refund than the one the channel gave us', async () => {
    const wechat = h.haoka.sims.payments.wechat;
    // Money that arrives after the customer cancelled is refunded: the quickest way to a refund in flight.
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token, { planId: 'cm-129' }));
    const { paymentNo } = json(await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'wechat' }));
    expect((await h.post(`/api/v1/orders/${order.id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    expect('kind' in wechat.pay(paymentNo)).toBe(false);
    expect(json(await post('/api/v1/payments/callback/wechat', wechat.notification(paymentNo) as SignedDelivery)).outcome).toBe('refunded_late_payment');
    await h.haoka.worker.drain();
    const [refundNo] = wechat.settleRefunds();
    const [ours] = await h.haoka.deps.store.refunds.listRefunds(order.id);
    expect(ours?.channel_refund_no).toBeTruthy();
    // The channel's record now names some other refund of its own: the notice is about other money.
    wechat.refunds.get(refundNo!)!.channelRefundNo = 'WECHATRF-SOMEONE-ELSE';
    const before = await h.snapshot();
    expect(refusal(await post('/api/v1/refunds/callback/wechat', wechat.refundNotification(refundNo!) as SignedDelivery))).toEqual([422, 'PAYMENT.CHANNEL_MISMATCH']);
    expect(await h.snapshot()).toEqual(before);
    expect(refusalLogs().some((l) => l.source === 'refund' && l.orderId === order.id && l.code === 'PAYMENT.CHANNEL_MISMATCH')).toBe(true);
  });
});

describe('refusals are counted', () => {
  it('shows refused pushes by partner and code on /metrics', async () => {
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/haoka_push_refusals_total\{source="carrier",code="CALLBACK.TIME_OUT_OF_RANGE"\} [1-9]/);
    expect(metrics).toMatch(/haoka_push_refusals_total\{source="courier",code="CALLBACK.UNKNOWN_KIND"\} [1-9]/);
    expect(metrics).toMatch(/haoka_push_refusals_total\{source="payment",code="PAYMENT.TRADE_MISMATCH"\} [1-9]/);
  });
});
