// Payment-deadline closes written for a whole batch at once must leave the store exactly as deciding each
// order on its own does: the same orders closed, the same events, notices, numbers, timers and payments.
import { afterAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { sql } from 'kysely';
import { fireDueTimers, TIMER_BATCH, TIMER_LEASE_MS } from '../../src/app/platform/fire-timers.ts';
import { deadlineCloseShape } from '../../src/app/ordering/close-overdue.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';

const MIN = 60_000;
const opened: Harness[] = [];
afterAll(async () => { await Promise.all(opened.map((h) => h.close())); });

/** The same story on a fresh store, closed one way or the other; rows come back with ids replaced by labels. */
async function story(setBased: boolean) {
  const h = await startHarness({ HAOKA_PAYMENT_TIMEOUT: '30m', HAOKA_REMINDER_BEFORE: '5m' });
  opened.push(h);
  const c = await h.customer('13900002222');
  const label = new Map<string, string>();
  const place = async (name: string) => {
    const o = json(await h.placeOrder(c.token));
    label.set(o.id, name);
    label.set(o.number, `${name}:number`);
    return o;
  };
  const overdue = [await place('a'), await place('b'), await place('c')];
  // One opened a payment and never finished it; one was paid in time and one cancelled, but a deadline timer of
  // each is still there (written again by a crash-recovered worker, say): both must be left alone.
  await h.post(`/api/v1/orders/${overdue[0].id}/payments`, c.token, { channel: 'alipay' });
  const paid = await place('paid');
  await h.payOrder(c.token, paid.id);
  const cancelled = await place('cancelled');
  await h.post(`/api/v1/orders/${cancelled.id}/cancel`, c.token, { confirm: true });
  const start = h.clock.now();
  await h.haoka.deps.store.queue.insertTimers([paid, cancelled].map((o) => ({ order_id: o.id, kind: 'payment_deadline', due_at: start + 30 * MIN, claimed_until: null, attempts: 0 })));
  h.clock.advance(20 * MIN);
  const later = await place('later');
  h.clock.advance(10 * MIN + 1);
  const claimed = await fireDueTimers(h.haoka.deps, TIMER_BATCH, { setBased });

  const db = h.haoka.deps.store.database.db;
  const ids = [...overdue, paid, cancelled, later].map((o) => o.id);
  const name = (s: string | null) => {
    if (s === null) return s;
    let out = s;
    for (const [k, v] of label) out = out.split(k).join(v);
    return out.split(c.customerId).join('customer').replace(/PAY[0-9A-Z]+/g, 'PAY');
  };
  const orders = (await db.selectFrom('orders').select(['id', 'state', 'close_reason', 'closed_at', 'keeps_reorder_discount', 'updated_at', 'version']).where('id', 'in', ids).execute())
    .map((o) => ({ ...o, id: name(o.id) })).sort((x, y) => x.id!.localeCompare(y.id!));
  const events = (await db.selectFrom('order_events').select(['order_id', 'actor_type', 'actor_id', 'action', 'from_state', 'to_state', 'reason', 'automatic', 'at']).where('order_id', 'in', ids).orderBy('id').execute())
    .map((e) => ({ ...e, order_id: name(e.order_id), actor_id: name(e.actor_id), reason: name(e.reason) }));
  const outbox = (await db.selectFrom('outbox').select(['order_id', 'topic', 'payload', 'attempts', 'next_attempt_at', 'created_at', 'request_id']).where('order_id', 'in', ids).where('created_at', '=', h.clock.now()).orderBy('id').execute())
    .map((r) => ({ ...r, order_id: name(r.order_id), payload: name(r.payload) }));
  const numbers = (await db.selectFrom('numbers').select(['number', 'state', 'order_id', 'updated_at']).where('number', 'in', [...overdue, paid, cancelled, later].map((o) => o.number)).execute())
    .map((n) => ({ ...n, number: name(n.number), order_id: name(n.order_id) })).sort((x, y) => x.number!.localeCompare(y.number!));
  const timers = (await db.selectFrom('timers').select(['order_id', 'kind', 'due_at']).where('order_id', 'in', ids).execute())
    .map((t) => ({ ...t, order_id: name(t.order_id) })).sort((x, y) => `${x.order_id}${x.kind}`.localeCompare(`${y.order_id}${y.kind}`));
  const payments = (await db.selectFrom('payments').select(['order_id', 'state']).where('order_id', 'in', ids).execute())
    .map((p) => ({ ...p, order_id: name(p.order_id) })).sort((x, y) => `${x.order_id}${x.state}`.localeCompare(`${y.order_id}${y.state}`));
  return { claimed, orders, events, outbox, numbers, timers, payments };
}

describe('closing a batch of overdue unpaid orders at once', () => {
  it('leaves the store row for row as closing them one by one does', async () => {
    const one = await story(false);
    const batch = await story(true);
    expect(batch).toEqual(one);
    // And that state is the close the rules ask for.
    expect(batch.orders.filter((o) => o.state === 'cancelled' && o.close_reason === 'payment_timeout').map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(batch.orders.find((o) => o.id === 'paid')).toMatchObject({ state: 'paid' });
    expect(batch.orders.find((o) => o.id === 'later')).toMatchObject({ state: 'pending_payment' });
    expect(batch.events.filter((e) => e.action === 'order.closed_unpaid').map((e) => e.order_id)).toEqual(['a', 'b', 'c']);
    expect(batch.outbox.map((r) => JSON.parse(r.payload!).template)).toEqual(['order_closed_unpaid', 'order_closed_unpaid', 'order_closed_unpaid']);
    expect(batch.numbers.filter((n) => n.state === 'free').map((n) => n.number)).toEqual(['a:number', 'b:number', 'c:number', 'cancelled:number']);
    expect(batch.timers.map((t) => `${t.order_id} ${t.kind}`)).toEqual(['later payment_deadline', 'later payment_reminder']);
    expect(batch.payments).toContainEqual({ order_id: 'a', state: 'closed' });
    expect(batch.claimed).toBeGreaterThanOrEqual(5);
  });

  it('sets aside a timer its store refuses and closes the rest of its batch; the timer is taken again after its lease', async () => {
    const h = await startHarness({ HAOKA_PAYMENT_TIMEOUT: '30m', HAOKA_REMINDER_BEFORE: '5m' });
    opened.push(h);
    const c = await h.customer('13900003333');
    const [a, b, d] = [json(await h.placeOrder(c.token)), json(await h.placeOrder(c.token)), json(await h.placeOrder(c.token))];
    const { db, engine } = h.haoka.deps.store.database;
    // The store refuses any write to order b, as a damaged row or a failing disk page would.
    const id = sql.lit(b.id);
    if (engine === 'postgres') {
      await sql`create or replace function refuse_order_b() returns trigger language plpgsql as $$ begin if old.id = ${id} then raise exception 'refused'; end if; return new; end $$`.execute(db);
      await sql`create trigger refuse_b before update on orders for each row execute function refuse_order_b()`.execute(db);
    } else {
      await sql`create trigger refuse_b before update on orders when old.id = ${id} begin select raise(abort, 'refused'); end`.execute(db);
    }
    h.clock.advance(31 * MIN);
    expect(await fireDueTimers(h.haoka.deps)).toBe(6);
    const state = async (o: { id: string }) => (await h.haoka.deps.store.orders.getOrder(o.id))!.state;
    expect([await state(a), await state(b), await state(d)]).toEqual(['cancelled', 'pending_payment', 'cancelled']);
    expect(await h.haoka.deps.store.queue.listTimers(b.id)).toMatchObject([{ kind: 'payment_deadline', attempts: 1, claimed_until: h.clock.now() + TIMER_LEASE_MS }]);
    // Set aside: the next passes leave it until the lease is over, then it closes like the others.
    expect(await fireDueTimers(h.haoka.deps)).toBe(0);
    await sql`drop trigger refuse_b${engine === 'postgres' ? sql` on orders` : sql``}`.execute(db);
    h.clock.advance(TIMER_LEASE_MS + 1);
    expect(await fireDueTimers(h.haoka.deps)).toBe(1);
    expect(await state(b)).toBe('cancelled');
    expect(await h.haoka.deps.store.queue.listTimers(b.id)).toEqual([]);
  });

  it('takes its shape from the transition table: the decision on an unpaid overdue order, once', () => {
    const now = Date.UTC(2026, 10, 27, 2, 0, 0);
    const shape = deadlineCloseShape(now, DEFAULT_SETTINGS)!;
    expect(shape.after).toMatchObject({ state: 'cancelled', closeReason: 'payment_timeout', closedAt: now, keepsReorderDiscount: DEFAULT_SETTINGS.reorderDiscount.afterPaymentTimeout });
    expect(shape.event).toMatchObject({ action: 'order.closed_unpaid', from_state: 'pending_payment', to_state: 'cancelled', actor_type: 'system' });
    expect(shape.cancelTimerKinds).toEqual(['payment_reminder', 'payment_deadline']);
    expect(shape.releaseNumber).toBe(true);
    const payload = JSON.parse(shape.notice!({ id: 'HK1', customer_id: 'C1', number: '13800000000', number_id: 'N1' }));
    expect(payload).toEqual({ template: 'order_closed_unpaid', customerId: 'C1', orderId: 'HK1', data: { orderId: 'HK1', number: '13800000000', keepsReorderDiscount: DEFAULT_SETTINGS.reorderDiscount.afterPaymentTimeout } });
  });
});
