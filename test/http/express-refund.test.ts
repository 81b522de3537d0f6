// Express refund (极速退款) and the carrier's number release, end to end over HTTP with the simulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const used = new Set<string>();
/** A number at 0 fen, so that the order costs exactly its plan's price. */
async function plainNumber(carrier = 'china_mobile') {
  const n = (await h.haoka.deps.store.orders.searchNumbers({ carrier: carrier as never, limit: 100 })).find((x) => x.priceFen === 0 && !used.has(x.id));
  if (!n) throw new Error('no plain number left');
  used.add(n.id);
  return n;
}

/** A paid order of 50.00 yuan (cm-129 with a plain number): under the default express threshold of 100.00 yuan. */
async function smallPaidOrder(channel: 'alipay' | 'wechat' | 'bank' = 'alipay') {
  const c = await h.customer();
  const number = await plainNumber();
  const { order, residentId } = await h.paidOrder(c.token, { planId: 'cm-129', numberId: number.id }, channel);
  expect(order).toMatchObject({ state: 'paid', amountFen: 5000 });
  return { c, order, residentId, number };
}

const inbox = async (orderId: string, token: string): Promise<string[]> =>
  json(await h.get(`/api/v1/notifications?orderId=${orderId}`, token)).notifications.map((n: any) => n.template).reverse();

describe('express refund of a small paid order', () => {
  it('previews the express route with every rule it passed, the refund, its channel and today as the arrival date', async () => {
    const { c, order } = await smallPaidOrder('wechat');
    const preview = json(await h.get(`/api/v1/orders/${order.id}/cancellation`, c.token));
    expect(preview).toMatchObject({
      path: 'express',
      consequences: { chargedFen: 5000, refundFen: 5000, penaltyFen: 0, number: 'released' },
      refund: { amountFen: 5000, channel: 'wechat', express: true },
    });
    expect(preview.refund.expected.earliest).toBe(preview.refund.expected.latest);
    expect(preview.checks.map((x: any) => [x.rule, x.passed])).toEqual([
      ['not_packing', true], ['amount', true], ['refund_history', true], ['not_flagged', true], ['cancellation_frequency', true],
    ]);
  });

  it('cancels at once without review, refunds at once, shows "cancelling" until the carrier released the number, then completes', async () => {
    const { c, order, number } = await smallPaidOrder();
    const applied = await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' });
    expect(applied.statusCode).toBe(201);
    const body = json(applied);
    expect(body).toMatchObject({ path: 'express', request: { state: 'approved', express: true }, order: { state: 'cancelled', closeReason: 'customer_cancelled' } });
    expect(body.order.cancellation.progress.stage).toBe('cancelling');
    // Sold until the carrier confirms: nobody else can buy the number meanwhile.
    expect((await h.haoka.deps.store.orders.getNumber(number.id))?.state).toBe('sold');

    await h.haoka.worker.drain();
    const after = json(await h.get(`/api/v1/orders/${order.id}`, c.token));
    expect(after.cancellation.progress.stage).toBe('cancelled');
    const request = json(await h.get(`/api/v1/cancellation-requests/${body.request.id}`, c.token));
    expect(request).toMatchObject({ state: 'completed', numberReleased: true });
    expect((await h.haoka.deps.store.orders.getNumber(number.id))?.state).toBe('free');
    expect(h.haoka.sims.carrier!.releasesOf.get(number.number)).toBe(1);

    const refunds = await h.haoka.deps.store.refunds.listRefunds(order.id);
    expect(refunds.map((r) => [r.state, r.amount_fen, r.express])).toEqual([['succeeded', 5000, 1]]);
    expect(await inbox(order.id, c.token)).toEqual(expect.arrayContaining(['cancellation_express', 'refund_started', 'refund_arrived', 'cancellation_completed']));

    const events = json(await h.get(`/api/v1/orders/${order.id}/events`, c.token)).events;
    expect(events.find((e: any) => e.action === 'order.cancelled')).toMatchObject({ actorType: 'system', automatic: true, fromState: 'paid', toState: 'cancelled' });
    expect(events.find((e: any) => e.action === 'request.approved')).toMatchObject({ actorType: 'system', automatic: true });
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('sends a flagged customer to review instead, and says why', async () => {
    const { c, order } = await smallPaidOrder();
    const sup = await h.staff('supervisor');
    expect((await h.post('/api/v1/supervisor/risk-flags', sup, { customerId: c.customerId, reason: '疑似套现' })).statusCode).toBe(201);
    const preview = json(await h.get(`/api/v1/orders/${order.id}/cancellation`, c.token));
    expect(preview.path).toBe('review');
    expect(preview.checks.find((x: any) => x.rule === 'not_flagged')).toMatchObject({ passed: false });
    const applied = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'price' }));
    expect(applied).toMatchObject({ path: 'review', request: { state: 'requested', express: false }, order: { state: 'paid' } });
  });
});

