// Parcels through Kuaidi100, end to end over HTTP: the order ships under an e-waybill number from the fake
// Kuaidi100, the outbox subscribes it, the fake pushes each scan (a form signed MD5(param + salt)) to our
// callback, the customer reads the stored scans, and an interception's result comes back by callback.
// Pushes that contradict the order are refused (4xx, result false) and write nothing; a replay changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS, pick, shippedOrder } from '../fixtures/after-sales.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import type { FakeKuaidi100, SentPush } from '../../src/adapters/courier/kuaidi100/fake/fake-kuaidi100.ts';
import { pushSign } from '../../src/adapters/courier/kuaidi100/protocol.ts';
import { DEMO_KUAIDI100 } from '../../src/adapters/courier/kuaidi100/fake/demo-account.ts';
import { pushRefusalCounts } from '../../src/app/platform/push-refusals.ts';

let h: Harness;
let fake: FakeKuaidi100;
beforeAll(async () => {
  h = await startHarness({}, { courier: 'kuaidi100' });
  fake = h.haoka.sims.kuaidi100!;
});
afterAll(async () => { await h?.close(); });

const CALLBACK = '/api/v1/courier/kuaidi100/callback';
const push = (body: string) => h.app.inject({ method: 'POST', url: CALLBACK, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
const kinds = async (orderId: string, token: string) => json(await h.get(`/api/v1/orders/${orderId}/tracking`, token)).events.map((e: any) => e.kind);
const refusals = (code: string) => pushRefusalCounts().find((r) => r.source === 'courier' && r.code === code)?.count ?? 0;

/** Pushes the fake makes while this runs are kept, not delivered (a push delayed in the network). */
async function held<T>(fn: () => Promise<T>): Promise<T> {
  const deliver = fake.deliver;
  fake.deliver = async () => false;
  try {
    return await fn();
  } finally {
    fake.deliver = deliver;
  }
}

/** Shipped under a Kuaidi100 e-waybill, and subscribed by the outbox. */
async function tracked(planId = 'cm-58') {
  const s = await shippedOrder(h, planId);
  expect(s.trackingNo).toMatch(/^SF\d{12}$/);
  expect(fake.parcels.get(s.trackingNo)).toMatchObject({ orderId: s.order.id, subscription: null });
  await h.haoka.worker.drain();
  expect(fake.parcels.get(s.trackingNo)?.subscription).toMatchObject({ status: 'polling', salt: DEMO_KUAIDI100.salt, callbackurl: expect.stringContaining(CALLBACK) });
  return s;
}

describe('tracking through Kuaidi100', () => {
  it('stores each pushed scan for the order page and answers Kuaidi100 what it expects; the signed-for push delivers the order', async () => {
    const { c, order, trackingNo } = await tracked();
    for (const kind of ['picked_up', 'in_transit', 'out_for_delivery'] as const) {
      h.clock.advance(3_600_000);
      const sent = await fake.event(trackingNo, kind);
      expect(sent?.acknowledged).toBe(true);
    }
    const answer = await push(fake.sent.at(-1)!.body);
    expect([answer.statusCode, answer.json()]).toEqual([200, { result: true, returnCode: '200', message: '成功' }]);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('shipped');
    h.clock.advance(3_600_000);
    await fake.event(trackingNo, 'delivered');
    const tracking = json(await h.get(`/api/v1/orders/${order.id}/tracking`, c.token));
    expect(tracking.events.map((e: any) => e.kind)).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'delivered']);
    expect(tracking.events[1]).toMatchObject({ text: '运输中', detail: expect.stringContaining('集散中心') });
    // Kuaidi100 writes seconds; the delivery is dated within the second it happened.
    expect(tracking.deliveredAt - h.clock.now()).toBeGreaterThanOrEqual(0);
    expect(tracking.deliveredAt - h.clock.now()).toBeLessThan(1000);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('delivered');
  });

  it('acknowledges a replayed push and changes nothing', async () => {
    const { c, order, trackingNo } = await tracked();
    h.clock.advance(60_000);
    const first = (await fake.event(trackingNo, 'picked_up'))!;
    const before = await h.snapshot();
    const again = await fake.resend(first);
    expect(again.acknowledged).toBe(true);
    expect(await h.snapshot()).toEqual(before);
    expect(await kinds(order.id, c.token)).toEqual(['picked_up']);
  });

  it('refuses a forged push, a waybill we never issued, and an older view of the track, writing nothing', async () => {
    const { c, order, trackingNo } = await tracked();
    h.clock.advance(60_000);
    const older = (await held(() => fake.event(trackingNo, 'picked_up')))!;
    h.clock.advance(60_000);
    await fake.event(trackingNo, 'in_transit');
    const before = await h.snapshot();
    const forgedBefore = refusals('CALLBACK.BAD_SIGNATURE');

    const form = new URLSearchParams(older.body);
    const forged = await push(new URLSearchParams({ sign: form.get('sign')!, param: form.get('param')!.replace('"state":"1"', '"state":"3"') }).toString());
    expect([forged.statusCode, forged.json().result, forged.json().error.code]).toEqual([401, false, 'CALLBACK.BAD_SIGNATURE']);
    expect(refusals('CALLBACK.BAD_SIGNATURE')).toBe(forgedBefore + 1);

    // The picked-up view, delayed in the network, arrives after the in-transit one: the track would move backwards.
    const stale = await push(older.body);
    expect([stale.statusCode, stale.json().error.code]).toEqual([409, 'CALLBACK.OUT_OF_ORDER']);

    // A waybill Kuaidi100 tracks for someone, signed with our salt, that no order of ours ships under.
    const stranger = (fake.labelOrder({ kuaidicom: 'shunfeng' }).data as { kuaidinum: string }).kuaidinum;
    expect(await h.haoka.deps.courier.subscribe!({ trackingNo: stranger, orderId: 'none' })).toEqual({ status: 'subscribed' });
    const unknown = (await held(() => fake.event(stranger, 'delivered')))!;
    const unknownAnswer = await push(unknown.body);
    expect([unknownAnswer.statusCode, unknownAnswer.json().error.code]).toEqual([404, 'PARCEL.NOT_FOUND']);

    // A form that is not Kuaidi100's at all.
    const param = JSON.stringify({ hello: 'world' });
    const strange = await push(new URLSearchParams({ sign: pushSign(param, DEMO_KUAIDI100.salt), param }).toString());
    expect(strange.statusCode).toBe(422);

    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('shipped');
    expect(await kinds(order.id, c.token)).toEqual(['in_transit']);
  });

  it('refuses a parcel signed for before it left us', async () => {
    const { c, order, trackingNo } = await tracked();
    const before = await h.snapshot();
    const early = (await held(() => fake.event(trackingNo, 'delivered', { at: h.clock.now() - 3_600_000 })))!;
    const answer = await push(early.body);
    expect([answer.statusCode, answer.json().error.code]).toEqual([422, 'CALLBACK.TIME_OUT_OF_RANGE']);
    expect(await h.snapshot()).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'shipped', deliveredAt: null });
  });
});

