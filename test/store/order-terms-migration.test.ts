// Migration 013 on either engine: orders placed before it take their plan's rules of the day as their terms, so
// none is left without; afterwards the database itself refuses an order without terms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/store/db.ts';
import { migrate } from '../../src/adapters/store/migrations/index.ts';
import { fromOrder } from '../../src/adapters/store/rows.ts';
import { Store } from '../../src/adapters/store/store.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { anOrder, T0 } from '../fixtures/builders.ts';
import { ENGINE, freshDatabase, type TestDatabase } from '../fixtures/engine.ts';

let tdb: TestDatabase;
let db: Database;

/** An order row as stores before 013 wrote it: no terms columns. */
function oldRow(id: string, planId: string, numberId: string) {
  const row: Record<string, unknown> = { ...fromOrder(anOrder({ id, planId, numberId, number: numberId.slice(1) })), contact_phone_hash: null, contact_phone_enc: null };
  for (const k of Object.keys(row)) if (k.startsWith('terms_')) delete row[k];
  return row;
}

beforeAll(async () => {
  tdb = await freshDatabase();
  db = openDatabase(tdb.url);
  await migrate(db, '012_idempotency_expiry');
  await seedDemo(new Store(db), T0, 5);
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

describe(`migration 013 (terms as sold) on ${ENGINE}`, () => {
  it('gives every existing order its plan\u2019s current rules as its terms, then refuses an order without terms', async () => {
    const numbers = await db.db.selectFrom('numbers').select('id').orderBy('id').limit(3).execute();
    await db.db.insertInto('customers').values({ id: 'C1', phone: 'hash-of-a-phone', created_at: T0 } as never).execute();
    await db.db.insertInto('orders').values([
      oldRow('HK-OLD1', 'cu-99', numbers[0]!.id), oldRow('HK-OLD2', 'cm-129', numbers[1]!.id),
    ] as never).execute();

    expect(await migrate(db, '013_order_terms')).toEqual(['013_order_terms']);

    const store = new Store(db);
    expect((await store.orders.getOrder('HK-OLD1'))?.terms).toEqual({
      planPriceFen: 1000, monthlyFeeFen: 9900, contractMonths: 12, penaltyRule: { kind: 'fixed', fen: 10_000 }, activationWindowDays: 20, trialDays: 15,
    });
    expect((await store.orders.getOrder('HK-OLD2'))?.terms).toEqual({
      planPriceFen: 5000, monthlyFeeFen: 12_900, contractMonths: 24, penaltyRule: { kind: 'remaining_share', percent: 50 }, activationWindowDays: 30, trialDays: 0,
    });

    await expect(db.db.insertInto('orders').values(oldRow('HK-NEW', 'cu-99', numbers[2]!.id) as never).execute()).rejects.toThrow(/not.null|NOT NULL/i);
    expect(await db.db.selectFrom('orders').select('id').where('id', '=', 'HK-NEW').execute()).toEqual([]);
  });
});
