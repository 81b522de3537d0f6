// The IoT tables' guarantees, on SQLite by default and on PostgreSQL with HAOKA_TEST_ENGINE=postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/store/db.ts';
import { migrate } from '../../src/adapters/store/migrations/index.ts';
import { Store } from '../../src/adapters/store/store.ts';
import { iotRepos } from '../../src/adapters/store/iot/index.ts';
import { freshDatabase, type TestDatabase } from '../fixtures/engine.ts';

const T0 = Date.UTC(2026, 2, 1);
let tdb: TestDatabase;
let store: Store;

beforeAll(async () => {
  tdb = await freshDatabase();
  const db = openDatabase(tdb.url);
  await migrate(db);
  store = new Store(db);
  await store.tx(async (r) => {
    const iot = iotRepos(r);
    await iot.accounts.insertBusiness({ id: 'E1', name: '某某科技', credit_code: '91350100M000100Y43', contact_name: '李四', contact_phone: '13800000000', created_at: T0 });
    await iot.accounts.upsertPlans([{ id: 'iot-1g', carrier: 'china_mobile', name: '1GB', quotaMb: 1024, monthlyFeeFen: 500, contractMonths: 12, cardFeeFen: 1000, penaltyRule: { kind: 'fixed', fen: 1000 }, activationWindowDays: 15, active: true }], T0);
    await iot.accounts.addStock([{ id: 'S1', carrier: 'china_mobile', first_body: '8986040000000000000', first_number: '1440000000000', size: 10, next_offset: 0 }]);
    await iot.cards.insertBatch({ id: 'B1', business_id: 'E1', plan_id: 'iot-1g', quantity: 2, gross_fen: 2000, discount_percent: 0, amount_fen: 2000, payment_method: 'channel', state: 'paid', payment_deadline: T0, paid_at: T0, created_by: 'x', created_at: T0 });
    await iot.cards.insertCards(['A', 'B', 'C', 'D'].map((id, i) => ({
      id, batch_id: 'B1', business_id: 'E1', seq: i, iccid: `898604000000000000${i}`, msisdn: `144000000000${i}`, state: 'paid', share_fen: 1000, quota_mb: 1024,
      monthly_fee_fen: 500, contract_months: 12, penalty_kind: 'fixed', penalty_value: 1000, activation_window_days: 15, payment_deadline: T0, tracking_no: null,
      delivered_at: null, activated_at: null, closed_at: null, close_reason: null, penalty_fen: null, pending_return: null, pool_id: null, updated_at: T0,
    })));
  });
});
afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