describe('subscription by the outbox', () => {
  it('is tried again while Kuaidi100 is busy, and once subscribed the parcel\u2019s scans come', async () => {
    const s = await shippedOrder(h);
    fake.failNext = 1;
    await h.haoka.worker.drain();
    expect(fake.parcels.get(s.trackingNo)?.subscription).toBeNull();
    h.clock.advance(3_600_000);
    await h.haoka.worker.drain();
    expect(fake.parcels.get(s.trackingNo)?.subscription).toMatchObject({ status: 'polling' });
    h.clock.advance(60_000);
    await fake.event(s.trackingNo, 'picked_up');
    expect(await kinds(s.order.id, s.c.token)).toEqual(['picked_up']);
  });
});

describe('e-waybills', () => {
  it('a busy e-waybill API leaves the parcel packing and tells the agent to try again', async () => {
    const agent = await h.staff('agent');
    const c = await h.customer();
    const { order } = await h.paidOrder(c.token);
    await pick(h, order.id, agent);
    expect((await h.post(`/api/v1/agent/orders/${order.id}/start-packing`, agent)).statusCode).toBe(200);
    fake.failNext = 1;
    const busy = await h.post(`/api/v1/agent/orders/${order.id}/hand-to-courier`, agent);
    expect([busy.statusCode, json(busy).error.code]).toEqual([503, 'COURIER.UNAVAILABLE']);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'packing', trackingNo: null });
    expect(json(await h.post(`/api/v1/agent/orders/${order.id}/hand-to-courier`, agent))).toMatchObject({ state: 'shipped', trackingNo: expect.stringMatching(/^SF/) });
  });
});

