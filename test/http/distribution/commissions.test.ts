// Orders placed through distributors' links keep their chain and rule; payments, activations, top-ups and every
// cancellation path move their commissions exactly once, in the same transaction; settlement runs are idempotent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTopUp, putCommissionRule } from '../../../src/app/distribution/manage.ts';
import { settleCommissions } from '../../../src/app/distribution/settlement.ts';
import { checkInvariants } from '../../../src/app/platform/check-invariants.ts';
import { json, startHarness, type Harness } from '../../fixtures/harness.ts';
import { aCode, aDistributor, activatedThrough, aRule, balancesOf, kindsOf, paidThrough } from './fixtures.ts';

let h: Harness;
let top: Awaited<ReturnType<typeof aDistributor>>;
let mid: Awaited<ReturnType<typeof aDistributor>>;
let ref: string;
beforeAll(async () => {
  h = await startHarness();
  top = await aDistributor(h);
  mid = await aDistributor(h, top.id);
  ref = await aCode(h, mid.id);
  await aRule(h, 'cu-39');
  await aRule(h, 'cm-129', { minFirstTopUpFen: 0 });
});
afterAll(async () => { await h?.close(); });

const DAY = 86_400_000;

describe('attribution through a promotion link', () => {
  it('keeps the seller, the chain above it and the rule as sold, whatever changes later', async () => {
    const { order } = await paidThrough(h, ref);
    await putCommissionRule(h.haoka.deps, 'cu-39', { levelFen: [1, 1, 1], minFirstTopUpFen: 0, daysInService: 0, probationDays: 0 }, 'A-operator');
    const [a] = await h.haoka.deps.store.distribution.getAttributions([order.id]);
    expect(a).toMatchObject({ distributorId: mid.id, promotionCode: ref, channel: 'link', chain: [{ distributorId: mid.id, level: 2 }, { distributorId: top.id, level: 1 }] });
    expect(a!.shares).toEqual([{ distributorId: mid.id, level: 2, amountFen: 8000 }, { distributorId: top.id, level: 1, amountFen: 2000 }]);
    expect(await kindsOf(h, order.id)).toEqual([`${mid.id}:accrue:8000`, `${top.id}:accrue:2000`]);
    await aRule(h, 'cu-39');
    expect((await h.haoka.deps.store.distribution.listRuleChanges('cu-39')).length).toBe(3);
  });

  it('refuses an unknown code with PROMOTION.NOT_FOUND and places nothing', async () => {
    const c = await h.customer();
    const before = await h.snapshot();
    const res = await h.placeOrder(c.token, { ref: 'nosuchcode' } as never);
    expect(res.statusCode).toBe(404);
    expect(json(res).error.code).toBe('PROMOTION.NOT_FOUND');
    expect(await h.snapshot()).toEqual(before);
  });

  it('refuses a plan code used for another plan', async () => {
    const planCode = await aCode(h, mid.id, 'cm-129');
    const c = await h.customer();
    const res = await h.placeOrder(c.token, { planId: 'cm-58', ref: planCode } as never);
    expect(json(res).error.code).toBe('PROMOTION.PLAN_MISMATCH');
  });
});

