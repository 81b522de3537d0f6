// Phone numbers at rest and on the way out: the database holds none in the clear, the owner sees theirs,
// staff see it masked, and the customer's texts still reach the number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

describe('phone numbers', () => {
  it('are stored sealed and hashed, shown whole to their owner, masked to staff, and still texted', async () => {
    const c = await h.customer('13512340000');
    const placed = await h.placeOrder(c.token, { contactPhone: '13698765432' });
    expect(placed.statusCode).toBe(201);
    const orderId = json(placed).id as string;

    const db = h.haoka.deps.store.database.db;
    const order = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
    const customer = await db.selectFrom('customers').selectAll().where('id', '=', c.customerId).executeTakeFirstOrThrow();
    const outbox = await db.selectFrom('outbox').selectAll().where('order_id', '=', orderId).execute();
    const otp = await db.selectFrom('otp_codes').selectAll().execute();
    for (const row of [order, customer, ...outbox, ...otp]) expect(JSON.stringify(row)).not.toMatch(/13698765432|13512340000/);
    expect(order.contact_phone).toBe('136****5432');

    expect(json(await h.get(`/api/v1/orders/${orderId}`, c.token)).contactPhone).toBe('13698765432');
    expect(json(await h.get('/api/v1/me', c.token)).phone).toBe('13512340000');
    for (const who of ['agent', 'supervisor', 'operator'] as const) {
      expect(json(await h.get(`/api/v1/orders/${orderId}`, await h.staff(who))).contactPhone).toBe('136****5432');
    }

    await h.haoka.worker.drain();
    expect(h.haoka.sims.notifier.smsTo('13698765432').map((m) => m.template)).toContain('order_placed');
  });

  it('file sign-in codes under the phone\'s hash, so the code table never holds the number', async () => {
    expect((await h.post('/api/v1/auth/code', null, { phone: '13711112222' })).statusCode).toBe(200);
    const rows = await h.haoka.deps.store.database.db.selectFrom('otp_codes').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('13711112222');
    const code = /(\d{6})/.exec(h.haoka.sims.notifier.smsTo('13711112222')[0]!.body)![1];
    expect((await h.post('/api/v1/auth/customer', null, { phone: '13711112222', code })).statusCode).toBe(200);
  });
});
