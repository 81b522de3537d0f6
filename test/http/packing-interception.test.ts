// Cancelling a packing order: warehouse interception (拦截发货) accepted or refused, and a cancellation
// racing the warehouse's "shipped" report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { pick } from '../fixtures/after-sales.ts';

let h: Harness;
let agent: string;
beforeAll(async () => {
  h = await startHarness();
  agent = await h.staff('agent');
});
afterAll(async () => { await h?.close(); });

/** A paid order an agent started packing, with an approved cancellation request whose interception is on its way. */
async function packing() {
  const c = await h.customer();
  const { order, residentId } = await h.paidOrder(c.token, { planId: 'cm-129' });
  await pick(h, order.id, agent);
  const packed = await h.post(`/api/v1/agent/orders/${order.id}/start-packing`, agent);
  expect(json(packed)).toMatchObject({ state: 'packing', cancellation: { label: 'review_required' } });
  return { c, order, residentId };
}

async function approvedInterception() {
  const p = await packing();
  const request = json(await h.post(`/api/v1/orders/${p.order.id}/cancellation-requests`, p.c.token, { reasonCode: 'delivery_too_slow', urgent: true })).request;
  expect((await h.post(`/api/v1/cancellation-requests/${request.id}/identity`, p.c.token, { residentId: p.residentId })).statusCode).toBe(200);
  const approved = json(await h.post(`/api/v1/agent/requests/${request.id}/approve`, agent, {}));
  expect(approved).toMatchObject({ request: { state: 'approved', interception: 'pending' }, order: { state: 'packing', cancellation: { progress: { stage: 'intercepting' } } } });
  return { ...p, request };
}

const templates = async (orderId: string, token: string): Promise<string[]> =>
  json(await h.get(`/api/v1/notifications?orderId=${orderId}`, token)).notifications.map((n: any) => n.template);

describe('warehouse interception of a packing order', () => {
  it('previews the interception route: review first, then the warehouse holds the parcel', async () => {
    const { c, order } = await packing();
    const preview = json(await h.get(`/api/v1/orders/${order.id}/cancellation`, c.token));
    expect(preview.path).toBe('interception');
    expect(preview.checks.find((x: any) => x.rule === 'not_packing')).toMatchObject({ passed: false });
    expect(preview.explanation).toContain('拦截');
  });

  it('when accepted: the card goes back to stock, the number is released, the refund arrives and the order is cancelled as intercepted', async () => {
    const { c, order, request } = await approvedInterception();
    await h.haoka.worker.drain();
    const after = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(after).toMatchObject({ state: 'cancelled', closeReason: 'intercepted', cancellation: { progress: { stage: 'cancelled' } } });
    expect(json(await h.get(`/api/v1/cancellation-requests/${request.id}`, c.token))).toMatchObject({ state: 'completed', interception: 'accepted', numberReleased: true });
    const actions = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events.map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['order.packing_started', 'request.approved', 'order.intercepted', 'warehouse.restocked', 'request.intercepted', 'number.released', 'request.completed']));
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id)).map((r) => r.state)).toEqual(['succeeded']);
    // The warehouse holds the parcel: it will not leave now.
    expect(await h.haoka.sims.warehouse.ship(order.id)).toEqual({ shipped: false, trackingNo: null });
    expect(await templates(order.id, c.token)).toEqual(expect.arrayContaining(['cancellation_intercepting', 'refund_arrived', 'cancellation_completed']));
  });

  it('when refused because the parcel already left: the order moves on to shipped and the customer is told a courier interception or a return follows', async () => {
    const { c, order, request } = await approvedInterception();
    const left = await h.haoka.sims.warehouse.ship(order.id, { report: false });
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token))).toMatchObject({ state: 'shipped', cancellation: { progress: { stage: 'superseded' } } });
    expect(json(await h.get(`/api/v1/cancellation-requests/${request.id}`, c.token))).toMatchObject({ state: 'superseded', interception: 'refused' });
    expect(await h.haoka.deps.store.refunds.listRefunds(order.id)).toEqual([]);
    const notice = json(await h.get(`/api/v1/notifications?orderId=${order.id}`, c.token)).notifications.find((n: any) => n.template === 'interception_refused');
    expect(notice.body).toContain('快递拦截');
    expect(notice.body).toContain(left.trackingNo);
    const shipped = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events.find((e: any) => e.action === 'order.shipped');
    expect(shipped).toMatchObject({ fromState: 'packing', toState: 'shipped', reason: left.trackingNo, automatic: true });
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('retries an unreachable warehouse from the outbox, and an agent can send the interception again', async () => {
    const { c, order, request } = await approvedInterception();
    h.haoka.sims.warehouse.failNext = 1;
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('packing');
    expect((await h.post(`/api/v1/agent/requests/${request.id}/intercept`, agent)).statusCode).toBe(202);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('cancelled');
    h.clock.advance(60_000);
    await h.haoka.worker.drain();
    // The first row, retried after its backoff, finds the request settled and asks nothing twice.
    expect((await h.haoka.deps.store.queue.listOutbox(order.id)).filter((r) => r.topic === 'warehouse_intercept').every((r) => r.delivered_at !== null)).toBe(true);
    expect((await h.haoka.deps.store.refunds.listRefunds(order.id))).toHaveLength(1);
  });

  it('supersedes a request still waiting for review when the warehouse reports the parcel left', async () => {
    const { c, order } = await packing();
    const request = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' })).request;
    const shipped = await h.haoka.sims.warehouse.ship(order.id);
    expect(shipped.shipped).toBe(true);
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('shipped');
    expect(json(await h.get(`/api/v1/cancellation-requests/${request.id}`, c.token)).state).toBe('superseded');
    expect(await h.haoka.deps.store.queue.listTimers(order.id)).toEqual([]);
    // Reported again by the warehouse: nothing changes.
    const again = await h.post(`/api/v1/warehouse/orders/${order.id}/shipped`, agent, { trackingNo: shipped.trackingNo });
    expect(json(again).state).toBe('shipped');
    expect(json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events.filter((e: any) => e.action === 'order.shipped')).toHaveLength(1);
  });
});

