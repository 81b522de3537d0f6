// The distribution tables on either engine (HAOKA_TEST_ENGINE=postgres for PostgreSQL): rule log, first top-up,
// nonces, and a ledger that takes each kind of entry once per line and refuses any change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/store/db.ts';
import { migrate } from '../../src/adapters/store/migrations/index.ts';
import { Store } from '../../src/adapters/store/store.ts';
import { entry } from '../../src/domain/distribution/ledger.ts';
import { ENGINE, freshDatabase, type TestDatabase } from '../fixtures/engine.ts';

let tdb: TestDatabase;
let store: Store;
const T0 = Date.UTC(2026, 10, 1);
const RULE = { levelFen: [100, 80, 50] as [number, number, number], requireActivation: true as const, minFirstTopUpFen: 0, daysInService: 0, probationDays: 0 };

beforeAll(async () => {
  tdb = await freshDatabase();
  const db = openDatabase(tdb.url);
  await migrate(db);
  store = new Store(db);
});
afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

describe(`distribution tables on ${ENGINE}`, () => {
  it('logs a rule change once; saving the same rule again writes nothing', async () => {
    expect(await store.tx((r) => r.distribution.putRule('p1', RULE, 'op', T0))).toBe(true);
    expect(await store.tx((r) => r.distribution.putRule('p1', RULE, 'op', T0 + 1))).toBe(false);
    expect(await store.tx((r) => r.distribution.putRule('p1', { ...RULE, probationDays: 30 }, 'op', T0 + 2))).toBe(true);
    const log = await store.distribution.listRuleChanges('p1');
    expect(log.map((c) => [c.old_value === null, JSON.parse(c.new_value).probationDays])).toEqual([[true, 0], [false, 30]]);
    expect((await store.distribution.getRule('p1'))?.probationDays).toBe(30);
  });

  it('keeps the first top-up only, and each nonce once per app key', async () => {
    expect(await store.distribution.recordFirstTopUp('HK1', 5000, T0)).toBe(true);
    expect(await store.distribution.recordFirstTopUp('HK1', 9000, T0 + 1)).toBe(false);
    expect((await store.distribution.getTopUps(['HK1'])).get('HK1')).toEqual({ amountFen: 5000, at: T0 });
    expect(await store.exchanges.useNonce('ak1', 'nonce-0001', T0)).toBe(true);
    expect(await store.exchanges.useNonce('ak1', 'nonce-0001', T0)).toBe(false);
    expect(await store.exchanges.useNonce('ak2', 'nonce-0001', T0)).toBe(true);
    await store.exchanges.forgetNonces(T0 + 1);
    expect(await store.exchanges.useNonce('ak1', 'nonce-0001', T0 + 2)).toBe(true);
  });

  it('takes each kind of entry once per order and distributor, and refuses any change to an entry', async () => {
    await store.distribution.insertEntries([entry('accrue', 'D1', 'HK2', 800, T0), entry('accrue', 'D2', 'HK2', 200, T0)]);
    await expect(store.distribution.insertEntries([entry('accrue', 'D1', 'HK2', 800, T0 + 1)])).rejects.toThrow();
    await store.distribution.insertEntries([entry('qualify', 'D1', 'HK2', 800, T0 + 2)]);
    expect(await store.distribution.ordersWithPendingLines()).toEqual(['HK2']);
    expect(await store.distribution.eligibleLines()).toEqual([{ orderId: 'HK2', distributorId: 'D1', amountFen: 800 }]);
    const balances = await store.distribution.accountBalances('distributor:D1:');
    expect(Object.fromEntries(balances)).toEqual({ 'distributor:D1:pending': 0, 'distributor:D1:eligible': 800 });
    await expect(store.database.db.updateTable('commission_entries' as never).set({ amount_fen: 1 } as never).execute()).rejects.toThrow(/append-only/);
    await expect(store.database.db.deleteFrom('commission_entries' as never).execute()).rejects.toThrow(/append-only/);
    expect((await store.distribution.entriesOfOrders(['HK2'])).map((e) => e.kind)).toEqual(['accrue', 'accrue', 'qualify']);
  });
});
