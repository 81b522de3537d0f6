// Batch cancellations at the edges: small refunds run at once without review; an unpaid batch is released whole,
// its trade closed, and money that still arrives goes back whole; a selection naming another business's card is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, json, type Harness } from '../fixtures/harness.ts';
import { aBusiness, aPaidBatch, cardsOf } from '../fixtures/iot.ts';
import type { SignedDelivery } from '../../src/adapters/payment/simulator.ts';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

async function cancel(token: string, selection: unknown) {
  const preview = json(await h.post('/api/v1/iot/cancellations/preview', token, { selection }));
  const r = await h.post('/api/v1/iot/cancellations', token, { selection, expect: { cards: preview.totals.cards, refundFen: preview.totals.refundFen, penaltyFen: preview.totals.penaltyFen } });
  return { preview, r };
}

describe('batch cancellation edges', () => {
  it('cancels paid cards worth no more than the express-refund amount at once, without review', async () => {
    const { token } = await aBusiness(h);
    const { batchId } = await aPaidBatch(h, token, 10);
    const three = (await cardsOf(h, token, batchId)).slice(0, 3).map((c) => c.iccid);
    const { preview, r } = await cancel(token, { iccids: three });
    expect(preview).toMatchObject({ needsReview: false, totals: { refundFen: 3 * 1999 } });
    expect(preview.groups).toEqual([expect.objectContaining({ state: 'paid', route: 'refund', cards: 3, label: 'cancellable', labelText: '可取消' })]);
    expect(json(r).state).toBe('running');
    await h.haoka.worker.drain();
    const done = json(await h.get(`/api/v1/iot/cancellations/${json(r).id}`, token));
    expect(done).toMatchObject({ state: 'done', job: { done: 3, failed: 0 } });
    expect(done.refunds.map((x: any) => [x.amountFen, x.state])).toEqual(Array(3).fill([1999, 'succeeded']));
    // The same cards again: nothing left to cancel.
    expect(json((await cancel(token, { iccids: three })).r).error.code).toBe('IOT.NO_CARDS');
  });

  it('follows a WeChat Pay refund from accepted to its signed result notification, each card once', async () => {
    const { token } = await aBusiness(h);
    const { batchId } = await aPaidBatch(h, token, 4, 'iot-cm-1g', 'wechat');
    const two = (await cardsOf(h, token, batchId)).slice(0, 2).map((c) => c.iccid);
    const { r } = await cancel(token, { iccids: two });
    await h.haoka.worker.drain();
    let seen = json(await h.get(`/api/v1/iot/cancellations/${json(r).id}`, token));
    expect(seen.refunds.map((x: any) => x.state)).toEqual(['processing', 'processing']);
    const wechat = h.haoka.sims.payments.wechat as unknown as { settleRefunds(nos?: string[]): string[]; refundNotification(no: string): SignedDelivery };
    const settled = wechat.settleRefunds(seen.refunds.map((x: any) => x.refundNo));
    expect(settled).toHaveLength(2);
    for (const no of settled) {
      const d = wechat.refundNotification(no);
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/refunds/callback/wechat', headers: d.headers, payload: d.body });
      expect(res.statusCode).toBe(200);
      const again = await h.app.inject({ method: 'POST', url: '/api/v1/refunds/callback/wechat', headers: d.headers, payload: d.body });
      expect(again.statusCode).toBeLessThan(500);
    }
    seen = json(await h.get(`/api/v1/iot/cancellations/${json(r).id}`, token));
    expect(seen.refunds.map((x: any) => [x.amountFen, x.state])).toEqual([[1999, 'succeeded'], [1999, 'succeeded']]);
    const trail = json(await h.get(`/api/v1/iot/cards/${two[0]}`, token)).trail;
    expect(trail.filter((e: any) => e.action === 'card.refunded')).toHaveLength(1);
  });

  it('releases an unpaid batch whole, closes its trade, and refunds whole a payment that still arrives', async () => {
    const { token } = await aBusiness(h);
    const batch = json(await h.post('/api/v1/iot/batches', token, { planId: 'iot-cu-100m', quantity: 4, paymentMethod: 'alipay' }));
    const opened = json(await h.post(`/api/v1/iot/batches/${batch.id}/payments`, token));
    const cards = await cardsOf(h, token, batch.id);
    // Part of an unpaid batch cannot go: it has one price.
    expect(json((await cancel(token, { iccids: cards.slice(0, 2).map((c) => c.iccid) })).r).error.code).toBe('IOT.UNPAID_BATCH_WHOLE');
    const { preview, r } = await cancel(token, { batchId: batch.id });
    expect(preview.groups).toEqual([expect.objectContaining({ state: 'pending_payment', route: 'release', cards: 4, labelText: '可取消', refundFen: 0 })]);
    expect(json(r).state).toBe('running');
    // The business pays in the channel app still open, before the trade is closed.
    const late = h.haoka.sims.payments.alipay.pay(opened.paymentNo) as SignedDelivery;
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/iot/batches/${batch.id}`, token))).toMatchObject({ state: 'cancelled', cards: { cancelled: 4 } });
    const answer = json(await h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/alipay', headers: late.headers, payload: late.body }));
    expect(answer.outcome).toBe('refunded_late_payment');
    await h.haoka.worker.drain();
    expect(h.haoka.sims.payments.alipay.payoutsFor(opened.paymentNo)).toBe(1);
    expect(h.haoka.sims.payments.alipay.refundCalls.filter((c) => c.paymentNo === opened.paymentNo).map((c) => c.amountFen)).toEqual([batch.amountFen]);
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('closes a batch not paid by its deadline, recording its cards as timed out', async () => {
    const { token } = await aBusiness(h);
    const batch = json(await h.post('/api/v1/iot/batches', token, { planId: 'iot-cm-1g', quantity: 3, paymentMethod: 'wechat' }));
    await h.post(`/api/v1/iot/batches/${batch.id}/payments`, token);
    h.clock.advance(batch.paymentDeadline - h.clock.now() - 1000);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/iot/batches/${batch.id}`, token)).state).toBe('pending_payment');
    h.clock.advance(2000);
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/iot/batches/${batch.id}`, token))).toMatchObject({ state: 'cancelled', cards: { cancelled: 3 } });
    const [card] = await cardsOf(h, token, batch.id);
    const seen = json(await h.get(`/api/v1/iot/cards/${card.iccid}`, token));
    expect(seen).toMatchObject({ closeReason: 'payment_timeout' });
    expect(seen.trail.at(-1)).toMatchObject({ action: 'card.payment_timeout', actorType: 'system' });
    expect(json(await h.post(`/api/v1/iot/batches/${batch.id}/payments`, token)).error.code).toBe('IOT.BATCH_NOT_PAYABLE');
  });

  it('refuses a selection naming a card of another business, and writes nothing', async () => {
    const one = await aBusiness(h);
    const other = await aBusiness(h);
    const { batchId } = await aPaidBatch(h, other.token, 1);
    const [theirs] = await cardsOf(h, other.token, batchId);
    const before = json(await h.get('/api/v1/iot/cancellations', one.token)).length;
    const r = await h.post('/api/v1/iot/cancellations', one.token, { selection: { iccids: [theirs.iccid] }, expect: { cards: 1, refundFen: 1999, penaltyFen: 0 } });
    expect(json(r).error.code).toBe('IOT.CARD_NOT_FOUND');
    expect(json(await h.get('/api/v1/iot/cancellations', one.token))).toHaveLength(before);
    expect(json(await h.post('/api/v1/iot/cancellations/preview', one.token, { selection: { csv: 'iccid\n1234' } })).error.code).toBe('REQUEST.INVALID');
  });
});