describe('a cancellation racing the warehouse "shipped" report', () => {
  it('ends with exactly one outcome: intercepted and refunded, or shipped and superseded, never both', async () => {
    // Each order of arrival once for sure, then both at the same moment, which one is sent first alternating.
    const modes = ['ship_first', 'intercept_first', 'together', 'together', 'together', 'together'] as const;
    const seen = new Set<number>();
    for (const [i, mode] of modes.entries()) {
      const { c, order, request } = await approvedInterception();
      const intercept = () => h.haoka.worker.runOnce();
      const ship = () => h.post(`/api/v1/warehouse/orders/${order.id}/shipped`, agent, { trackingNo: `SF9${String(i).padStart(9, '0')}` });
      let shipRes: Awaited<ReturnType<typeof ship>>;
      if (mode === 'ship_first') shipRes = await ship();
      else if (mode === 'intercept_first') shipRes = (await intercept(), await ship());
      else shipRes = i % 2 ? (await Promise.all([intercept(), ship()]))[1] : (await Promise.all([ship(), intercept()]))[0];
      await h.haoka.worker.drain();
      seen.add(shipRes.statusCode);
      const o = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
      const q = json(await h.get(`/api/v1/cancellation-requests/${request.id}`, c.token));
      const refunds = await h.haoka.deps.store.refunds.listRefunds(order.id);
      const actions = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events.map((e: any) => e.action);
      if (shipRes.statusCode === 200) {
        expect([o.state, q.state, refunds.length]).toEqual(['shipped', 'superseded', 0]);
        expect(actions).not.toContain('order.intercepted');
      } else {
        expect([shipRes.statusCode, json(shipRes).error.code]).toEqual([409, 'ORDER.INVALID_TRANSITION']);
        expect([o.state, o.closeReason, q.state, refunds.length]).toEqual(['cancelled', 'intercepted', 'completed', 1]);
        expect(actions).not.toContain('order.shipped');
      }
    }
    expect([...seen].sort()).toEqual([200, 409]);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });
});
