// One contract, two engines: this suite runs on SQLite by default and on PostgreSQL with HAOKA_TEST_ENGINE=postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/store/db.ts';
import { migrate } from '../../src/adapters/store/migrations/index.ts';
import { Store, type Executor } from '../../src/adapters/store/store.ts';
import { sql } from 'kysely';
import { seedDemo } from '../../src/seed/demo.ts';
import { Secrets } from '../../src/app/platform/secrets.ts';
import { anOrder, T0 } from '../fixtures/builders.ts';
import { ENGINE, freshDatabase, type TestDatabase } from '../fixtures/engine.ts';

let tdb: TestDatabase;
let store: Store;
let other: Store;
let seq = 0;
const vault = new Secrets('contract-secret').phoneVault();

beforeAll(async () => {
  tdb = await freshDatabase();
  const db = openDatabase(tdb.url);
  await migrate(db);
  store = new Store(db);
  // A second connection, as a second process would have. SQLite's writers are serialised by its file lock,
  // which blocks a whole thread: within one process the contract is checked through the one connection.
  other = ENGINE === 'postgres' ? new Store(openDatabase(tdb.url)) : store;
  store.protectWith(vault);
  other.protectWith(vault);
  await seedDemo(store, T0, 20);
  await store.accounts.ensureCustomer('C1', '13800000000', T0);
});
afterAll(async () => {
  if (other !== store) await other?.close();
  await store?.close();
  await tdb?.drop();
});

async function anInsertedOrder(over: Parameters<typeof anOrder>[0] = {}) {
  const free = (await store.orders.searchNumbers({ carrier: 'china_mobile', limit: 1 }))[0]!;
  const order = anOrder({ id: `HK-T${seq++}`, numberId: free.id, number: free.number, ...over });
  await store.tx(async (r) => {
    expect(await r.orders.lockNumber(free.id, order.id, T0)).toBe(true);
    await r.orders.insertOrder(order);
  });
  return order;
}

