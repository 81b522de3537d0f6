// Shipped orders: tracking from the courier's signed pushes, courier interception (快递拦截) accepted or refused,
// and pushes that come twice, late, out of order or forged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { ALL_CHECKS, shippedOrder } from '../fixtures/after-sales.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const post = (d: { headers: Record<string, string>; body: string }, url = '/api/v1/courier/callback') => h.app.inject({ method: 'POST', url, headers: d.headers, payload: d.body });
const actions = async (orderId: string, token: string): Promise<string[]> => json(await h.get(`/api/v1/orders/${orderId}/events`, token)).events.map((e: any) => e.action);

/** A shipped order whose cancellation request an agent approved: the courier has been asked to intercept. */
async function interceptionSent() {
  const s = await shippedOrder(h, 'cm-129');
  const applied = json(await h.post(`/api/v1/orders/${s.order.id}/cancellation-requests`, s.c.token, { reasonCode: 'changed_mind' }));
  expect(applied.path).toBe('interception');
  expect((await h.post(`/api/v1/cancellation-requests/${applied.request.id}/identity`, s.c.token, { residentId: s.residentId })).statusCode).toBe(200);
  const approved = json(await h.post(`/api/v1/agent/requests/${applied.request.id}/approve`, s.agent, {}));
  expect(approved).toMatchObject({ request: { state: 'approved', interception: 'pending' }, order: { state: 'shipped', cancellation: { progress: { stage: 'intercepting' } } } });
  await h.haoka.worker.drain();
  expect(h.haoka.sims.courier.interceptCalls.get(s.trackingNo)).toBe(1);
  return { ...s, requestId: applied.request.id as string };
}

describe('fulfilment and tracking', () => {
  it('hands a packed parcel to the courier, shows each scan on the order and moves it to delivered on the delivered scan', async () => {
    const { c, order, trackingNo } = await shippedOrder(h);
    expect(trackingNo).toMatch(/^YT\d{11}$/);
    for (const kind of ['picked_up', 'in_transit', 'out_for_delivery'] as const) {
      await h.haoka.sims.courier.event(trackingNo, kind);
      h.clock.advance(3_600_000);
    }
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('shipped');
    await h.haoka.sims.courier.event(trackingNo, 'delivered');
    const delivered = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(delivered).toMatchObject({ state: 'delivered', deliveredAt: h.clock.now(), cancellation: { label: 'review_required', action: 'return_unactivated', validUntil: h.clock.now() + 15 * 86_400_000 } });
    const tracking = json(await h.get(`/api/v1/orders/${order.id}/tracking`, c.token));
    expect(tracking.events.map((e: any) => e.kind)).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'delivered']);
    expect(tracking.events[3].text).toBe('已签收');
  });

  it('shows a customer only their own parcel', async () => {
    const { order } = await shippedOrder(h);
    const other = await h.customer();
    expect((await h.get(`/api/v1/orders/${order.id}/tracking`, other.token)).statusCode).toBe(404);
  });
});

