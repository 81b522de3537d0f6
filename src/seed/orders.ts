// Bulk orders for a store the size of a real platform (`haoka seed --orders <n>`). Rather than writing rows
// by hand, it first runs the real flows through the HTTP API on a simulated clock, one order per state and
// plan (pending with its timers, paid, packing, shipped, delivered, activated, cancelled unpaid, closed by
// timeout, cancelled after payment with its refund, open review request with its SLA timers), and records
// every row each order left in every table. Those rows are the templates: each bulk order is a copy of one,
// with its own ids, number, customer (phone and resident ID hashed and sealed with the store's key) and
// times shifted into the past, written in bulk transactions. Row for row what the use cases write (terms as sold too).
import SqliteDatabase from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { FakeClock } from '../adapters/clock.ts';
import type { Config } from '../config.ts';
import { compose } from '../main.ts';
import { issueAgentToken, issueCustomerToken } from '../app/platform/sign-in.ts';
import { isError } from '../domain/errors.ts';
import { luhnCheckDigit } from '../domain/iccid.ts';
import { maskResidentId, withCheckDigit } from '../domain/resident-id.ts';
import { SeededRandom } from '../adapters/sim/random.ts';

type Row = Record<string, unknown>;

/** Tables an order's rows live in, and how they link to it. */
const BY_ORDER = ['order_events', 'timers', 'outbox', 'payments', 'refunds', 'refund_events', 'notifications', 'cancellation_requests',
  'risk_flags', 'callback_events', 'returns', 'account_closures', 'carrier_tasks'] as const;
/** Tables whose integer key the database assigns. */
const SERIAL = new Set(['order_events', 'timers', 'outbox', 'refund_events', 'notifications', 'risk_flags', 'callback_events', 'carrier_tasks',
  'payment_notifications', 'refund_notifications']);
/** Insert order: what a row refers to goes first. */
const TABLES = ['numbers', 'orders', ...BY_ORDER, 'payment_notifications', 'refund_notifications'] as const;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export type TemplateState = 'pending_payment' | 'closed_timeout' | 'cancelled_unpaid' | 'paid' | 'packing' | 'shipped' | 'delivered'
  | 'activated' | 'cancelled_refunded' | 'open_request';

/** Share of the orders in each state, and how far back their placing is spread. */
export const MIX: Record<TemplateState, { weight: number; within: number }> = {
  activated: { weight: 38, within: 180 * DAY },
  closed_timeout: { weight: 20, within: 180 * DAY },
  cancelled_unpaid: { weight: 10, within: 180 * DAY },
  cancelled_refunded: { weight: 9, within: 180 * DAY },
  delivered: { weight: 8, within: 12 * DAY },
  shipped: { weight: 5, within: 4 * DAY },
  paid: { weight: 3, within: 1 * DAY },
  packing: { weight: 2, within: 1 * DAY },
  pending_payment: { weight: 3, within: 20 * MIN },
  open_request: { weight: 2, within: 3 * HOUR },
};

const PLANS = ['cm-129', 'cu-99', 'ct-169'];

interface Segment { lit?: string; tok?: number; time?: number; days?: number }
interface CompiledRow { table: string; key: string; cols: string[]; cells: { col: string; num?: number; time?: number; segs?: Segment[]; raw?: unknown }[] }
interface Template extends TemplateInfo {
  plan: string;
  carrier: string;
  rows: CompiledRow[];
  /** What each token is: a fixed kind (order id, customer, phone...) or an id to renumber. */
  tokens: { kind: TokenKind; old: string }[];
}
type TokenKind = 'id' | 'iccid' | 'customer' | 'number' | 'number_id' | 'phone' | 'phone_masked' | 'phone_hash' | 'phone_enc' | 'id_hash' | 'id_masked';

export interface SeedProgress { done: number; total: number; ms: number }
export interface SeedResult { orders: number; customers: number; rows: number; ms: number; templates: number; byState: Record<string, number> }

