// The templates bulk orders are copied from: the real flows run once through the HTTP API on a simulated clock,
// one order per state and plan, and every row each order left in every table is recorded, its ids, phone numbers,
// hashes and times marked so that a copy can give them its own (src/seed/orders.ts).
import type { Kysely } from 'kysely';
import type { FakeClock } from '../adapters/clock.ts';
import type { compose } from '../main.ts';
import { issueAgentToken, issueCustomerToken } from '../app/platform/sign-in.ts';
import { isError } from '../domain/errors.ts';
import { withCheckDigit } from '../domain/resident-id.ts';
import { iccidFor } from './order-copies.ts';

type Row = Record<string, unknown>;

/** Tables an order's rows live in, and how they link to it. */
export const BY_ORDER = ['order_events', 'timers', 'outbox', 'payments', 'refunds', 'refund_events', 'notifications', 'cancellation_requests',
  'risk_flags', 'callback_events', 'returns', 'account_closures', 'carrier_tasks'] as const;
/** Tables whose integer key the database assigns. */
const SERIAL = new Set(['order_events', 'timers', 'outbox', 'refund_events', 'notifications', 'risk_flags', 'callback_events', 'carrier_tasks',
  'payment_notifications', 'refund_notifications']);

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
export interface Template extends TemplateInfo {
  plan: string;
  carrier: string;
  rows: CompiledRow[];
  /** What each token is: a fixed kind (order id, customer, phone...) or an id to renumber. */
  tokens: { kind: TokenKind; old: string }[];
}
type TokenKind = 'id' | 'iccid' | 'customer' | 'number' | 'number_id' | 'phone' | 'phone_masked' | 'phone_hash' | 'phone_enc' | 'id_hash' | 'id_masked';

/** What a caller may know of a recorded flow: its state, when it was placed and the timers it left. */
export interface TemplateInfo { state: TemplateState; placedAt: number; timers: { kind: string; dueAt: number }[] }

/** Runs the real flows once per state and plan and keeps every row each order left behind. */
export async function recordTemplates(haoka: Awaited<ReturnType<typeof compose>>, clock: FakeClock): Promise<Template[]> {
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
      await haoka.sims.carrier?.activate(order.number as string);
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