describe('duplicate, late and out-of-order courier pushes', () => {
  it('applies a resent scan once, refuses a byte-for-byte replay, and refuses scans of a journey the parcel has finished', async () => {
    const { c, order, trackingNo } = await shippedOrder(h);
    const sim = h.haoka.sims.courier;
    const start = h.clock.now();
    const pickedUp = await sim.event(trackingNo, 'picked_up', { send: false, at: start + 1_000 });
    const inTransit = await sim.event(trackingNo, 'in_transit', { send: false, at: start + 2_000 });
    h.clock.advance(60_000);
    const delivered = await sim.event(trackingNo, 'delivered', { send: false });
    // The delivered scan overtakes the earlier ones: a scan of the journey after delivery would take the order
    // back to shipped, so it is refused (409: sent again it is still late) and never shown.
    expect(json(await post(delivered)).outcome).toBe('applied');
    for (const late of [inTransit, pickedUp]) {
      const r = await post(late);
      expect([r.statusCode, json(r).error.code]).toEqual([409, 'CALLBACK.OUT_OF_ORDER']);
    }
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('delivered');
    // The courier resends (fresh nonce): acknowledged, nothing happens twice.
    expect(json(await post(await sim.resend(delivered, { send: false }))).outcome).toBe('duplicate');
    const replay = await post(delivered);
    expect([replay.statusCode, json(replay).error.code]).toEqual([409, 'CALLBACK.REPLAYED']);
    expect((await actions(order.id, c.token)).filter((a) => a === 'order.delivered')).toHaveLength(1);
    const tracking = json(await h.get(`/api/v1/orders/${order.id}/tracking`, c.token));
    expect(tracking.events.map((e: any) => e.kind)).toEqual(['delivered']);
    expect(tracking.deliveredAt).toBe(start + 60_000);
  });

  it('refuses forged and stale pushes and writes nothing', async () => {
    const { c, order, trackingNo } = await shippedOrder(h);
    const sim = h.haoka.sims.courier;
    const genuine = await sim.event(trackingNo, 'delivered', { send: false });
    const before = await h.snapshot();
    const forgedBody = await post({ headers: genuine.headers, body: genuine.body.replace('"delivered"', '"returned_to_sender"') });
    expect([forgedBody.statusCode, json(forgedBody).error.code]).toEqual([401, 'CALLBACK.BAD_SIGNATURE']);
    const unsigned = await post({ headers: { 'content-type': 'application/json' }, body: genuine.body });
    expect(unsigned.statusCode).toBe(401);
    const wrongSig = await post({ headers: { ...genuine.headers, 'x-courier-signature': Buffer.from('x'.repeat(32)).toString('base64') }, body: genuine.body });
    expect(wrongSig.statusCode).toBe(401);
    // A courier's scan is not a carrier push: refused for its shape (no carrier status) before its signature is looked at.
    const asCarrier = await post(genuine, '/api/v1/carrier/callback');
    expect([asCarrier.statusCode, json(asCarrier).error.code]).toEqual([422, 'CALLBACK.UNKNOWN_KIND']);
    h.clock.advance(10 * 60_000);
    const stale = await post(genuine);
    expect([stale.statusCode, json(stale).error.code]).toEqual([409, 'CALLBACK.REPLAYED']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('shipped');
  });
});

describe('courier interception (快递拦截)', () => {
  it('when accepted: the parcel comes back, the card is inspected at the warehouse, the refund arrives and the request completes', async () => {
    const { c, agent, order, trackingNo, requestId } = await interceptionSent();
    await h.haoka.sims.courier.answerInterceptions();
    expect(json(await h.get(`/api/v1/cancellation-requests/${requestId}`, c.token))).toMatchObject({ state: 'approved', interception: 'accepted' });
    // Asked again (an outbox retry): still one interception for the parcel.
    expect(await h.haoka.deps.courier.intercept({ interceptNo: 'CIX', trackingNo })).toEqual({ status: 'received' });
    expect(await h.haoka.sims.courier.answerInterceptions()).toEqual([]);
    await h.haoka.sims.courier.event(trackingNo, 'returned_to_sender');
    const [ret] = json(await h.get(`/api/v1/orders/${order.id}/returns`, agent)).returns;
    expect(ret).toMatchObject({ kind: 'intercepted', state: 'received' });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('shipped');
    const inspected = json(await h.post(`/api/v1/agent/returns/${ret.id}/inspect`, agent, { checklist: ALL_CHECKS }));
    expect(inspected).toMatchObject({ return: { state: 'passed' }, order: { state: 'cancelled', closeReason: 'intercepted' } });
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/cancellation-requests/${requestId}`, c.token))).toMatchObject({ state: 'completed', numberReleased: true });
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id)).map((r) => [r.state, r.amount_fen])).toEqual([['succeeded', order.amountFen]]);
    expect(await actions(order.id, c.token)).toEqual(expect.arrayContaining(['request.intercepted', 'return.received', 'order.intercepted', 'return.passed', 'number.released', 'request.completed']));
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('when refused: the request is superseded, and after delivery the card comes back as an unactivated return', async () => {
    const { c, agent, order, trackingNo, requestId } = await interceptionSent();
    h.haoka.sims.courier.refuseNext = 1;
    await h.haoka.sims.courier.answerInterceptions();
    expect(json(await h.get(`/api/v1/cancellation-requests/${requestId}`, c.token))).toMatchObject({ state: 'superseded', interception: 'refused' });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('shipped');
    await h.haoka.sims.courier.event(trackingNo, 'delivered');
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'delivered', cancellation: { action: 'return_unactivated' } });
    const ret = json(await h.post(`/api/v1/orders/${order.id}/returns`, c.token, { reasonCode: 'changed_mind' }));
    expect(ret).toMatchObject({ kind: 'unactivated', state: 'awaiting_parcel' });
    expect((await h.post(`/api/v1/returns/${ret.id}/tracking`, c.token, { trackingNo: 'SF1234567890' })).statusCode).toBe(200);
    const inspected = json(await h.post(`/api/v1/agent/returns/${ret.id}/inspect`, agent, { checklist: ALL_CHECKS }));
    expect(inspected.order).toMatchObject({ state: 'cancelled', closeReason: 'returned' });
    await h.haoka.worker.drain();
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id)).map((r) => r.state)).toEqual(['succeeded']);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('ends the interception when the parcel is delivered before the courier could turn it back', async () => {
    const { c, order, trackingNo, requestId } = await interceptionSent();
    await h.haoka.sims.courier.event(trackingNo, 'delivered');
    expect(json(await h.get(`/api/v1/cancellation-requests/${requestId}`, c.token))).toMatchObject({ state: 'superseded', interception: 'refused' });
    // The courier's late answer finds nothing left to decide.
    const [late] = await h.haoka.sims.courier.answerInterceptions({ send: false });
    expect(json(await post(late!)).outcome).toBe('recorded');
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('delivered');
  });
});