describe('number release at the carrier', () => {
  it('retries a failing carrier with backoff, keeps the order "cancelling", and completes once the carrier recovers', async () => {
    const { c, order, number } = await smallPaidOrder();
    h.haoka.sims.carrier!.failNext = 3;
    const applied = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'duplicate_order' }));
    await h.haoka.worker.drain();
    // The refund arrived; the carrier refused once and the row waits for its backoff.
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).cancellation.progress.stage).toBe('cancelling');
    const row = (await h.haoka.deps.store.queue.listOutbox(order.id)).find((r) => r.topic === 'carrier_release')!;
    expect(row).toMatchObject({ delivered_at: null, attempts: 1 });
    expect(row.last_error).toContain('50000'); // the carrier's busy answer

    for (let i = 0; i < 5; i++) {
      h.clock.advance(10 * 60_000);
      await h.haoka.worker.drain();
    }
    expect(json(await h.get(`/api/v1/cancellation-requests/${applied.request.id}`, c.token)).state).toBe('completed');
    expect(h.haoka.sims.carrier!.calls.get(`NR${order.id.slice(2)}`)).toBe(4);
    expect(h.haoka.sims.carrier!.releasesOf.get(number.number)).toBe(1);
    expect((await h.haoka.deps.store.orders.getNumber(number.id))?.state).toBe('free');
  });

  it('asks a slow carrier again under the same release number until it confirms', async () => {
    const { c, order, number } = await smallPaidOrder();
    h.haoka.sims.carrier!.delayMs = 30 * 60_000;
    try {
      const applied = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }));
      await h.haoka.worker.drain();
      expect(json(await h.get(`/api/v1/cancellation-requests/${applied.request.id}`, c.token))).toMatchObject({ state: 'approved', numberReleased: false });
      for (let i = 0; i < 8; i++) {
        h.clock.advance(10 * 60_000);
        await h.haoka.worker.drain();
      }
      expect(json(await h.get(`/api/v1/cancellation-requests/${applied.request.id}`, c.token))).toMatchObject({ state: 'completed', numberReleased: true });
      expect(h.haoka.sims.carrier!.releasesOf.get(number.number)).toBe(1);
    } finally {
      h.haoka.sims.carrier!.delayMs = 0;
    }
  });

  it('loses nothing when the worker dies after the carrier released the number and before it was recorded', async () => {
    const { c, order, number } = await smallPaidOrder();
    const applied = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }));
    // The carrier answers, then the process dies before its record commits.
    const carrier = h.haoka.deps.carrier;
    const real = carrier.releaseNumber.bind(carrier);
    carrier.releaseNumber = async (req) => { await real(req); throw new Error('process killed'); };
    try {
      await h.haoka.worker.drain();
    } finally {
      carrier.releaseNumber = real;
    }
    expect(json(await h.get(`/api/v1/cancellation-requests/${applied.request.id}`, c.token)).state).toBe('approved');
    h.clock.advance(10 * 60_000);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/cancellation-requests/${applied.request.id}`, c.token)).state).toBe('completed');
    expect(h.haoka.sims.carrier!.releasesOf.get(number.number)).toBe(1);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });
});
