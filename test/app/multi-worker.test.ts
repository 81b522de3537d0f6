// Several workers on one PostgreSQL database: every timer fires once and every notice goes out once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { compose, type Haoka } from '../../src/main.ts';
import { loadConfig } from '../../src/config.ts';
import { FakeClock } from '../../src/adapters/clock.ts';
import { placeOrder } from '../../src/app/ordering/place-order.ts';
import { issueCustomerToken } from '../../src/app/platform/sign-in.ts';
import { isError } from '../../src/domain/errors.ts';
import { ENGINE, freshDatabase, type TestDatabase } from '../fixtures/engine.ts';
import { ADDRESS, residentId } from '../fixtures/harness.ts';
import { chargeForFreeNumbers } from '../fixtures/catalog.ts';

describe.skipIf(ENGINE !== 'postgres')('three workers on one PostgreSQL database', () => {
  let db: TestDatabase;
  const clock = new FakeClock();
  const nodes: Haoka[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    const config = loadConfig({ HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: 'test-secret-0123456789abcdef' });
    for (let i = 0; i < 3; i++) nodes.push(await compose(config, { clock, log: pino({ level: 'silent' }), seed: i === 0, numbersPerCarrier: 150, simSeed: i * 10, sms: 'simulator' }));
    await chargeForFreeNumbers(nodes[0]!.deps.store.database.db);
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await db?.drop();
  });

  it('close each of 120 overdue orders exactly once and send each notice once', async () => {
    const deps = nodes[0]!.deps;
    const numbers = await deps.store.orders.searchNumbers({ carrier: 'china_mobile', limit: 100 });
    const more = await deps.store.orders.searchNumbers({ carrier: 'china_mobile', limit: 100, offset: 100 });
    const ids: string[] = [];
    for (const [i, n] of [...numbers, ...more].slice(0, 120).entries()) {
      const c = await issueCustomerToken(deps, `137${String(10_000_000 + i)}`);
      if (isError(c)) throw new Error(c.message);
      const o = await placeOrder(deps, { customerId: c.customerId, planId: 'cm-58', numberId: n.id, contactName: '王五', contactPhone: '13700000000', residentId: residentId(i), address: ADDRESS });
      if (isError(o)) throw new Error(o.message);
      ids.push(o.id);
    }
    clock.advance(31 * 60_000);
    // All three drain at once, each claiming small batches so that they really interleave.
    const { fireDueTimers } = await import('../../src/app/platform/fire-timers.ts');
    const { dispatchOutbox } = await import('../../src/app/platform/dispatch-outbox.ts');
    await Promise.all(nodes.map(async (n) => {
      for (;;) {
        const t = await fireDueTimers(n.deps, 7);
        const o = await dispatchOutbox(n.deps, 5);
        if (t === 0 && o === 0) break;
      }
    }));

    const dbx = deps.store.database.db;
    const closes = await dbx.selectFrom('order_events').select(['order_id']).where('action', '=', 'order.closed_unpaid').execute();
    expect(closes).toHaveLength(120);
    expect(new Set(closes.map((e) => e.order_id)).size).toBe(120);
    const orders = await deps.store.orders.getOrders(ids);
    expect(orders.every((o) => o.state === 'cancelled' && o.closeReason === 'payment_timeout')).toBe(true);
    expect(await deps.store.queue.countTimers()).toBe(0);
    expect(await deps.store.queue.outboxBacklog()).toBe(0);
    const inbox = await dbx.selectFrom('notifications').select(['order_id', 'template']).where('template', '=', 'order_closed_unpaid').execute();
    expect(inbox).toHaveLength(120);
    const pushed = nodes.flatMap((n) => n.sims.notifier.sent.filter((m) => m.template === 'order_placed' && m.channel === 'sms'));
    expect(pushed).toHaveLength(120);
  });
});