describe(`the store on ${ENGINE}`, () => {
  it('migrates idempotently: running the migrations again changes nothing', async () => {
    expect(await migrate(store.database)).toEqual([]);
  });

  it('reads back an order exactly as written: integer fen, UTC milliseconds, flags and JSON', async () => {
    const order = await anInsertedOrder({ amountFen: 12_345, keepsReorderDiscount: true });
    expect(await store.orders.getOrder(order.id)).toEqual(order);
  });

  it('lets only one transaction lock a free number', async () => {
    const free = (await store.orders.searchNumbers({ carrier: 'china_unicom', limit: 1 }))[0]!;
    const results = await Promise.all([store, other, store, other].map((s, i) => s.tx((r) => r.orders.lockNumber(free.id, `X${i}`, T0))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.orders.getNumber(free.id))?.state).toBe('locked');
  });

  it('updates orders only from the state and version they were read in', async () => {
    const order = await anInsertedOrder();
    const after = { ...order, state: 'cancelled' as const, closeReason: 'customer_abandoned' as const, version: 2 };
    expect(await store.orders.updateOrders([{ before: order, after }])).toBe(true);
    expect(await store.orders.updateOrders([{ before: order, after }])).toBe(false);
    expect((await store.orders.getOrder(order.id))?.version).toBe(2);
  });

  it('writes many identical changes in one statement and detects a stale one among them', async () => {
    const orders = [await anInsertedOrder(), await anInsertedOrder(), await anInsertedOrder()];
    const changes = orders.map((o) => ({ before: o, after: { ...o, state: 'cancelled' as const, closeReason: 'payment_timeout' as const, closedAt: T0, version: 2 } }));
    expect(await store.orders.updateOrders(changes)).toBe(true);
    const reread = await store.orders.getOrders(orders.map((o) => o.id));
    expect(reread.map((o) => [o.state, o.version])).toEqual([['cancelled', 2], ['cancelled', 2], ['cancelled', 2]]);
    // The same batch again: every row has moved on, so the write is refused (the caller rolls back).
    expect(await store.orders.updateOrders(changes)).toBe(false);
  });

  it('counts live orders per resident ID and carrier, leaving closed ones out', async () => {
    await anInsertedOrder({ idHash: 'ID-A' });
    await anInsertedOrder({ idHash: 'ID-A', state: 'cancelled' });
    expect(await store.orders.countLiveOrders('ID-A', 'china_mobile')).toBe(1);
    expect(await store.orders.countLiveOrders('ID-A', 'china_unicom')).toBe(0);
  });

  it('hands each due timer to one of two transactions taking at once, and a set-aside one only after its lease', async () => {
    const order = await anInsertedOrder();
    await store.queue.insertTimers([{ order_id: order.id, kind: 'payment_deadline', due_at: T0 + 1000, claimed_until: null, attempts: 0 }]);
    expect((await store.tx((r) => r.queue.takeDueTimers(T0, 10))).filter((t) => t.order_id === order.id)).toEqual([]);
    // Each holds what it took for a moment before deleting it, as a worker's batch does.
    const takeAndHandle = (s: Store) => s.tx(async (r) => {
      const mine = (await r.queue.takeDueTimers(T0 + 1000, 10)).filter((t) => t.order_id === order.id);
      await new Promise((res) => setTimeout(res, 50));
      await r.queue.deleteTimersById(mine.map((t) => t.id));
      return mine;
    });
    const [a, b] = await Promise.all([takeAndHandle(store), takeAndHandle(other)]);
    expect([...a, ...b]).toHaveLength(1);
    expect(await store.queue.countTimers(order.id)).toBe(0);

    await store.queue.insertTimers([{ order_id: order.id, kind: 'payment_reminder', due_at: T0 + 1000, claimed_until: null, attempts: 0 }]);
    const [failed] = (await store.queue.listTimers(order.id));
    await store.queue.setAsideTimers([failed!.id], T0 + 31_000);
    expect(await other.tx((r) => r.queue.takeTimersById([failed!.id], T0 + 2000))).toEqual([]);
    expect((await other.tx((r) => r.queue.takeDueTimers(T0 + 2000, 10))).filter((t) => t.order_id === order.id)).toEqual([]);
    expect(await other.tx((r) => r.queue.takeTimersById([failed!.id], T0 + 31_001))).toMatchObject([{ id: failed!.id, attempts: 1 }]);
    await store.queue.deleteTimersById([failed!.id]);
  });

  it('claims outbox rows in the order they were written and never hands out a delivered one', async () => {
    const order = await anInsertedOrder();
    const row = (n: number) => ({ order_id: order.id, topic: 'notify', payload: JSON.stringify({ n }), attempts: 0, next_attempt_at: T0, created_at: T0 });
    await store.queue.insertOutbox([row(1), row(2), row(3)]);
    const claimed = (await store.queue.claimOutbox(T0, 100, 60_000)).filter((r) => r.order_id === order.id);
    expect(claimed.map((r) => JSON.parse(r.payload).n)).toEqual([1, 2, 3]);
    await store.queue.markDelivered(claimed.map((r) => r.id), T0);
    expect((await store.queue.claimOutbox(T0 + 120_000, 100, 60_000)).filter((r) => r.order_id === order.id)).toEqual([]);
  });

  it('remembers a notification nonce once, and a refund request number once', async () => {
    expect(await store.payments.recordNotification('alipay', 'nonce-1', 'PAY1', 'paid', T0)).toBe(true);
    expect(await store.payments.recordNotification('alipay', 'nonce-1', 'PAY1', 'paid', T0)).toBe(false);
    expect(await store.payments.recordNotification('wechat', 'nonce-1', 'PAY1', 'paid', T0)).toBe(true);
    const order = await anInsertedOrder();
    const refund = { id: `RF-${order.id}`, order_id: order.id, payment_id: 'PAY1', channel: 'alipay', amount_fen: 100, state: 'pending', reason: 'x', created_at: T0, updated_at: T0, succeeded_at: null };
    expect(await store.refunds.insertRefund(refund)).toBe(true);
    expect(await store.refunds.insertRefund(refund)).toBe(false);
    expect(await store.refunds.moveRefund(refund.id, ['pending'], 'succeeded', {}, T0)).toBe(true);
    expect(await store.refunds.moveRefund(refund.id, ['pending'], 'succeeded', {}, T0)).toBe(false);
  });

  it('reserves an idempotency key for one request only', async () => {
    const row = { scope: 'C1', key: 'k', method: 'POST', path: '/x', body_hash: 'h', status_code: null, response: null, created_at: T0 };
    const [a, b] = await Promise.all([store.platform.reserveIdempotencyKey(row), other.platform.reserveIdempotencyKey(row)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    await store.platform.completeIdempotencyKey('C1', 'k', 201, '{}');
    expect(await other.platform.getIdempotencyKey('C1', 'k')).toMatchObject({ status_code: 201, response: '{}' });
  });

  it('purges the keys older than a day in batches, oldest first, and keeps the rest', async () => {
    const B = T0 + 1_000_000_000;
    await store.platform.purgeIdempotencyKeys(B);
    const key = (k: string, at: number) => ({ scope: 'C-PURGE', key: k, method: 'POST', path: '/x', body_hash: 'h', status_code: 201, response: '{}', created_at: at });
    // Seven old keys, two of them made in the same millisecond, and two recent ones.
    for (const [k, at] of [['a', 1], ['b', 2], ['c', 3], ['d', 3], ['e', 4], ['f', 5], ['g', 6], ['new1', 100], ['new2', 101]] as const) {
      expect(await store.platform.reserveIdempotencyKey(key(k, B + at))).toBe(true);
    }
    expect(await store.platform.purgeIdempotencyKeys(B + 100, 2)).toBe(7);
    for (const k of ['a', 'd', 'g']) expect(await store.platform.getIdempotencyKey('C-PURGE', k)).toBeUndefined();
    for (const k of ['new1', 'new2']) expect(await store.platform.getIdempotencyKey('C-PURGE', k)).toMatchObject({ status_code: 201 });
    expect(await store.platform.purgeIdempotencyKeys(B + 100, 2)).toBe(0);
  });

  it('rolls back every write of a transaction that fails', async () => {
    const before = await store.orders.countLiveOrders('ID-R', 'china_mobile');
    await expect(store.tx(async (r) => {
      await r.orders.insertOrder(anOrder({ id: `HK-RB${seq++}`, idHash: 'ID-R', numberId: 'N-none' }));
      throw new Error('boom');
    })).rejects.toThrow();
    expect(await store.orders.countLiveOrders('ID-R', 'china_mobile')).toBe(before);
  });

  it('commits transactions that run together each on its own: one that fails takes none of the others\' writes with it', async () => {
    const numbers = await store.orders.searchNumbers({ carrier: 'china_mobile', limit: 4 });
    const ids = numbers.map(() => `HK-G${seq++}`);
    const outcomes = await Promise.allSettled(ids.map((id, i) => store.tx(async (r) => {
      await r.orders.insertOrder(anOrder({ id, idHash: 'ID-G', numberId: numbers[i]!.id, number: numbers[i]!.number }));
      if (i === 1) throw new Error('refused');
      return id;
    })));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const found = await Promise.all(ids.map((id) => store.orders.getOrder(id)));
    expect(found.map((o) => o?.id ?? null)).toEqual([ids[0], null, ids[2], ids[3]]);
  });

  it('shows a read outside transactions only what was committed, without waiting for a transaction in progress', async () => {
    const id = `HK-U${seq++}`;
    const free = (await store.orders.searchNumbers({ carrier: 'china_mobile', limit: 1 }))[0]!;
    let finish!: () => void;
    const held = new Promise<void>((res) => { finish = res; });
    let inserted!: () => void;
    const written = new Promise<void>((res) => { inserted = res; });
    const tx = store.tx(async (r) => {
      await r.orders.insertOrder(anOrder({ id, idHash: 'ID-U', numberId: free.id, number: free.number }));
      inserted();
      await held;
    });
    await written;
    expect(await other.orders.getOrder(id)).toBeUndefined();
    finish();
    await tx;
    expect((await other.orders.getOrder(id))?.id).toBe(id);
  });

  it('runs a statement it ran before after another process adds a column to the table it reads', async () => {
    const schema = other.database.db;
    await sql`create table probe_columns (id text primary key, a text)`.execute(schema);
    await sql`insert into probe_columns (id, a) values ('p1', 'x')`.execute(schema);
    const read = async (db: Executor = store.db) => (await sql`select * from probe_columns where id = ${'p1'}`.execute(db)).rows;
    for (let i = 0; i < 3; i++) expect(await read()).toEqual([{ id: 'p1', a: 'x' }]);
    await sql`alter table probe_columns add column b text`.execute(schema);
    for (let i = 0; i < 3; i++) expect(await read()).toEqual([{ id: 'p1', a: 'x', b: null }]);
    expect(await store.tx((r) => read(r.db))).toEqual([{ id: 'p1', a: 'x', b: null }]);
  });

  it.runIf(ENGINE === 'postgres')('keeps a statement with parameters parsed on its connection, and parses none without', async () => {
    const prepared = await store.tx(async (r) => {
      await sql`select id from plans where id = ${'cm-129'}`.execute(r.db);
      await sql`select count(*) from plans`.execute(r.db);
      return (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(r.db)).rows.map((p) => p.statement);
    });
    expect(prepared).toContain('select id from plans where id = $1');
    expect(prepared).not.toContain('select count(*) from plans');
  });

  it('keeps an order\'s contact phone as a keyed hash, a sealed copy and a masked form, and reads it back whole', async () => {
    const o = await anInsertedOrder({ contactPhone: '13912345678' });
    const raw = await store.database.db.selectFrom('orders').selectAll().where('id', '=', o.id).executeTakeFirstOrThrow();
    expect(raw.contact_phone).toBe('139****5678');
    expect(raw.contact_phone_hash).toBe(vault.hash('13912345678'));
    expect(JSON.stringify(raw)).not.toContain('13912345678');
    expect((await store.orders.getOrder(o.id))!.contactPhone).toBe('13912345678');
    // A changed phone is sealed again; an unchanged one is left as it was written.
    const moved = { ...o, contactPhone: '13700001111', version: o.version + 1 };
    expect(await store.tx((r) => r.orders.updateOrders([{ before: o, after: moved }]))).toBe(true);
    const again = await store.database.db.selectFrom('orders').selectAll().where('id', '=', o.id).executeTakeFirstOrThrow();
    expect([again.contact_phone, again.contact_phone_hash]).toEqual(['137****1111', vault.hash('13700001111')]);
    expect((await store.orders.getOrder(o.id))!.contactPhone).toBe('13700001111');
  });

  it('shows only the masked phone to a store without the key, and refuses to write a phone without it', async () => {
    const o = await anInsertedOrder({ contactPhone: '13912345678' });
    const keyless = new Store(store.database);
    expect((await keyless.orders.getOrder(o.id))!.contactPhone).toBe('139****5678');
    await expect(keyless.orders.insertOrder({ ...o, id: `HK-PH-${seq++}` })).rejects.toThrow(/phone vault/);
  });

  it('finds a customer by the hash of their phone, and seals a customer written before phones were protected', async () => {
    const id = await store.accounts.ensureCustomer(`C-PH-${seq++}`, '13611112222', T0);
    expect(await store.accounts.ensureCustomer(`C-PH-${seq++}`, '13611112222', T0)).toBe(id);
    const raw = await store.database.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain('13611112222');
    expect((await store.accounts.getCustomer(id))!.phone).toBe('13611112222');

    await store.database.db.insertInto('customers').values({ id: 'C-LEGACY', phone: '13633334444', created_at: T0, phone_enc: null, phone_masked: null }).execute();
    expect(await store.accounts.ensureCustomer('C-NEW', '13633334444', T0)).toBe('C-LEGACY');
    const sealed = await store.database.db.selectFrom('customers').selectAll().where('id', '=', 'C-LEGACY').executeTakeFirstOrThrow();
    expect(sealed.phone).toBe(vault.hash('13633334444'));
    expect(sealed.phone_masked).toBe('136****4444');
    expect((await store.accounts.getCustomer('C-LEGACY'))!.phone).toBe('13633334444');
  });

  it('keeps a picked card in one live order at a time, and frees it when that order is cancelled', async () => {
    const iccid = '89860012345678901238';
    const a = await anInsertedOrder({ state: 'paid' });
    const b = await anInsertedOrder({ state: 'paid' });
    const picked = { ...a, iccid, pickedAt: T0 + 1, version: a.version + 1 };
    expect(await store.orders.updateOrders([{ before: a, after: picked }])).toBe(true);
    expect(await store.orders.getOrder(a.id)).toEqual(picked);
    expect(await store.afterSales.iccidHolder(iccid, b.id)).toBe(a.id);
    expect(await store.afterSales.iccidHolder(iccid, a.id)).toBeUndefined();
    // The unique index holds even when two pickers both passed the check.
    await expect(store.orders.updateOrders([{ before: b, after: { ...b, iccid, pickedAt: T0 + 2, version: b.version + 1 } }])).rejects.toThrow();
    const cancelled = { ...picked, state: 'cancelled' as const, closeReason: 'customer_cancelled' as const, version: picked.version + 1 };
    expect(await store.orders.updateOrders([{ before: picked, after: cancelled }])).toBe(true);
    expect(await store.afterSales.iccidHolder(iccid, b.id)).toBeUndefined();
    expect(await store.orders.updateOrders([{ before: b, after: { ...b, iccid, pickedAt: T0 + 3, version: b.version + 1 } }])).toBe(true);
  });

  it('moves a closure from awaiting its penalty to the queue once, ends only an open one, and allows a new one after', async () => {
    const order = await anInsertedOrder({ state: 'activated' });
    const row = { id: `AC-T${seq++}`, order_id: order.id, customer_id: order.customerId, state: 'awaiting_penalty', penalty_fen: 5_000, months_left: 3, requested_at: T0, completed_at: null, completed_by: null };
    expect(await store.afterSales.insertClosure(row)).toBe(true);
    expect(await store.afterSales.insertClosure({ ...row, id: `AC-T${seq++}` })).toBe(false);
    await store.payments.insertPayment({ id: `PAY-T${seq++}`, order_id: order.id, channel: 'alipay', amount_fen: 5_000, state: 'created', channel_trade_no: null, created_at: T0, succeeded_at: null, purpose: 'penalty' });
    expect((await store.payments.listPenaltyPayments(order.id)).map((p) => [p.purpose, p.amount_fen])).toEqual([['penalty', 5_000]]);
    const results = await Promise.all([store, other].map((s) => s.tx((r) => r.afterSales.markPenaltyPaid(row.id, 'PAY-X', T0 + 5))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.afterSales.getClosure(row.id)).toMatchObject({ state: 'requested', penalty_payment_id: 'PAY-X', penalty_paid_at: T0 + 5 });
    expect(await store.afterSales.endClosure(row.id, 'withdrawn', 'changed my mind', T0 + 6)).toBe(true);
    expect(await store.afterSales.endClosure(row.id, 'refused', 'too late', T0 + 7)).toBe(false);
    expect(await store.afterSales.getClosure(row.id)).toMatchObject({ state: 'withdrawn', ended_at: T0 + 6, ended_reason: 'changed my mind' });
    const next = { ...row, id: `AC-T${seq++}`, requested_at: T0 + 10 };
    expect(await store.afterSales.insertClosure(next)).toBe(true);
    expect((await store.afterSales.closureFor(order.id))?.id).toBe(next.id);
  });

  it('resolves a carrier task once, and counts polls since a moment', async () => {
    const order = await anInsertedOrder({ state: 'delivered' });
    await store.afterSales.openTask(order.id, 'activation_unconfirmed', 'no activation', T0);
    const [task] = (await store.afterSales.listTasks('open')).filter((t) => t.order_id === order.id);
    const results = await Promise.all([store, other].map((s, i) => s.tx((r) => r.afterSales.resolveTask(task!.id, 'keep_ours', `note ${i}`, 'A1', T0 + 9))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.afterSales.getTask(task!.id)).toMatchObject({ state: 'resolved', resolution: 'keep_ours', resolved_by: 'A1', closed_at: T0 + 9 });
    expect(await store.afterSales.lastTaskResolvedAt(order.id)).toBe(T0 + 9);
    const polled = (at: number) => ({ order_id: order.id, actor_type: 'system', actor_id: 'carrier', action: 'carrier.polled', from_state: 'delivered', to_state: 'delivered', reason: null, automatic: 1, at });
    await store.orders.insertEvents([polled(T0 + 1), polled(T0 + 10), polled(T0 + 11)]);
    expect(await store.afterSales.countPolls(order.id, T0 + 9)).toBe(2);
    expect(await store.afterSales.countPolls(order.id, 0)).toBe(3);
  });

  it('tells when an order entered a state: its first audit event there, not a later one in the same state', async () => {
    const order = await anInsertedOrder({ state: 'shipped' });
    const ev = (from: string | null, to: string, at: number) => ({ order_id: order.id, actor_type: 'system', actor_id: 'courier', action: 'x', from_state: from, to_state: to, reason: null, automatic: 1, at });
    await store.orders.insertEvents([ev(null, 'pending_payment', T0), ev('pending_payment', 'paid', T0 + 5), ev('packing', 'shipped', T0 + 20), ev('shipped', 'shipped', T0 + 30)]);
    expect(await store.orders.stateEnteredAt(order.id, 'shipped')).toBe(T0 + 20);
    expect(await store.orders.stateEnteredAt(order.id, 'paid')).toBe(T0 + 5);
    expect(await store.orders.stateEnteredAt(order.id, 'delivered')).toBeUndefined();
  });
});