describe('IoT store', () => {
  it('hands out stock ranges that never overlap and refuses more than is left', async () => {
    const a = await store.tx((r) => iotRepos(r).accounts.takeStock('china_mobile', 4));
    const b = await store.tx((r) => iotRepos(r).accounts.takeStock('china_mobile', 6));
    expect([a?.offset, b?.offset]).toEqual([0, 4]);
    expect(await store.tx((r) => iotRepos(r).accounts.takeStock('china_mobile', 1))).toBeNull();
  });

  it('records a job item\u2019s outcome once, and finishes the job when every card has one', async () => {
    await store.tx((r) => iotRepos(r).jobs.insertJob(
      { id: 'J1', business_id: 'E1', batch_id: 'B1', kind: 'activation', state: 'running', total: 2, done: 0, failed: 0, created_by: 'x', created_at: T0, updated_at: T0, finished_at: null },
      ['A', 'B'].map((card_id, seq) => ({ job_id: 'J1', card_id, seq, route: 'activate', refund_fen: 0, penalty_fen: 0, outcome: null, detail: null, handled_at: null })),
    ));
    expect(await iotRepos(store).jobs.busyCards(['A', 'B', 'C'])).toEqual(expect.arrayContaining(['A', 'B']));
    const outcome = (cardId: string, o: string, detail: string | null = null) => ({ cardId, outcome: o, detail });
    expect(await store.tx((r) => iotRepos(r).jobs.finishItems('J1', [outcome('A', 'done')], T0))).toEqual(new Set(['A']));
    expect(await store.tx((r) => iotRepos(r).jobs.finishItems('J1', [outcome('A', 'failed'), outcome('C', 'done')], T0))).toEqual(new Set());
    await store.tx((r) => iotRepos(r).jobs.countProgress('J1', 1, 0, T0));
    expect((await iotRepos(store).jobs.openItems('J1', 10)).map((i) => i.card_id)).toEqual(['B']);
    await store.tx(async (r) => {
      expect(await iotRepos(r).jobs.finishItems('J1', [outcome('A', 'done'), outcome('B', 'failed', 'carrier refused')], T0)).toEqual(new Set(['B']));
      await iotRepos(r).jobs.countProgress('J1', 0, 1, T0);
    });
    expect(await iotRepos(store).jobs.getJob('J1')).toMatchObject({ state: 'done', done: 1, failed: 1, finished_at: T0 });
  });

  it('keeps one refund per card whatever is tried', async () => {
    const row = { card_id: 'A', batch_id: 'B1', cancellation_id: 'X1', payment_id: 'P1', channel: 'alipay', amount_fen: 1000, state: 'pending', channel_refund_no: null, last_error: null, created_at: T0, updated_at: T0 };
    expect(await store.tx((r) => iotRepos(r).jobs.insertRefund({ id: 'R1', ...row }))).toBe(true);
    expect(await store.tx((r) => iotRepos(r).jobs.insertRefund({ id: 'R2', ...row }))).toBe(false);
    expect(await store.tx((r) => iotRepos(r).jobs.insertRefunds([{ id: 'R3', ...row }, { id: 'R4', ...row, card_id: 'B' }]))).toBe(1);
    expect((await iotRepos(store).jobs.refundsOf('X1')).map((x) => x.id).sort()).toEqual(['R1', 'R4']);
  });

  it('takes each card\u2019s usage of a day once', async () => {
    const rows = [{ card_id: 'A', day: '2026-03-01', used_mb: 100, pool_id: 'P1', reported_at: T0 }, { card_id: 'B', day: '2026-03-01', used_mb: 50, pool_id: 'P1', reported_at: T0 }];
    expect(await store.tx((r) => iotRepos(r).cards.insertUsage(rows))).toBe(2);
    expect(await store.tx((r) => iotRepos(r).cards.insertUsage(rows))).toBe(0);
    expect(await iotRepos(store).cards.poolUsageMb('P1', '2026-03-01', '2026-03-31')).toBe(150);
  });

  it('moves a card only from the state it was read in', async () => {
    expect(await store.tx((r) => iotRepos(r).cards.moveCard('A', 'paid', { state: 'cancelled' }, T0))).toBe(true);
    expect(await store.tx((r) => iotRepos(r).cards.moveCard('A', 'paid', { state: 'cancelled' }, T0))).toBe(false);
  });

  it('moves a chunk of cards together, each only from the state it was read in and not while it is coming back', async () => {
    const cancel = { state: 'cancelled' as const, close_reason: 'customer_cancelled', closed_at: T0 };
    const moved = await store.tx((r) => iotRepos(r).cards.moveCards([{ id: 'C', from: 'paid', patch: cancel }, { id: 'D', from: 'paid', patch: cancel }], T0));
    expect(moved).toEqual(new Set(['C', 'D']));
    expect(await store.tx((r) => iotRepos(r).cards.moveCards([{ id: 'C', from: 'paid', patch: cancel }, { id: 'D', from: 'cancelled', patch: { pending_return: 'return' } }], T0))).toEqual(new Set(['D']));
    expect(await store.tx((r) => iotRepos(r).cards.moveCards([{ id: 'D', from: 'cancelled', patch: { pending_return: 'intercept' } }], T0))).toEqual(new Set());
    expect((await iotRepos(store).cards.getCards(['C', 'D'])).map((c) => [c.id, c.state, c.close_reason, c.pending_return]).sort()).toEqual([['C', 'cancelled', 'customer_cancelled', null], ['D', 'cancelled', 'customer_cancelled', 'return']]);
  });
});