/** The seeded customers: phone and resident ID of the c-th, so that a benchmark can sign in as them. */
export const seededCustomerPhone = (c: number): string => `135${String(c).padStart(8, '0')}`;
export function seededResidentId(c: number): string {
  const ymd = new Date(Date.UTC(1970, 0, 1) + Math.floor(c / 1000) * DAY).toISOString().slice(0, 10).replaceAll('-', '');
  return withCheckDigit(`310104${ymd}${String(c % 1000).padStart(3, '0')}`);
}
/** Seeded numbers: a prefix per carrier none of the demo catalog uses, then the order's index. */
const NUMBER_PREFIX: Record<string, string> = { china_mobile: '182', china_unicom: '175', china_telecom: '181', china_broadnet: '190' };

/** A valid ICCID (China Mobile issuer prefix, Luhn check digit) for the k-th card. */
export function iccidFor(k: number): string {
  const body = `898600${String(k).padStart(12, '0')}`;
  return `${body}${luhnCheckDigit(body)}`;
}

const b36 = (n: number, width: number) => n.toString(36).toUpperCase().padStart(width, '0');

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

/** What a caller may know of a recorded flow: its state, when it was placed and the timers it left. */
export interface TemplateInfo { state: TemplateState; placedAt: number; timers: { kind: string; dueAt: number }[] }

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
  const haoka = await compose({ ...config, logLevel: 'silent' }, { clock, seed: true, webDir: null });
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

interface CustomerValues { id: string; phone: string; masked: string; hash: string; enc: string; idHash: string; idMasked: string }

interface OutRow { table: string; key: string; cols: string[]; values: unknown[] }

function instantiate(t: Template, k: number, placedAt: number, number: string, c: CustomerValues): OutRow[] {
  const shift = placedAt - t.placedAt;
  const dayShift = Math.round(shift / DAY);
  const stamp = b36(placedAt, 9);
  const values = t.tokens.map((x, j) => {
    switch (x.kind) {
      case 'customer': return c.id;
      case 'number': return number;
      case 'number_id': return `N${number}`;
      case 'phone': return c.phone;
      case 'phone_masked': return c.masked;
      case 'phone_hash': return c.hash;
      case 'phone_enc': return c.enc;
      case 'id_hash': return c.idHash;
      case 'id_masked': return c.idMasked;
      case 'iccid': return iccidFor(k);
      default: {
        const m = /^([A-Z]{1,6})[0-9A-Z]{18}$/.exec(x.old);
        return m ? `${m[1]}${stamp}${b36(j, 1)}${b36(k, 8)}` : `${x.old}.${b36(k, 6)}`;
      }
    }
  });
  return t.rows.map((r) => {
    const row: unknown[] = [];
    for (const cell of r.cells) {
      if (cell.time !== undefined) row.push(cell.time + shift);
      else if (cell.segs) {
        let s = '';
        for (const g of cell.segs) {
          if (g.lit !== undefined) s += g.lit;
          else if (g.tok !== undefined) s += values[g.tok];
          else if (g.time !== undefined) s += String(g.time + shift);
          else if (g.days !== undefined) s += new Date(g.days + dayShift * DAY).toISOString().slice(0, 10);
        }
        row.push(s);
      } else row.push(cell.raw);
    }
    return { table: r.table, key: r.key, cols: r.cols, values: row };
  });
}

