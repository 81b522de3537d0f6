import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

describe('haoka check', () => {
  it('finds nothing wrong after ordinary traffic: placed, cancelled, timed out, paid', async () => {
    const c = await h.customer();
    const cancelled = json(await h.placeOrder(c.token));
    await h.post(`/api/v1/orders/${cancelled.id}/cancel`, c.token, { confirm: true });
    json(await h.placeOrder(c.token));
    const paid = json(await h.placeOrder(c.token));
    const pay = json(await h.post(`/api/v1/orders/${paid.id}/payments`, c.token, { channel: 'alipay' }));
    const d = h.haoka.sims.payments.alipay.pay(pay.paymentNo) as { headers: Record<string, string>; body: string };
    await h.app.inject({ method: 'POST', url: '/api/v1/payments/callback/alipay', headers: d.headers, payload: d.body });
    h.clock.advance(31 * 60_000);
    await h.haoka.worker.drain();
    expect((await checkInvariants(h.haoka.deps.store)).violations).toEqual([]);
  });

  it('reports a number sold twice, an unpaid order without its timer and a state the audit trail does not explain', async () => {
    const c = await h.customer();
    const a = json(await h.placeOrder(c.token));
    const db = h.haoka.deps.store.database.db;
    await db.deleteFrom('timers').where('order_id', '=', a.id).execute();
    await sql`update orders set state = 'paid' where id = ${a.id}`.execute(db);
    const { violations } = await checkInvariants(h.haoka.deps.store);
    const names = violations.filter((v) => v.subject === a.id).map((v) => v.invariant);
    expect(names).toEqual(expect.arrayContaining(['a paid order was paid', 'the audit trail explains every state']));
    await sql`update orders set state = 'pending_payment' where id = ${a.id}`.execute(db);
    const again = await checkInvariants(h.haoka.deps.store);
    expect(again.violations.map((v) => v.invariant)).toContain('every unpaid order has its deadline timer');
    const b = json(await h.placeOrder(c.token));
    await sql`update numbers set order_id = ${b.id} where order_id = ${a.id}`.execute(db);
    const third = await checkInvariants(h.haoka.deps.store);
    expect(third.violations.map((v) => v.invariant)).toContain('a live order holds its number');
  });
});
