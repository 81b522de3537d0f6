// Picking (拣货): the agent takes the SIM card for a paid order's number from stock and records its ICCID before
// packing. The order stays `paid`; packing needs a picked card; a cancellation approved before packing puts the
// card back in stock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { luhnCheckDigit } from '../../src/domain/iccid.ts';
import { nextIccid, pick } from '../fixtures/after-sales.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
let agent: string;
beforeAll(async () => {
  h = await startHarness();
  agent = await h.staff('agent');
  // Every cancellation here goes to an agent: express refunds (no review) are off.
  const patched = await h.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { authorization: `Bearer ${await h.staff('operator')}`, 'content-type': 'application/json' }, payload: JSON.stringify({ expressRefundMaxFen: 0 }) });
  expect(patched.statusCode).toBe(200);
});
afterAll(async () => { await h?.close(); });

const actions = async (orderId: string) => json(await h.get(`/api/v1/orders/${orderId}/events`, agent)).events.map((e: any) => e.action);

describe('picking the card before packing', () => {
  it('records the ICCID and when, keeps the order paid, audits the pick, and only then lets packing start', async () => {
    const c = await h.customer();
    const { order } = await h.paidOrder(c.token, { planId: 'cm-129' });
    const early = await h.post(`/api/v1/agent/orders/${order.id}/start-packing`, agent);
    expect([early.statusCode, json(early).error.code]).toEqual([409, 'FULFILMENT.NOT_PICKED']);
    h.clock.advance(60_000);
    const iccid = nextIccid();
    // Printed cards group the digits; the number is kept without the spaces.
    const picked = await pick(h, order.id, agent, iccid.replace(/(\d{4})/g, '$1 ').trim());
    expect(picked).toMatchObject({ state: 'paid', iccid, pickedAt: h.clock.now(), cancellation: { label: 'review_required' } });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ iccid, pickedAt: h.clock.now() });
    const event = json(await h.get(`/api/v1/orders/${order.id}/events`, agent)).events.find((e: any) => e.action === 'order.picked');
    expect(event).toMatchObject({ fromState: 'paid', toState: 'paid', reason: iccid });
    const packed = await h.post(`/api/v1/agent/orders/${order.id}/start-packing`, agent);
    expect(json(packed)).toMatchObject({ state: 'packing', iccid });
    const late = await h.post(`/api/v1/agent/orders/${order.id}/pick`, agent, { iccid: nextIccid() });
    expect([late.statusCode, json(late).error.code]).toEqual([409, 'ORDER.INVALID_TRANSITION']);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('refuses a mistyped ICCID, a second pick, a card already in another order, and an unpaid order, writing nothing', async () => {
    const c = await h.customer();
    const { order } = await h.paidOrder(c.token, { planId: 'cm-129' });
    const other = (await h.paidOrder(c.token, { planId: 'cm-129' })).order;
    const unpaid = json(await h.placeOrder(c.token));
    const body = '898600777000000001';
    const good = body + luhnCheckDigit(body) + '';
    const wrongCheck = body + ((luhnCheckDigit(body) + 1) % 10);
    const before = await h.snapshot();
    const cases: [string, unknown, number, string][] = [
      [order.id, { iccid: wrongCheck }, 422, 'FULFILMENT.INVALID_ICCID'],
      [order.id, { iccid: '12345678901234567890' }, 422, 'FULFILMENT.INVALID_ICCID'],
      [order.id, { iccid: '8986' }, 422, 'FULFILMENT.INVALID_ICCID'],
      [order.id, { iccid: 89860012345678901238 }, 400, 'REQUEST.INVALID'],
      [order.id, {}, 400, 'REQUEST.INVALID'],
      [unpaid.id, { iccid: good }, 409, 'ORDER.INVALID_TRANSITION'],
      ['HKNOSUCH', { iccid: good }, 404, 'ORDER.NOT_FOUND'],
    ];
    for (const [id, b, status, code] of cases) {
      const r = await h.post(`/api/v1/agent/orders/${id}/pick`, agent, b);
      expect({ id, b, status: r.statusCode, code: json(r).error?.code }).toEqual({ id, b, status, code });
    }
    expect(await h.snapshot()).toEqual(before);
    expect((await h.post(`/api/v1/agent/orders/${order.id}/pick`, c.token, { iccid: good })).statusCode).toBe(403);

    await pick(h, order.id, agent, good);
    const twice = await h.post(`/api/v1/agent/orders/${order.id}/pick`, agent, { iccid: nextIccid() });
    expect([twice.statusCode, json(twice).error.code]).toEqual([409, 'FULFILMENT.ALREADY_PICKED']);
    const taken = await h.post(`/api/v1/agent/orders/${other.id}/pick`, agent, { iccid: good });
    expect([taken.statusCode, json(taken).error.code]).toEqual([409, 'FULFILMENT.ICCID_IN_USE']);
    expect(json(await h.get(`/api/v1/orders/${other.id}`, agent))).toMatchObject({ iccid: null, pickedAt: null });
  });

  it('holds the pick while the customer asks to cancel', async () => {
    const c = await h.customer();
    const { order } = await h.paidOrder(c.token, { planId: 'cm-129' });
    expect((await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' })).statusCode).toBe(201);
    const r = await h.post(`/api/v1/agent/orders/${order.id}/pick`, agent, { iccid: nextIccid() });
    expect([r.statusCode, json(r).error.code]).toEqual([409, 'ORDER.OPEN_CANCELLATION_REQUEST']);
  });

  it('puts a picked card back in stock when a cancellation is approved before packing, so it can be picked again', async () => {
    const c = await h.customer();
    const { order, residentId } = await h.paidOrder(c.token, { planId: 'cm-129' });
    const iccid = nextIccid();
    await pick(h, order.id, agent, iccid);
    // The customer asks to cancel after the pick; the request is reviewed as for any paid order.
    const request = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' })).request;
    expect((await h.post(`/api/v1/cancellation-requests/${request.id}/identity`, c.token, { residentId })).statusCode).toBe(200);
    const approved = json(await h.post(`/api/v1/agent/requests/${request.id}/approve`, agent, {}));
    expect(approved.order).toMatchObject({ state: 'cancelled', iccid: null, pickedAt: null });
    const trail = json(await h.get(`/api/v1/orders/${order.id}/events`, agent)).events;
    expect(trail.map((e: any) => e.action)).toEqual(expect.arrayContaining(['order.picked', 'order.cancelled', 'warehouse.restocked']));
    expect(trail.find((e: any) => e.action === 'warehouse.restocked')).toMatchObject({ actorType: 'system', reason: expect.stringContaining(iccid) });
    await h.haoka.worker.drain();
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id)).map((r) => r.state)).toEqual(['succeeded']);
    const next = (await h.paidOrder(c.token, { planId: 'cm-129' })).order;
    expect(await pick(h, next.id, agent, iccid)).toMatchObject({ iccid });
    expect(await actions(next.id)).toContain('order.picked');
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });
});