/** Runs the real flows once per state and plan and keeps every row each order left behind. */
async function recordTemplates(haoka: Awaited<ReturnType<typeof compose>>, clock: FakeClock): Promise<Template[]> {
  const app = await haoka.server();
  for (const sim of Object.values(haoka.sims.payments)) sim.deliver = null;
  const { deps } = haoka;
  const db = deps.store.database.db as Kysely<any>;
  // Tokens are issued at the moment of use: the simulated clock runs days ahead between steps.
  const agent = async () => {
    const t = await issueAgentToken(deps, 'agent');
    if (isError(t)) throw new Error(`the store has no agent account 'agent': ${t.message}`);
    return t.token;
  };
  const customer = async (phone: string) => {
    const t = await issueCustomerToken(deps, phone);
    if (isError(t)) throw new Error(t.message);
    return t.token;
  };
  let seq = 0;
  const call = async (method: 'GET' | 'POST', url: string, who: Promise<string>, body?: unknown) => {
    const token = await who;
    const res = await app.inject({
      method, url,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`seeding template: ${method} ${url} answered ${res.statusCode} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as Record<string, any>;
  };
  const settle = async () => {
    clock.advance(2000);
    await haoka.worker.drain(50);
  };
  const usedNumbers = new Set<string>();
  const freeNumber = async (carrier: string, priced: boolean) => {
    const rows = await db.selectFrom('numbers').select(['id', 'price_fen']).where('carrier', '=', carrier).where('state', '=', 'free')
      .where('price_fen', priced ? '>' : '=', 0).orderBy('id').limit(200).execute();
    const n = rows.find((r) => !usedNumbers.has(r.id as string));
    if (!n) throw new Error(`seeding template: no free ${carrier} number in the catalog`);
    usedNumbers.add(n.id as string);
    return n.id as string;
  };
  const place = async (plan: string, priced = false) => {
    const i = seq++;
    const phone = `134${String(90_000_000 + Math.floor(Math.random() * 9_000_000) + i).padStart(8, '0')}`;
    const carrier = (await db.selectFrom('plans').select('carrier').where('id', '=', plan).executeTakeFirstOrThrow()).carrier as string;
    const rid = withCheckDigit(`3101041985${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(500 + i).padStart(3, '0')}`);
    const order = await call('POST', '/api/v1/orders', customer(phone), {
      planId: plan, numberId: await freeNumber(carrier, priced), contactName: '王芳', contactPhone: phone, residentId: rid,
      address: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号 3 幢 402' },
    });
    await settle();
    return { id: order.id as string, phone, carrier };
  };
  const pay = async (o: { phone: string; id: string }) => {
    const { paymentNo } = await call('POST', `/api/v1/orders/${o.id}/payments`, customer(o.phone), { channel: 'alipay' });
    clock.advance(40_000);
    const d = haoka.sims.payments.alipay.pay(paymentNo);
    if (isError(d)) throw new Error(d.message);
    const res = await app.inject({ method: 'POST', url: '/api/v1/payments/callback/alipay', headers: d.headers, payload: d.body });
    if (res.statusCode !== 200) throw new Error(`seeding template: payment not applied: ${res.body}`);
    await settle();
  };
  const packed = async (o: { id: string }) => {
    clock.advance(HOUR);
    await pick(o.id, iccidFor(90_000_000 + seq));
    clock.advance(HOUR);
    await call('POST', `/api/v1/agent/orders/${o.id}/start-packing`, agent());
    await settle();
  };
  // The warehouse picks the SIM card for the order.
  const pick = async (orderId: string, iccid: string) => { await call('POST', `/api/v1/agent/orders/${orderId}/pick`, agent(), { iccid }); };
  const shipped = async (o: { id: string }) => {
    clock.advance(3 * HOUR);
    const s = await call('POST', `/api/v1/agent/orders/${o.id}/hand-to-courier`, agent());
    await settle();
    return s.trackingNo as string;
  };
  const delivered = async (o: { id: string }) => {
    const tracking = await shipped(o);
    clock.advance(2 * DAY);
    await haoka.sims.courier.event(tracking, 'delivered');
    await settle();
  };

  const flows: Record<TemplateState, (plan: string) => Promise<string>> = {
    pending_payment: async (plan) => (await place(plan)).id,
    closed_timeout: async (plan) => {
      const o = await place(plan);
      clock.advance(31 * MIN);
      await haoka.worker.drain(50);
      return o.id;
    },
    cancelled_unpaid: async (plan) => {
      const o = await place(plan);
      clock.advance(3 * MIN);
      await call('POST', `/api/v1/orders/${o.id}/cancel`, customer(o.phone), { confirm: true });
      await settle();
      return o.id;
    },
    paid: async (plan) => { const o = await place(plan); await pay(o); return o.id; },
    packing: async (plan) => { const o = await place(plan); await pay(o); await packed(o); return o.id; },
    shipped: async (plan) => { const o = await place(plan); await pay(o); await packed(o); await shipped(o); return o.id; },
    delivered: async (plan) => { const o = await place(plan); await pay(o); await packed(o); await delivered(o); return o.id; },
    activated: async (plan) => {
      const o = await place(plan);
      await pay(o);
      await packed(o);
      await delivered(o);
      clock.advance(DAY);
      const order = await call('GET', `/api/v1/orders/${o.id}`, customer(o.phone));
      await haoka.sims.carrier.activate(order.number as string);
      await settle();
      return o.id;
    },
    cancelled_refunded: async (plan) => {
      const o = await place(plan);
      await pay(o);
      clock.advance(20 * MIN);
      const r = await call('POST', `/api/v1/orders/${o.id}/cancellation-requests`, customer(o.phone), { reasonCode: 'changed_mind' });
      if (r.path !== 'express') throw new Error(`seeding template: a refunded cancellation took the ${String(r.path)} path`);
      await settle();
      clock.advance(MIN);
      await haoka.worker.drain(50);
      return o.id;
    },
    open_request: async () => {
      // Over the express-refund amount (a priced number on the 100-yuan plan): an agent reviews it.
      const o = await place('ct-169', true);
      await pay(o);
      clock.advance(30 * MIN);
      const r = await call('POST', `/api/v1/orders/${o.id}/cancellation-requests`, customer(o.phone), { reasonCode: 'wrong_plan' });
      if (r.path !== 'review') throw new Error(`seeding template: an open request took the ${String(r.path)} path`);
      await settle();
      return o.id;
    },
  };

  const templates: Template[] = [];
  for (const state of Object.keys(MIX) as TemplateState[]) {
    for (const plan of state === 'open_request' ? ['ct-169'] : PLANS) {
      const orderId = await flows[state](plan);
      templates.push(await capture(db, state, plan, orderId));
    }
  }
  return templates;
}

async function capture(db: Kysely<any>, state: TemplateState, plan: string, orderId: string): Promise<Template> {
  const order = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
  const rows: { table: string; row: Row }[] = [];
  rows.push({ table: 'numbers', row: await db.selectFrom('numbers').selectAll().where('id', '=', order.number_id).executeTakeFirstOrThrow() });
  rows.push({ table: 'orders', row: order });
  for (const t of BY_ORDER) for (const row of await db.selectFrom(t).selectAll().where('order_id', '=', orderId).execute()) rows.push({ table: t, row });
  const paymentIds = rows.filter((r) => r.table === 'payments').map((r) => r.row.id as string);
  const refundIds = rows.filter((r) => r.table === 'refunds').map((r) => r.row.id as string);
  if (paymentIds.length) for (const row of await db.selectFrom('payment_notifications').selectAll().where('payment_id', 'in', paymentIds).execute()) rows.push({ table: 'payment_notifications', row });
  if (refundIds.length) for (const row of await db.selectFrom('refund_notifications').selectAll().where('refund_id', 'in', refundIds).execute()) rows.push({ table: 'refund_notifications', row });

  const customer = await db.selectFrom('customers').selectAll().where('id', '=', order.customer_id).executeTakeFirstOrThrow();
  const fixed: [TokenKind, unknown][] = [
    ['customer', order.customer_id], ['number_id', order.number_id], ['number', order.number], ['phone_hash', order.contact_phone_hash],
    ['phone_enc', order.contact_phone_enc], ['phone_masked', order.contact_phone], ['phone_hash', customer.phone], ['phone_enc', customer.phone_enc],
    ['id_hash', order.id_hash], ['id_masked', order.id_masked], ['iccid', order.iccid],
  ];
  const tokens: { kind: TokenKind; old: string }[] = [];
  const add = (kind: TokenKind, v: unknown) => { if (typeof v === 'string' && v.length >= 6 && !tokens.some((t) => t.old === v)) tokens.push({ kind, old: v }); };
  for (const [kind, v] of fixed) add(kind, v);
  add('id', order.id);
  const unique: Record<string, string[]> = {
    payments: ['id', 'channel_trade_no'], refunds: ['id', 'channel_refund_no'], cancellation_requests: ['id'], returns: ['id', 'return_tracking_no'],
    account_closures: ['id'], payment_notifications: ['nonce'], refund_notifications: ['notify_id'], callback_events: ['event_id'],
    notifications: ['dedupe_key'], orders: ['tracking_no'],
  };
  for (const r of rows) for (const col of unique[r.table] ?? []) add('id', r.row[col]);
  // Longest first, so that an id containing another is replaced whole.
  tokens.sort((a, b) => b.old.length - a.old.length);
  const placedAt = Number(order.created_at);
  const lo = placedAt - 400 * DAY;
  const hi = placedAt + 400 * DAY;
  const inWindow = (n: number) => n >= lo && n <= hi;
  const tokenRe = new RegExp(tokens.map((t) => t.old.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const split = (s: string): Segment[] => {
    const out: Segment[] = [];
    let at = 0;
    for (const m of s.matchAll(tokenRe)) {
      if (m.index > at) out.push(...times(s.slice(at, m.index)));
      out.push({ tok: tokens.findIndex((t) => t.old === m[0]) });
      at = m.index + m[0].length;
    }
    if (at < s.length) out.push(...times(s.slice(at)));
    return out;
  };
  const times = (s: string): Segment[] => {
    const out: Segment[] = [];
    let at = 0;
    for (const m of s.matchAll(/(?<![0-9])(1\d{12})(?![0-9])|(?<![0-9-])(20\d\d-\d\d-\d\d)(?![0-9])/g)) {
      const ms = m[1] ? Number(m[1]) : Date.parse(`${m[2]}T00:00:00Z`);
      if (!inWindow(ms)) continue;
      if (m.index > at) out.push({ lit: s.slice(at, m.index) });
      out.push(m[1] ? { time: ms } : { days: ms });
      at = m.index + m[0].length;
    }
    if (at < s.length) out.push({ lit: s.slice(at) });
    return out;
  };
  const compiled: CompiledRow[] = rows.map(({ table, row }) => {
    const cols = Object.keys(row).filter((col) => !(col === 'id' && SERIAL.has(table)));
    return { table, cols, key: `${table}(${cols.join(',')})`, cells: Object.entries(row).filter(([col]) => !(col === 'id' && SERIAL.has(table))).map(([col, v]) => {
      if (typeof v === 'number' && Number.isInteger(v) && inWindow(v)) return { col, time: v };
      if (typeof v === 'string') {
        const segs = split(v);
        return segs.length === 1 && segs[0]!.lit !== undefined ? { col, raw: v } : { col, segs };
      }
      return { col, raw: v };
    }) };
  });
  const timers = rows.filter((r) => r.table === 'timers').map((r) => ({ kind: r.row.kind as string, dueAt: Number(r.row.due_at) }));
  return { state, plan, carrier: order.carrier as string, placedAt, timers, rows: compiled, tokens };
}

interface Sink { write(tables: Record<string, OutRow[]>): Promise<void>; close(): Promise<void> }

/** SQLite: prepared inserts on a connection of its own, one transaction per batch. */
function sqliteSink(file: string): Sink {
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  // A large store's indexes are written at random places (ids, hashes): with them in memory a million orders
  // seed at a steady rate instead of slowing to the disk's (the seeding process alone holds this cache).
  raw.pragma('cache_size = -524288');
  const stmts = new Map<string, SqliteDatabase.Statement>();
  const stmt = (table: string, key: string, cols: string[]) => {
    let s = stmts.get(key);
    if (!s) {
      s = raw.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`);
      stmts.set(key, s);
    }
    return s;
  };
  const write = raw.transaction((tables: Record<string, OutRow[]>) => {
    for (const table of ['customers', ...TABLES]) for (const r of tables[table] ?? []) stmt(table, r.key, r.cols).run(r.values as never);
  });
  return {
    async write(tables) { write(tables); },
    async close() { raw.pragma('wal_checkpoint(TRUNCATE)'); raw.close(); },
  };
}

/** PostgreSQL: multi-row inserts, one transaction per batch. */
function postgresSink(db: Kysely<any>): Sink {
  return {
    async write(tables) {
      await db.transaction().execute(async (trx) => {
        for (const table of ['customers', ...TABLES]) {
          const rows = tables[table]?.map((r) => Object.fromEntries(r.cols.map((c, i) => [c, r.values[i]])));
          if (!rows?.length) continue;
          const per = Math.max(1, Math.floor(60_000 / Object.keys(rows[0]!).length));
          for (let i = 0; i < rows.length; i += per) await trx.insertInto(table).values(rows.slice(i, i + per)).execute();
        }
      });
    },
    async close() {},
  };
}