describe('cancellations adjust commissions exactly once', () => {
  it('an unpaid cancel earns and writes nothing', async () => {
    const c = await h.customer();
    const placed = json(await h.placeOrder(c.token, { ref } as never));
    expect((await h.post(`/api/v1/orders/${placed.id}/cancel`, c.token, { confirm: true })).statusCode).toBe(200);
    expect(await kindsOf(h, placed.id)).toEqual([]);
  });

  it('a paid cancellation voids the pending commissions of the whole chain, once', async () => {
    const before = { mid: await balancesOf(h, mid.id), top: await balancesOf(h, top.id) };
    const { c, order } = await paidThrough(h, ref, 'cm-129');
    expect((await balancesOf(h, mid.id)).pending).toBe(before.mid.pending + 8000);
    const applied = json(await h.post(`/api/v1/orders/${order.id}/cancellation-requests`, c.token, { reasonCode: 'changed_mind' }));
    expect(applied.order.state).toBe('cancelled');
    await h.haoka.worker.drain();
    expect(await kindsOf(h, order.id)).toEqual([`${mid.id}:accrue:8000`, `${top.id}:accrue:2000`, `${mid.id}:void:8000`, `${top.id}:void:2000`]);
    expect(await balancesOf(h, mid.id)).toEqual(before.mid);
    expect(await balancesOf(h, top.id)).toEqual(before.top);
  });

  it('activation and the first top-up make it eligible, a settlement run settles it once, and a trial unsubscription inside probation claws it back', async () => {
    const { c, order } = await activatedThrough(h, ref);
    expect(await kindsOf(h, order.id)).toEqual([`${mid.id}:accrue:8000`, `${top.id}:accrue:2000`]);
    // Below the rule's first top-up of 50 yuan: the first one is the one that counts.
    const first = await recordTopUp(h.haoka.deps, order.id, 3000, h.clock.now());
    expect(first).toEqual({ orderId: order.id, first: true });
    expect(await recordTopUp(h.haoka.deps, order.id, 9000, h.clock.now())).toEqual({ orderId: order.id, first: false });
    expect((await kindsOf(h, order.id)).length).toBe(2);
    const { c: secondCustomer, order: second } = await activatedThrough(h, ref);
    await recordTopUp(h.haoka.deps, second.id, 5000, h.clock.now());
    expect((await kindsOf(h, second.id)).filter((k) => k.includes('qualify'))).toHaveLength(2);

    const run = await settleCommissions(h.haoka.deps, `run-${process.pid}-1`, 'A-operator');
    expect(run.created).toBe(true);
    expect(run.csv).toContain(`${mid.id},${mid.name},`);
    const again = await settleCommissions(h.haoka.deps, `run-${process.pid}-1`, 'A-operator');
    expect(again).toMatchObject({ created: false, lines: run.lines, amountFen: run.amountFen, csv: run.csv });
    const other = await settleCommissions(h.haoka.deps, `run-${process.pid}-2`, 'A-operator');
    expect(other.lines).toBe(0);
    expect((await kindsOf(h, second.id)).filter((k) => k.includes('settle'))).toHaveLength(2);

    const settledBefore = (await balancesOf(h, mid.id)).settled;
    h.clock.advance(2 * DAY);
    const unsub = await h.post(`/api/v1/orders/${second.id}/unsubscribe`, secondCustomer.token);
    expect(unsub.statusCode, unsub.body).toBe(200);
    expect((await kindsOf(h, second.id)).filter((k) => k.includes('clawback'))).toEqual([`${mid.id}:clawback:8000`, `${top.id}:clawback:2000`]);
    expect((await balancesOf(h, mid.id)).settled).toBe(settledBefore - 8000);
    // The order without its top-up is still pending; unsubscribed inside the trial, its commission is voided.
    const unsubFirst = await h.post(`/api/v1/orders/${order.id}/unsubscribe`, c.token);
    expect(unsubFirst.statusCode, unsubFirst.body).toBe(200);
    expect((await kindsOf(h, order.id)).slice(2)).toEqual([`${mid.id}:void:8000`, `${top.id}:void:2000`]);
  });

  it('keeps commissions of a line closed after the probation period', async () => {
    const { order } = await activatedThrough(h, ref, 'cm-129');
    h.clock.advance(31 * DAY);
    const run = await settleCommissions(h.haoka.deps, `run-${process.pid}-3`, 'A-operator');
    expect(run.lines).toBeGreaterThanOrEqual(2);
    expect((await kindsOf(h, order.id)).map((k) => k.split(':')[1])).toEqual(['accrue', 'accrue', 'qualify', 'qualify', 'settle', 'settle']);
  });

  it('an account closure inside the probation period reverses an eligible commission, once', async () => {
    const { c, order } = await activatedThrough(h, ref);
    await recordTopUp(h.haoka.deps, order.id, 5000, h.clock.now());
    h.clock.advance(8 * DAY);
    // Signed in again: the week-old sign-in has run out.
    const closure = await h.post(`/api/v1/orders/${order.id}/account-closure`, (await h.customer(c.phone)).token, { confirmPenaltyFen: 0 });
    expect(closure.statusCode, closure.body).toBe(201);
    const done = await h.post(`/api/v1/agent/account-closures/${json(closure).id}/complete`, await h.staff('agent'));
    expect(json(done).order.state).toBe('account_closed');
    await h.haoka.worker.drain();
    expect((await kindsOf(h, order.id)).map((k) => k.split(':')[1])).toEqual(['accrue', 'accrue', 'qualify', 'qualify', 'reverse', 'reverse']);
  });

  it('days in service pass without any event on the order: the worker makes the commission eligible', async () => {
    await aRule(h, 'ct-29', { minFirstTopUpFen: 0, daysInService: 10 });
    const { order } = await activatedThrough(h, ref, 'ct-29');
    h.clock.advance(9 * DAY);
    await h.haoka.worker.runOnce();
    expect((await kindsOf(h, order.id)).map((k) => k.split(':')[1])).toEqual(['accrue', 'accrue']);
    h.clock.advance(2 * DAY);
    await h.haoka.worker.runOnce();
    expect((await kindsOf(h, order.id)).map((k) => k.split(':')[1])).toEqual(['accrue', 'accrue', 'qualify', 'qualify']);
  });

  it('leaves haoka check with nothing to say about the ledger', async () => {
    const { checked, violations } = await checkInvariants(h.haoka.deps.store);
    expect(checked).toContain('a commission is taken back at most once');
    expect(violations).toEqual([]);
  });

  it('refuses to change or delete a ledger entry', async () => {
    const db = h.haoka.deps.store.database.db as any;
    await expect(db.updateTable('commission_entries').set({ amount_fen: 1 }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('commission_entries').execute()).rejects.toThrow(/append-only/);
  });
});
