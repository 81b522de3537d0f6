// A business orders 50 IoT cards, activates 20, pools them, then cancels 30 across four states and sees each outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, json, type Harness } from '../fixtures/harness.ts';
import { aBusiness, aPaidBatch, cardsOf, deliver, iotPlatform, shipParcel } from '../fixtures/iot.ts';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('a business with 50 IoT cards', () => {
  it('orders, activates, pools and cancels across four states, each card by its own rule', async () => {
    const { token, operator, agent } = await aBusiness(h);
    const { batchId, paymentNo, amountFen } = await aPaidBatch(h, token, 50);
    expect(amountFen).toBe(50 * 1999);
    let cards = await cardsOf(h, token, batchId);
    expect(cards).toHaveLength(50);
    expect(cards.every((c) => c.state === 'paid')).toBe(true);
    expect(cards.reduce((s, c) => s + c.shareFen, 0)).toBe(amountFen);

    // The batch's ICCIDs and numbers as CSV.
    const csv = await h.get(`/api/v1/iot/batches/${batchId}/cards.csv`, token);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\r\n')).toHaveLength(51);
    expect(csv.body).toContain(cards[0].iccid);

    // Two parcels: 30 cards delivered, 15 on their way; 5 stay paid.
    const a = await shipParcel(h, operator, batchId, 30);
    const b = await shipParcel(h, operator, batchId, 15);
    await deliver(h, operator, a.trackingNo);

    // Activate 20 of the delivered cards as a job.
    const activate = a.iccids.slice(0, 20);
    const job = await h.post('/api/v1/iot/activations', token, { iccids: activate });
    expect(job.statusCode).toBe(202);
    expect(json(job)).toMatchObject({ kind: 'activation', total: 20, done: 0, percent: 0 });
    await h.haoka.worker.drain();
    const ran = json(await h.get(`/api/v1/iot/jobs/${json(job).id}`, token));
    expect(ran).toMatchObject({ state: 'done', total: 20, done: 20, failed: 0, percent: 100 });
    expect(ran.items.every((i: any) => i.outcome === 'done')).toBe(true);

    // Pool the 20 activated cards: the quota is the sum of theirs; a day's usage fills it; alerts at 80 % and 100 %.
    const pool = await h.post('/api/v1/iot/pools', token, { name: '北京网点', overQuota: 'stop', iccids: activate });
    expect(pool.statusCode).toBe(201);
    const poolId = json(pool).id;
    expect(json(pool)).toMatchObject({ members: 20, quotaMb: 20 * 1024, monthlyFeeFen: 20 * 500 });
    iotPlatform(h).dailyMb = 900;
    const day = new Date(h.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // The platform reports a day's usage from the next day on: a day not over, or not in the calendar, is refused with
    // its code, and nothing is taken.
    const refused = async (d: string, code: string, status: number) => {
      const res = await h.post(`/api/v1/operator/iot/usage/${d}`, operator);
      expect(res.statusCode, res.body).toBe(status);
      expect(json(res).error.code).toBe(code);
    };
    await refused(day, 'IOT.USAGE_DAY_NOT_OVER', 409);
    await refused('2026-02-30', 'IOT.USAGE_DAY_INVALID', 422);
    h.clock.advance(86_400_000);
    expect(json(await h.post(`/api/v1/operator/iot/usage/${day}`, operator))).toMatchObject({ cards: 20, alerts: 1 });
    expect(json(await h.post(`/api/v1/operator/iot/usage/${day}`, operator))).toMatchObject({ cards: 0, alerts: 0 });
    let seen = json(await h.get(`/api/v1/iot/pools/${poolId}`, token));
    expect(seen).toMatchObject({ usedMb: 18_000, percent: 87, dataStopped: false });
    expect(seen.alerts.map((x: any) => x.level)).toEqual([80]);
    await h.haoka.worker.drain();
    expect(h.haoka.sims.notifier.sent.some((m: any) => m.template === 'iot_pool_alert' && m.phone === '13900139000')).toBe(true);

    // Cancel 30 cards across four states: 5 paid, 5 shipped, 10 delivered, 10 activated (and pooled).
    cards = await cardsOf(h, token, batchId);
    const paid = cards.filter((c) => c.state === 'paid').slice(0, 5);
    const shipped = cards.filter((c) => c.trackingNo === b.trackingNo).slice(0, 5);
    const delivered = cards.filter((c) => c.state === 'delivered').slice(0, 10);
    const activated = cards.filter((c) => c.state === 'activated').slice(0, 10);
    const chosen = [...paid, ...shipped, ...delivered, ...activated].map((c) => c.iccid);
    const csvOfChoice = `iccid\r\n${chosen.join('\r\n')}\r\n`;
    const preview = json(await h.post('/api/v1/iot/cancellations/preview', token, { selection: { csv: csvOfChoice } }));
    expect(preview.groups.map((g: any) => [g.state, g.route, g.cards, g.labelText])).toEqual([
      ['paid', 'refund', 5, '需审核'],
      ['shipped', 'intercept', 5, '需审核'],
      ['delivered', 'return', 10, '需审核'],
      ['activated', 'close', 10, '不可取消'],
    ]);
    expect(preview.totals).toMatchObject({ cards: 30, affected: 30, refundNowFen: 5 * 1999, refundOnReceiptFen: 15 * 1999, refundFen: 20 * 1999 });
    expect(preview.totals.penaltyFen).toBeGreaterThan(0);
    expect(preview.pools).toEqual([{ poolId, before: { members: 20, quotaMb: 20 * 1024, monthlyFeeFen: 10_000 }, after: { members: 10, quotaMb: 10 * 1024, monthlyFeeFen: 5_000 }, removed: 10 }]);
    expect(preview.needsReview).toBe(true);
    expect(preview.returnInstructions).toContain('10 张');

    // Totals that differ from the preview are refused and nothing starts.
    const wrong = await h.post('/api/v1/iot/cancellations', token, { selection: { csv: csvOfChoice }, expect: { cards: 30, refundFen: 1, penaltyFen: preview.totals.penaltyFen } });
    expect(json(wrong).error.code).toBe('IOT.PREVIEW_CHANGED');

    const confirmed = await h.post('/api/v1/iot/cancellations', token, { selection: { csv: csvOfChoice }, expect: { cards: 30, refundFen: preview.totals.refundFen, penaltyFen: preview.totals.penaltyFen } });
    expect(confirmed.statusCode).toBe(201);
    const cancellationId = json(confirmed).id;
    expect(json(confirmed)).toMatchObject({ state: 'awaiting_review', cards: 30 });
    await h.haoka.worker.drain();
    expect(json(await h.get(`/api/v1/iot/cards/${paid[0].iccid}`, token)).state).toBe('paid');

    // Above the express-refund amount: one request in the agents' queue, listing its 30 cards.
    const queue = json(await h.get('/api/v1/agent/iot/cancellations', agent));
    expect(queue.map((c: any) => c.id)).toContain(cancellationId);
    expect(json(await h.get(`/api/v1/agent/iot/cancellations/${cancellationId}`, agent)).cardsListed).toHaveLength(30);
    expect(json(await h.post(`/api/v1/agent/iot/cancellations/${cancellationId}/review`, agent, { decision: 'approve', note: '企业批量退卡，核实无误' })).state).toBe('running');
    await h.haoka.worker.drain();

    let done = json(await h.get(`/api/v1/iot/cancellations/${cancellationId}`, token));
    expect(done).toMatchObject({ state: 'done', job: { total: 30, done: 30, failed: 0, percent: 100 } });
    // The business's contact is told once of each finished job.
    expect(h.haoka.sims.notifier.sent.filter((m: any) => m.phone === '13900139000' && /^iot_(activation|cancellation)_done$/.test(m.template)).map((m: any) => m.template)).toEqual(['iot_activation_done', 'iot_cancellation_done']);
    const state = async (iccid: string) => json(await h.get(`/api/v1/iot/cards/${iccid}`, token));
    expect(await state(paid[0].iccid)).toMatchObject({ state: 'cancelled', closeReason: 'customer_cancelled' });
    expect(await state(shipped[0].iccid)).toMatchObject({ state: 'shipped', pendingReturn: 'intercept' });
    expect(await state(delivered[0].iccid)).toMatchObject({ state: 'delivered', pendingReturn: 'return' });
    const closed = await state(activated[0].iccid);
    expect(closed).toMatchObject({ state: 'account_closed' });
    expect(closed.penaltyFen).toBeGreaterThan(0);
    expect(closed.trail.map((e: any) => e.action)).toEqual(['card.ordered', 'card.paid', 'card.shipped', 'card.delivered', 'card.activated', 'card.pooled', 'card.closed']);
    expect(iotPlatform(h).isStopped(activated[0].iccid)).toBe(true);
    // One interception for the parcel, however many of its cards were cancelled.
    expect(h.haoka.sims.courier.interceptCalls.get(b.trackingNo)).toBe(1);
    // The pool keeps its 10 live cards.
    seen = json(await h.get(`/api/v1/iot/pools/${poolId}`, token));
    expect(seen).toMatchObject({ members: 10, quotaMb: 10 * 1024 });

    // The paid cards' shares went back at once; the others once the warehouse has them back and inspected.
    expect(done.refunds.map((r: any) => r.amountFen)).toEqual(Array(5).fill(1999));
    const received = await h.post('/api/v1/agent/iot/returns', agent, { cards: [...shipped, ...delivered].map((c) => ({ iccid: c.iccid, passed: true })) });
    expect(json(received)).toEqual({ refunded: 15, refundFen: 15 * 1999, refused: 0 });
    await h.haoka.worker.drain();
    done = json(await h.get(`/api/v1/iot/cancellations/${cancellationId}`, token));
    expect(done.refunds).toHaveLength(20);
    expect(done.refunds.every((r: any) => r.state === 'succeeded')).toBe(true);
    expect(done.refunds.reduce((s: number, r: any) => s + r.amountFen, 0)).toBe(preview.totals.refundFen);
    // At the channel: each card's refund number paid once, and the sum is the preview's.
    const alipay = h.haoka.sims.payments.alipay;
    const paidOut = done.refunds.map((r: any) => alipay.refundPayouts.get(r.refundNo));
    expect(paidOut).toEqual(Array(20).fill(1));
    expect(alipay.refundCalls.filter((c) => c.paymentNo === paymentNo).reduce((s, c) => s + c.amountFen, 0)).toBe(preview.totals.refundFen);
    expect(await state(shipped[0].iccid)).toMatchObject({ state: 'cancelled', closeReason: 'intercepted', pendingReturn: null });
    expect(await state(delivered[0].iccid)).toMatchObject({ state: 'cancelled', closeReason: 'returned' });
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('refuses a business account whose credit code fails its check character, writing nothing', async () => {
    const operator = await h.staff('operator');
    const r = await h.post('/api/v1/operator/iot/businesses', operator, {
      name: '错误代码公司', creditCode: '91350100M000100Y44', contactName: '赵六', contactPhone: '13900139001',
      firstStaff: { username: 'wrong-code', displayName: '赵六', password: 'correct horse battery', role: 'buyer' },
    });
    expect(r.statusCode).toBe(422);
    expect(json(r).error).toMatchObject({ code: 'IOT.INVALID_CREDIT_CODE', details: { reason: 'CHECK_CHARACTER' } });
    expect((await h.post('/api/v1/iot/auth/sign-in', null, { username: 'wrong-code', password: 'correct horse battery' })).statusCode).toBe(401);
  });

  it('lets a viewer read but not order, and keeps one business\u2019s cards from another', async () => {
    const one = await aBusiness(h);
    const other = await aBusiness(h);
    const staff = await h.post('/api/v1/iot/staff', one.token, { username: `viewer-${process.pid}`, displayName: '财务', password: 'another long password', role: 'viewer' });
    expect(staff.statusCode).toBe(201);
    const viewer = json(await h.post('/api/v1/iot/auth/sign-in', null, { username: `viewer-${process.pid}`, password: 'another long password' })).token;
    expect((await h.post('/api/v1/iot/batches', viewer, { planId: 'iot-cm-1g', quantity: 1, paymentMethod: 'alipay' })).statusCode).toBe(403);
    const ordered = json(await h.post('/api/v1/iot/batches', one.token, { planId: 'iot-cm-1g', quantity: 2, paymentMethod: 'bank_transfer' }));
    expect((await h.get(`/api/v1/iot/batches/${ordered.id}`, viewer)).statusCode).toBe(200);
    expect(json(await h.get(`/api/v1/iot/batches/${ordered.id}`, other.token)).error.code).toBe('IOT.BATCH_NOT_FOUND');
    expect(json(await h.post('/api/v1/iot/batches', one.token, { planId: 'iot-cm-1g', quantity: 10_001, paymentMethod: 'alipay' })).error.code).toBe('IOT.INVALID_QUANTITY');
    // A bank transfer the operator confirms pays the batch.
    const confirmed = await h.post(`/api/v1/operator/iot/batches/${ordered.id}/bank-transfer`, one.operator, { reference: 'ICBC-20260310-0001' });
    expect(json(confirmed)).toMatchObject({ state: 'paid', cards: { paid: 2 } });
    // Cancelled, its refund goes back by transfer too: it waits for the operator who sends it.
    const selection = { batchId: ordered.id };
    const preview = json(await h.post('/api/v1/iot/cancellations/preview', one.token, { selection }));
    const cancelled = json(await h.post('/api/v1/iot/cancellations', one.token, { selection, expect: { cards: 2, refundFen: preview.totals.refundFen, penaltyFen: 0 } }));
    await h.haoka.worker.drain();
    const [refund] = json(await h.get(`/api/v1/iot/cancellations/${cancelled.id}`, one.token)).refunds;
    expect(refund).toMatchObject({ state: 'awaiting_transfer', channel: 'bank_transfer' });
    expect(json(await h.post(`/api/v1/operator/iot/refunds/${refund.refundNo}/transferred`, one.operator, { reference: 'ICBC-REFUND-1' }))).toEqual({ refundNo: refund.refundNo, state: 'succeeded' });
    expect(json(await h.post(`/api/v1/operator/iot/refunds/${refund.refundNo}/transferred`, one.operator, { reference: 'ICBC-REFUND-1' })).error.code).toBe('REFUND.NOT_REFUNDABLE');
  });
});
