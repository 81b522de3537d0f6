// Supplier tables (migration 018) on both engines: HAOKA_TEST_ENGINE=postgres runs it on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/store/db.ts';
import { migrate } from '../../src/adapters/store/migrations/index.ts';
import { Store } from '../../src/adapters/store/store.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { Secrets } from '../../src/app/platform/secrets.ts';
import { anOrder, T0 } from '../fixtures/builders.ts';
import { ENGINE, freshDatabase, type TestDatabase } from '../fixtures/engine.ts';

let tdb: TestDatabase;
let store: Store;
let seq = 0;

beforeAll(async () => {
  tdb = await freshDatabase();
  const db = openDatabase(tdb.url);
  await migrate(db);
  store = new Store(db);
  store.protectWith(new Secrets('supplier-store-secret').phoneVault());
  await seedDemo(store, T0, 20);
  await store.accounts.ensureCustomer('C1', '13800000000', T0);
});
afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

async function anOrderOf(state: 'pending_payment' | 'paid' | 'cancelled') {
  const free = (await store.orders.searchNumbers({ carrier: 'china_mobile', limit: 1 }))[0]!;
  const order = anOrder({ id: `HK-S${seq++}`, numberId: free.id, number: free.number, state });
  await store.tx(async (r) => {
    await r.orders.lockNumber(free.id, order.id, T0);
    await r.orders.insertOrder(order);
  });
  return order;
}

const supplierOrder = (orderId: string) => ({
  order_id: orderId, supplier_id: 'acme', plan_id: 'sp-acme-P1', supplier_plan_id: 'P1', reservation: null, real_name_enc: 'sealed', disclosure: '{}',
  submission: 'waiting', submit_error: null, supplier_order_id: null, state: null, waybill: null, iccid: null, produced_number: null,
  activated_at: null, first_top_up_fen: null, first_top_up_at: null, reason: null, polled_at: null, after_sale: null, updated_at: T0, created_at: T0,
});