describe('when a push does not come', () => {
  it('an agent asks Kuaidi100 for the track now; its newest scan is applied once and the late push is a duplicate', async () => {
    const { c, agent, order, trackingNo } = await tracked();
    h.clock.advance(60_000);
    await fake.event(trackingNo, 'picked_up');
    h.clock.advance(60_000);
    const lost = (await held(() => fake.event(trackingNo, 'in_transit')))!;
    expect(await kinds(order.id, c.token)).toEqual(['picked_up']);
    const refreshed = await h.post(`/api/v1/agent/orders/${order.id}/tracking/refresh`, agent);
    expect([refreshed.statusCode, json(refreshed)]).toEqual([200, { orderId: order.id, outcome: 'recorded' }]);
    expect(await kinds(order.id, c.token)).toEqual(['picked_up', 'in_transit']);
    expect(json(await h.post(`/api/v1/agent/orders/${order.id}/tracking/refresh`, agent)).outcome).toBe('duplicate');
    expect((await push(lost.body)).json()).toEqual({ result: true, returnCode: '200', message: '成功' });
    expect(await kinds(order.id, c.token)).toEqual(['picked_up', 'in_transit']);
    // Kuaidi100 unreachable: nothing known, nothing written.
    fake.failNext = 1;
    const busy = await h.post(`/api/v1/agent/orders/${order.id}/tracking/refresh`, agent);
    expect([busy.statusCode, json(busy).error.code]).toEqual([503, 'COURIER.UNAVAILABLE']);
    // A customer cannot ask for it.
    expect((await h.post(`/api/v1/agent/orders/${order.id}/tracking/refresh`, c.token)).statusCode).toBe(403);
  });

  it('shows trouble on the way (疑难) without moving the order', async () => {
    const { c, order, trackingNo } = await tracked();
    h.clock.advance(60_000);
    await fake.event(trackingNo, 'exception');
    const tracking = json(await h.get(`/api/v1/orders/${order.id}/tracking`, c.token));
    expect(tracking.events).toEqual([expect.objectContaining({ kind: 'exception', text: '派送异常', detail: expect.stringContaining('无法接通') })]);
    expect(tracking.state).toBe('shipped');
  });
});

