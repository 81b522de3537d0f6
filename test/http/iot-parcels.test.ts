// Parcels of IoT cards meet the courier's signed pushes: delivery delivers their cards; an interception accepted
// brings them back; one that comes too late turns them into an unactivated return. Refunds follow receipt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, json, type Harness } from '../fixtures/harness.ts';
import { aBusiness, aPaidBatch, shipParcel } from '../fixtures/iot.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('parcels of IoT cards and the courier', () => {
  it('delivers by the courier\u2019s scan, intercepts by its answer, and refunds what comes back', async () => {
    const { token, agent } = await aBusiness(h);
    const operator = await h.staff('operator');
    const { batchId } = await aPaidBatch(h, token, 6);
    const a = await shipParcel(h, operator, batchId, 2);
    const b = await shipParcel(h, operator, batchId, 2);
    const c = await shipParcel(h, operator, batchId, 2);
    const courier = h.haoka.sims.courier;
    await courier.event(a.trackingNo, 'delivered');
    const card = async (iccid: string) => json(await h.get(`/api/v1/iot/cards/${iccid}`, token));
    expect(await card(a.iccids[0]!)).toMatchObject({ state: 'delivered' });

    // Cancel the cards of parcels B and C while they travel: small enough to run without review.
    const selection = { iccids: [...b.iccids, ...c.iccids] };
    const preview = json(await h.post('/api/v1/iot/cancellations/preview', token, { selection }));
    expect(preview).toMatchObject({ needsReview: false, groups: [{ state: 'shipped', route: 'intercept', cards: 4 }] });
    const confirmed = json(await h.post('/api/v1/iot/cancellations', token, { selection, expect: { cards: 4, refundFen: preview.totals.refundFen, penaltyFen: 0 } }));
    await h.haoka.worker.drain();
    expect(courier.interceptCalls.get(b.trackingNo)).toBe(1);
    expect(courier.interceptCalls.get(c.trackingNo)).toBe(1);

    // C arrives before the courier could turn it back; B turns back.
    await courier.event(c.trackingNo, 'delivered');
    await courier.answerInterceptions();
    await courier.event(b.trackingNo, 'returned_to_sender');
    expect(await card(b.iccids[0]!)).toMatchObject({ state: 'shipped', pendingReturn: 'intercept' });
    expect((await card(b.iccids[0]!)).trail.map((e: any) => e.action)).toEqual(expect.arrayContaining(['card.interception_requested', 'card.interception_accepted', 'card.returned_to_sender']));
    expect(await card(c.iccids[0]!)).toMatchObject({ state: 'delivered', pendingReturn: 'return' });

    const received = json(await h.post('/api/v1/agent/iot/returns', agent, { cards: [...b.iccids, ...c.iccids].map((iccid) => ({ iccid, passed: true })) }));
    expect(received).toEqual({ refunded: 4, refundFen: preview.totals.refundFen, refused: 0 });
    await h.haoka.worker.drain();
    expect(await card(b.iccids[0]!)).toMatchObject({ state: 'cancelled', closeReason: 'intercepted' });
    expect(await card(c.iccids[0]!)).toMatchObject({ state: 'cancelled', closeReason: 'returned' });
    const done = json(await h.get(`/api/v1/iot/cancellations/${confirmed.id}`, token));
    expect(done.refunds.reduce((s: number, r: any) => s + r.amountFen, 0)).toBe(preview.totals.refundFen);
    expect(done.refunds.every((r: any) => r.state === 'succeeded')).toBe(true);
  });

  it('refuses a forged or replayed push about a parcel of cards, changing nothing', async () => {
    const { token } = await aBusiness(h);
    const operator = await h.staff('operator');
    const { batchId } = await aPaidBatch(h, token, 1);
    const p = await shipParcel(h, operator, batchId, 1);
    const d = await h.haoka.sims.courier.event(p.trackingNo, 'delivered', { send: false });
    const forged = await h.app.inject({ method: 'POST', url: '/api/v1/courier/callback', headers: d.headers, payload: d.body.replace('delivered', 'in_transit') });
    expect(forged.statusCode).toBe(401);
    expect(json(await h.get(`/api/v1/iot/cards/${p.iccids[0]}`, token)).state).toBe('shipped');
    expect(json(await h.app.inject({ method: 'POST', url: '/api/v1/courier/callback', headers: d.headers, payload: d.body })).outcome).toBe('applied');
    const replay = await h.app.inject({ method: 'POST', url: '/api/v1/courier/callback', headers: d.headers, payload: d.body });
    expect(json(replay).error.code).toBe('CALLBACK.REPLAYED');
  });
});