describe(`supplier tables on ${ENGINE}`, () => {
  it('keeps a supplier\u2019s plan with its terms and disclosure, one per product', async () => {
    await store.suppliers.insertPlan({ plan_id: 'sp-acme-P1', supplier_id: 'acme', supplier_plan_id: 'P1', terms: '{"a":1}', disclosure: '{"freeCard":true}', state: 'new', synced_at: T0, withdrawn_at: null });
    await expect(store.suppliers.insertPlan({ plan_id: 'sp-acme-P1b', supplier_id: 'acme', supplier_plan_id: 'P1', terms: '{}', disclosure: '{}', state: 'new', synced_at: T0, withdrawn_at: null })).rejects.toThrow();
    await store.suppliers.updatePlan('sp-acme-P1', { state: 'withdrawn', withdrawn_at: T0 + 5 });
    expect(await store.suppliers.getPlan('sp-acme-P1')).toEqual({ plan_id: 'sp-acme-P1', supplier_id: 'acme', supplier_plan_id: 'P1', terms: '{"a":1}', disclosure: '{"freeCard":true}', state: 'withdrawn', synced_at: T0, withdrawn_at: T0 + 5 });
    expect((await store.suppliers.listPlans('acme')).map((p) => p.plan_id)).toEqual(['sp-acme-P1']);
  });

  it('ties a running hold to one order only, never after it ran out', async () => {
    const hold = (id: string, expiresAt: number) => store.suppliers.insertReservation({ id, supplier_id: 'acme', plan_id: 'sp-acme-P1', number: '13800001111', reservation_id: `ZY-${id}`, expires_at: expiresAt, order_id: null, state: 'held', created_at: T0, released_at: null });
    await hold('R1', T0 + 600_000);
    await hold('R2', T0 + 1000);
    expect(await store.suppliers.attachReservation('R1', 'HK-X', T0)).toBe(true);
    expect(await store.suppliers.attachReservation('R1', 'HK-Y', T0)).toBe(false);
    expect(await store.suppliers.attachReservation('R2', 'HK-Y', T0 + 1000)).toBe(false);
  });

  it('finds the holds to give back: run out unused, or of an order that closed', async () => {
    const closed = await anOrderOf('cancelled');
    const live = await anOrderOf('pending_payment');
    await store.suppliers.insertReservation({ id: 'R3', supplier_id: 'acme', plan_id: 'sp-acme-P1', number: '13800002222', reservation_id: 'ZY3', expires_at: T0 + 600_000, order_id: closed.id, state: 'held', created_at: T0, released_at: null });
    await store.suppliers.insertReservation({ id: 'R4', supplier_id: 'acme', plan_id: 'sp-acme-P1', number: '13800003333', reservation_id: 'ZY4', expires_at: T0 + 600_000, order_id: live.id, state: 'held', created_at: T0, released_at: null });
    expect((await store.suppliers.releasableReservations(T0 + 2000, 10)).map((r) => r.id).sort()).toEqual(['R2', 'R3']);
    await store.suppliers.setReservationState('R2', 'released', T0 + 2000);
    expect((await store.suppliers.getReservation('R2'))).toMatchObject({ state: 'released', released_at: T0 + 2000 });
    expect((await store.suppliers.releasableReservations(T0 + 2000, 10)).map((r) => r.id)).toEqual(['R3']);
  });

  it('lists paid orders waiting for submission, and polls accepted ones not heard of lately', async () => {
    const paid = await anOrderOf('paid');
    const unpaid = await anOrderOf('pending_payment');
    await store.suppliers.insertOrder(supplierOrder(paid.id));
    await store.suppliers.insertOrder(supplierOrder(unpaid.id));
    expect(await store.suppliers.waitingSubmissions(10)).toEqual([paid.id]);
    await store.suppliers.updateOrder(paid.id, { submission: 'accepted', supplier_order_id: 'SO1', state: 'submitted', real_name_enc: null, updated_at: T0 + 10, first_top_up_fen: 5000 });
    expect(await store.suppliers.waitingSubmissions(10)).toEqual([]);
    expect(await store.suppliers.duePolls(T0 + 5, 10)).toEqual([]);
    expect((await store.suppliers.duePolls(T0 + 10, 10)).map((r) => [r.order_id, r.supplier_order_id, r.first_top_up_fen])).toEqual([[paid.id, 'SO1', 5000]]);
  });

  it('receives each callback event once', async () => {
    const row = { supplier_id: 'acme', event_id: 'EV1', order_id: 'HK-1', state: 'shipped', outcome: 'applied', received_at: T0 };
    expect(await store.tx((r) => r.suppliers.recordCallback(row))).toBe(true);
    expect(await store.tx((r) => r.suppliers.recordCallback({ ...row, received_at: T0 + 1 }))).toBe(false);
    expect(await store.suppliers.callbacksOf('HK-1')).toEqual([row]);
  });

  it('keeps a plan’s rules with every change, and counts recent orders of an ID with a carrier', async () => {
    expect(await store.tx((r) => r.eligibility.putRules('sp-acme-P1', '{"a":1}', 'supplier', 'supplier:acme', T0))).toBe(true);
    expect(await store.tx((r) => r.eligibility.putRules('sp-acme-P1', '{"a":1}', 'supplier', 'supplier:acme', T0 + 1))).toBe(false);
    expect(await store.tx((r) => r.eligibility.putRules('sp-acme-P1', '{"a":2}', 'operator', 'A-operator', T0 + 2))).toBe(true);
    expect(await store.eligibility.getRules('sp-acme-P1')).toEqual({ plan_id: 'sp-acme-P1', rules: '{"a":2}', source: 'operator', updated_at: T0 + 2, updated_by: 'A-operator' });
    expect((await store.eligibility.changes('sp-acme-P1')).map((c) => [c.before, c.after, c.changed_by, c.changed_at])).toEqual([[null, '{"a":1}', 'supplier:acme', T0], ['{"a":1}', '{"a":2}', 'A-operator', T0 + 2]]);
    const counted = await store.eligibility.recentOrders('h', 'china_mobile', T0);
    expect(counted).toBeGreaterThan(0);
    expect(await store.eligibility.recentOrders('h', 'china_mobile', T0 + 1)).toBe(0);
    expect(await store.eligibility.recentOrders('h', 'china_unicom', T0)).toBe(0);
  });

  it('matches blacklisted hashes by kind until removed, and keeps each hit', async () => {
    const id = await store.tx((r) => r.eligibility.addEntry({ kind: 'phone', value_hash: 'ph1', masked: '138****0000', note: 'fraud', created_by: 'A-operator', created_at: T0 }));
    expect((await store.eligibility.matches([{ kind: 'phone', hash: 'ph1' }, { kind: 'address', hash: 'ph1' }])).map((e) => [e.id, e.kind])).toEqual([[id, 'phone']]);
    await store.tx((r) => r.eligibility.recordHit({ entry_id: id, kind: 'phone', plan_id: 'sp-acme-P1', customer_id: 'C1', at: T0 + 1 }));
    expect((await store.eligibility.hits()).map((x) => [x.entry_id, x.plan_id, x.customer_id, x.at])).toEqual([[id, 'sp-acme-P1', 'C1', T0 + 1]]);
    expect(await store.tx((r) => r.eligibility.removeEntry(id, T0 + 2))).toBe(true);
    expect(await store.tx((r) => r.eligibility.removeEntry(id, T0 + 3))).toBe(false);
    expect(await store.eligibility.matches([{ kind: 'phone', hash: 'ph1' }])).toEqual([]);
  });
});
