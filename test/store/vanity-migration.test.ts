// Migration 018b on either engine: free numbers priced by the demo seed's former rule (a trailing 8 or any doubled
// last digit made a plain number a ¥10 vanity number) are priced from their digits; others are left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/store/db.ts';
import { migrate } from '../../src/adapters/store/migrations/index.ts';
import { T0 } from '../fixtures/builders.ts';
import { ENGINE, freshDatabase, type TestDatabase } from '../fixtures/engine.ts';

let tdb: TestDatabase;
let db: Database;

beforeAll(async () => {
  tdb = await freshDatabase();
  db = openDatabase(tdb.url);
  await migrate(db, '018_suppliers');
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

const row = (id: string, number: string, level: number, price: number, state = 'free') => ({ id, carrier: 'china_mobile', number, vanity_level: level, price_fen: price, state, order_id: null, updated_at: T0 });

describe(`migration 018b (vanity from the digits) on ${ENGINE}`, () => {
  it('prices the former rule\u2019s plain numbers at nothing, and leaves hand-priced and taken numbers alone', async () => {
    await db.db.insertInto('numbers').values([
      row('N1', '13864997108', 1, 1000),
      row('N2', '13800008888', 3, 50_000),
      row('N3', '13864997118', 1, 3000),
      row('N4', '13864997128', 1, 1000, 'locked'),
      row('N5', '13864990168', 1, 1000),
    ] as never).execute();
    await migrate(db);
    const got = await db.db.selectFrom('numbers').select(['id', 'vanity_level', 'price_fen']).orderBy('id').execute();
    expect(got.map((r) => [r.id, Number(r.vanity_level), Number(r.price_fen)])).toEqual([
      ['N1', 0, 0], ['N2', 4, 50_000], ['N3', 1, 3000], ['N4', 1, 1000], ['N5', 1, 2000],
    ]);
  });
});
