// Bulk orders for a store the size of a real platform (`haoka seed --orders <n>`). Rather than writing rows
// by hand, it first runs the real flows through the HTTP API on a simulated clock, one order per state and
// plan (pending with its timers, paid, packing, shipped, delivered, activated, cancelled unpaid, closed by
// timeout, cancelled after payment with its refund, open review request with its SLA timers), and records
// every row each order left in every table. Those rows are the templates: each bulk order is a copy of one,
// with its own ids, number, customer (phone and resident ID hashed and sealed with the store's key) and
// times shifted into the past, written in bulk transactions. Row for row what the use cases write (terms as sold too).
import type { Kysely } from 'kysely';
import { FakeClock } from '../adapters/clock.ts';
import type { Config } from '../config.ts';
import { compose } from '../main.ts';
import { maskResidentId } from '../domain/resident-id.ts';
import { SeededRandom } from '../adapters/sim/random.ts';
import { MIX, recordTemplates, type Template, type TemplateInfo, type TemplateState } from './order-templates.ts';
import { b36, instantiate, NUMBER_PREFIX, seededCustomerPhone, seededResidentId, type CustomerValues } from './order-copies.ts';
import { postgresSink, sqliteSink, type OutRow } from './order-sinks.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface SeedProgress { done: number; total: number; ms: number }
export interface SeedResult { orders: number; customers: number; rows: number; ms: number; templates: number; byState: Record<string, number> }

/**
 * Fills the store with `orders` orders over `orders / 5` customers. `progress` is called after every batch.
 * The store is brought up to date and given the demo catalog and staff if it has none.
 */
export interface WriteOptions {
  batch?: number;
  seed?: number;
  /** Only these states, in these shares (default: MIX). */
  mix?: Partial<Record<TemplateState, { weight: number; within: number }>>;
  /** When the i-th order of this call was placed; by default spread over its state's `within`. */
  placedAt?: (i: number, t: TemplateInfo) => number;
  /** Customers the orders spread over (default: one for every five orders); only new ones are written. */
  customers?: number;
  progress?: (p: SeedProgress) => void;
}

export interface Seeder {
  templates: TemplateInfo[];
  write(orders: number, opts?: WriteOptions): Promise<SeedResult>;
  close(): Promise<void>;
}

/**
 * Records the flows once (about a second of real use cases on a simulated clock); each `write` then adds
 * orders copied from them. The store is brought up to date and given the demo catalog and staff if it has none.
 */
export async function openSeeder(config: Config): Promise<Seeder> {
  const started = performance.now();
  const now = Date.now();
  const clock = new FakeClock(now - 3 * DAY);
  // The recorded flows drive the courier simulator scan by scan and pay through the channel simulators (order-templates.ts).
  const haoka = await compose({ ...config, logLevel: 'silent' }, { clock, seed: true, webDir: null, courier: 'simulator', sms: 'simulator', alipay: 'simulator', wechat: 'simulator' });
  let templates: Template[];
  try {
    templates = await recordTemplates(haoka, clock);
  } catch (e) {
    await haoka.close();
    throw e;
  }
  const recordMs = performance.now() - started;
  const db = haoka.deps.store.database;
  const sink = db.engine === 'sqlite' ? sqliteSink(config.databaseUrl) : postgresSink(db.db as Kysely<any>);
  const vault = haoka.deps.secrets.phoneVault();
  const customerValues = (c: number): CustomerValues => {
    const phone = seededCustomerPhone(c);
    const rid = seededResidentId(c);
    return { id: `CS${b36(c, 9)}`, phone, masked: vault.mask(phone), hash: vault.hash(phone), enc: vault.seal(phone), idHash: haoka.deps.secrets.hash('resident-id', rid), idMasked: maskResidentId(rid) };
  };
  let customersWritten = 0;
  let nextIndex = 0;
  let first = true;
  return {
    templates,
    async close() {
      await sink.close();
      await haoka.close();
    },
    async write(orders, opts = {}) {
      const t0 = performance.now() - (first ? recordMs : 0);
      first = false;
      const customers = opts.customers ?? Math.max(1, Math.ceil(orders / 5));
      const batch = opts.batch ?? 2000;
      const random = new SeededRandom(opts.seed ?? 20261127 + nextIndex);
      const rnd = () => random.next();
      const mix = opts.mix ?? MIX;
      const byState: Record<string, number> = {};
      const cumulative: { at: number; t: Template[] }[] = [];
      let total = 0;
      for (const [state, m] of Object.entries(mix) as [TemplateState, { weight: number }][]) {
        total += m.weight;
        cumulative.push({ at: total, t: templates.filter((t) => t.state === state) });
      }
      let rows = 0;
      // New customers first, in batches of their own.
      const cols = ['id', 'phone', 'created_at', 'phone_enc', 'phone_masked'];
      for (let c = customersWritten; c < customers; c += batch) {
        const out: OutRow[] = [];
        for (let i = c; i < Math.min(customers, c + batch); i++) {
          const v = customerValues(i);
          out.push({ table: 'customers', key: 'customers', cols, values: [v.id, v.hash, now - 200 * DAY + Math.floor(i * ((20 * DAY) / customers)), v.enc, v.masked] });
        }
        await sink.write({ customers: out });
        rows += out.length;
      }
      customersWritten = Math.max(customersWritten, customers);
      const cache = new Map<number, CustomerValues>();
      for (let k = 0; k < orders; k += batch) {
        const tables: Record<string, OutRow[]> = {};
        for (let i = k; i < Math.min(orders, k + batch); i++) {
          const pick = rnd() * total;
          const group = cumulative.find((g) => pick < g.at)!;
          const t = group.t[Math.floor(rnd() * group.t.length)]!;
          const index = nextIndex++;
          const c = (index * 7919) % customers;
          let cust = cache.get(c);
          if (!cust) {
            cust = customerValues(c);
            if (cache.size > 10_000) cache.clear();
            cache.set(c, cust);
          }
          const placedAt = opts.placedAt ? opts.placedAt(i, t) : now - Math.floor(rnd() * mix[t.state]!.within) - MIN;
          const number = `${NUMBER_PREFIX[t.carrier] ?? '199'}${String(index).padStart(8, '0')}`;
          for (const r of instantiate(t, index, placedAt, number, cust)) {
            (tables[r.table] ??= []).push(r);
            rows++;
          }
          byState[t.state] = (byState[t.state] ?? 0) + 1;
        }
        await sink.write(tables);
        opts.progress?.({ done: Math.min(orders, k + batch), total: orders, ms: performance.now() - t0 });
      }
      return { orders, customers, rows, ms: performance.now() - t0, templates: templates.length, byState };
    },
  };
}

/** Fills the store with `orders` orders over `orders / 5` customers. `progress` is called after every batch. */
export async function seedOrders(config: Config, orders: number, opts: WriteOptions = {}): Promise<SeedResult> {
  const seeder = await openSeeder(config);
  try {
    return await seeder.write(orders, opts);
  } finally {
    await seeder.close();
  }
}