describe('interception through Kuaidi100 (拦截改址)', () => {
  /** A shipped, tracked order whose cancellation an agent approved: the outbox sent the interception. */
  async function intercepting() {
    const s = await tracked('cm-129');
    h.clock.advance(60_000);
    await fake.event(s.trackingNo, 'in_transit');
    const applied = json(await h.post(`/api/v1/orders/${s.order.id}/cancellation-requests`, s.c.token, { reasonCode: 'changed_mind' }));
    expect(applied.path).toBe('interception');
    expect((await h.post(`/api/v1/cancellation-requests/${applied.request.id}/identity`, s.c.token, { residentId: s.residentId })).statusCode).toBe(200);
    expect((await h.post(`/api/v1/agent/requests/${applied.request.id}/approve`, s.agent, {})).statusCode).toBe(200);
    await h.haoka.worker.drain();
    expect(fake.parcels.get(s.trackingNo)?.interception).toMatchObject({ interceptType: 'RETURN_SEND_ADDR', answered: null });
    return { ...s, requestId: applied.request.id as string };
  }
  const request = async (s: { c: { token: string }; requestId: string }) => json(await h.get(`/api/v1/cancellation-requests/${s.requestId}`, s.c.token));

  it('accepted: the result arrives by callback, the parcel comes back to the warehouse and the order closes after inspection', async () => {
    const s = await intercepting();
    h.clock.advance(60_000);
    const [result] = await fake.answerInterceptions();
    expect(result?.acknowledged).toBe(true);
    expect(await request(s)).toMatchObject({ state: 'approved', interception: 'accepted' });
    h.clock.advance(3_600_000);
    await fake.event(s.trackingNo, 'in_transit');
    h.clock.advance(3_600_000);
    await fake.event(s.trackingNo, 'returned_to_sender');
    const [ret] = json(await h.get(`/api/v1/orders/${s.order.id}/returns`, s.agent)).returns;
    expect(ret).toMatchObject({ kind: 'intercepted', state: 'received' });
    const inspected = json(await h.post(`/api/v1/agent/returns/${ret.id}/inspect`, s.agent, { checklist: ALL_CHECKS }));
    expect(inspected).toMatchObject({ order: { state: 'cancelled', closeReason: 'intercepted' } });
    expect(await kinds(s.order.id, s.c.token)).toEqual(['in_transit', 'interception_accepted', 'in_transit', 'returned_to_sender']);
  });

  it('refused because the parcel is already out for delivery: the request is superseded', async () => {
    const s = await intercepting();
    h.clock.advance(60_000);
    await fake.event(s.trackingNo, 'out_for_delivery');
    h.clock.advance(60_000);
    await fake.answerInterceptions();
    expect(await request(s)).toMatchObject({ state: 'superseded', interception: 'refused' });
    expect(json(await h.get(`/api/v1/orders/${s.order.id}`, s.c.token)).state).toBe('shipped');
  });

  it('too late: signed for before the courier answered; the late refusal is acknowledged and changes nothing', async () => {
    const s = await intercepting();
    h.clock.advance(60_000);
    await fake.event(s.trackingNo, 'delivered');
    expect(await request(s)).toMatchObject({ state: 'superseded', interception: 'refused' });
    const before = await h.snapshot();
    h.clock.advance(60_000);
    const [late] = await fake.answerInterceptions() as SentPush[];
    expect(late?.acknowledged).toBe(true);
    expect(new URLSearchParams(late!.body).get('param')).toContain('快件已签收，无法拦截');
    const after = await h.snapshot();
    // Only the courier's answer is kept in the parcel's history.
    expect({ ...after, callback_events: before.callback_events }).toEqual(before);
    expect(json(await h.get(`/api/v1/orders/${s.order.id}`, s.c.token)).state).toBe('delivered');
  });
});

describe('the demo\u2019s warehouse and courier pages drive the fake Kuaidi100', () => {
  it('ships a packed parcel under a Kuaidi100 e-waybill, and the scans made on the simulator pages arrive as Kuaidi100 pushes', async () => {
    const agent = await h.staff('agent');
    const c = await h.customer();
    const { order } = await h.paidOrder(c.token);
    await pick(h, order.id, agent);
    expect((await h.post(`/api/v1/agent/orders/${order.id}/start-packing`, agent)).statusCode).toBe(200);
    const left = json(await h.post(`/sim/warehouse/${order.id}/ship`, null));
    expect(left).toMatchObject({ shipped: true, trackingNo: expect.stringMatching(/^SF\d{12}$/) });
    expect(fake.parcels.get(left.trackingNo)?.orderId).toBe(order.id);
    // Scanned before the outbox subscribed it: Kuaidi100 pushes the track so far once it is subscribed.
    h.clock.advance(60_000);
    expect(json(await h.post(`/sim/courier/${left.trackingNo}/picked_up`, null))).toEqual({ pushed: false });
    await h.haoka.worker.drain();
    expect(await kinds(order.id, c.token)).toEqual(['picked_up']);
    h.clock.advance(60_000);
    expect(json(await h.post(`/sim/courier/${left.trackingNo}/in_transit`, null))).toEqual({ pushed: true });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'shipped', trackingNo: left.trackingNo });
    expect(await kinds(order.id, c.token)).toEqual(['picked_up', 'in_transit']);
    expect(json(await h.post('/sim/courier/interceptions/answer', null))).toEqual({ answered: 0 });
  });
});
