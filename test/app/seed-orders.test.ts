// `haoka seed --orders`: bulk orders copied from flows run for real, in every state, that the rest of the
// product reads as its own: the invariants hold, seeded customers sign in and see their orders, agents see
// the open requests, and timers fire on them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { compose, type Haoka } from '../../src/main.ts';
import { checkInvariants } from '../../src/app/platform/check-invariants.ts';
import { issueAgentToken, issueCustomerToken } from '../../src/app/platform/sign-in.ts';
import { isError } from '../../src/domain/errors.ts';
import { seedOrders, type SeedResult } from '../../src/seed/orders.ts';
import { seededCustomerPhone } from '../../src/seed/order-copies.ts';
import { freshDatabase, type TestDatabase } from '../fixtures/engine.ts';
import { DEMO_PLANS } from '../../src/seed/demo.ts';

let db: TestDatabase;
let haoka: Haoka;
let seeded: SeedResult;
const ORDERS = 600;

beforeAll(async () => {
  db = await freshDatabase();
  const config = loadConfig({ HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: 'test-secret-0123456789abcdef' });
  seeded = await seedOrders(config, ORDERS, { batch: 100 });
  haoka = await compose(config, { log: pino({ level: 'silent' }) });
}, 120_000);
afterAll(async () => {
  await haoka?.close();
  await db?.drop();
});

const count = async (table: string, where?: [string, string]) => {
  let q = (haoka.deps.store.database.db as Kysely<any>).selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  if (where) q = q.where(where[0], '=', where[1]);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

describe('seeding a store with orders in every state', () => {
  it('writes the orders asked for, over customers of their own, in every state, and the invariants hold', async () => {
    expect(seeded.orders).toBe(ORDERS);
    expect(seeded.customers).toBe(ORDERS / 5);
    // The recorded flows are orders of the store too.
    expect(await count('orders')).toBe(ORDERS + seeded.templates);
    expect(Object.keys(seeded.byState).sort()).toEqual(['activated', 'cancelled_refunded', 'cancelled_unpaid', 'closed_timeout', 'delivered', 'open_request', 'packing', 'paid', 'pending_payment', 'shipped']);
    for (const state of ['pending_payment', 'paid', 'packing', 'shipped', 'delivered', 'activated', 'cancelled']) expect(await count('orders', ['state', state]), state).toBeGreaterThan(0);
    expect(await count('refunds', ['state', 'succeeded'])).toBeGreaterThanOrEqual(seeded.byState.cancelled_refunded!);
    expect(await count('timers', ['kind', 'review_sla_warning'])).toBeGreaterThanOrEqual(seeded.byState.open_request!);
    expect(await count('timers', ['kind', 'payment_deadline'])).toBeGreaterThanOrEqual(seeded.byState.pending_payment!);
    const { violations } = await checkInvariants(haoka.deps.store);
    expect(violations).toEqual([]);
  });

  it('writes every order with the terms its plan was sold with', async () => {
    const rows = await (haoka.deps.store.database.db as Kysely<any>).selectFrom('orders')
      .select(['plan_id', 'terms_plan_price_fen', 'terms_monthly_fee_fen', 'terms_contract_months', 'terms_penalty_kind', 'terms_penalty_value', 'terms_activation_window_days', 'terms_trial_days'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy(['plan_id', 'terms_plan_price_fen', 'terms_monthly_fee_fen', 'terms_contract_months', 'terms_penalty_kind', 'terms_penalty_value', 'terms_activation_window_days', 'terms_trial_days'])
      .execute();
    expect(rows.reduce((n, r) => n + Number(r.n), 0)).toBe(ORDERS + seeded.templates);
    for (const r of rows) {
      const p = DEMO_PLANS.find((x) => x.id === r.plan_id)!;
      expect(r, r.plan_id).toMatchObject({
        terms_plan_price_fen: p.priceFen, terms_monthly_fee_fen: p.monthlyFeeFen, terms_contract_months: p.contractMonths, terms_penalty_kind: p.penaltyRule.kind,
        terms_penalty_value: p.penaltyRule.kind === 'fixed' ? p.penaltyRule.fen : p.penaltyRule.percent,
        terms_activation_window_days: p.activationWindowDays, terms_trial_days: p.trialDays,
      });
    }
  });

  it('lets a seeded customer sign in with their phone and read their orders, and an agent read the queue', async () => {
    const app = await haoka.server();
    const c = await issueCustomerToken(haoka.deps, seededCustomerPhone(7));
    if (isError(c)) throw new Error(c.message);
    const list = await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { authorization: `Bearer ${c.token}` } });
    expect(list.statusCode).toBe(200);
    const orders = JSON.parse(list.body).orders as { id: string; contactPhone?: string }[];
    expect(orders.length).toBe(5);
    const page = await app.inject({ method: 'GET', url: `/api/v1/orders/${orders[0]!.id}`, headers: { authorization: `Bearer ${c.token}` } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(seededCustomerPhone(7).slice(-4));
    const other = await issueCustomerToken(haoka.deps, seededCustomerPhone(8));
    if (isError(other)) throw new Error(other.message);
    expect((await app.inject({ method: 'GET', url: `/api/v1/orders/${orders[0]!.id}`, headers: { authorization: `Bearer ${other.token}` } })).statusCode).toBe(404);
    const agent = await issueAgentToken(haoka.deps, 'agent');
    if (isError(agent)) throw new Error(agent.message);
    const queue = await app.inject({ method: 'GET', url: '/api/v1/agent/requests?limit=200', headers: { authorization: `Bearer ${agent.token}` } });
    expect(queue.statusCode).toBe(200);
    expect(JSON.parse(queue.body).requests.length).toBeGreaterThanOrEqual(seeded.byState.open_request!);
  });

  it('leaves timers the worker fires like any other: unpaid orders close at their deadline', async () => {
    const pending = await count('orders', ['state', 'pending_payment']);
    expect(pending).toBeGreaterThan(0);
    const deadline = (haoka.deps.store.database.db as Kysely<any>).selectFrom('orders').select((eb) => eb.fn.max('payment_deadline').as('d')).where('state', '=', 'pending_payment');
    const last = Number((await deadline.executeTakeFirstOrThrow()).d);
    const later = await compose(loadConfig({ HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: 'test-secret-0123456789abcdef' }), { log: pino({ level: 'silent' }), clock: { now: () => last + 1000 } });
    try {
      await later.worker.drain();
      expect(await count('orders', ['state', 'pending_payment'])).toBe(0);
      expect((await checkInvariants(later.deps.store)).violations).toEqual([]);
    } finally {
      await later.close();
    }
  });
});
