// The md5kv supplier end to end: catalog sync, number holds, free and paid orders submitted through the outbox,
// signed callbacks (good, forged, repeated, out of order), polling after a lost callback, rejection with refund,
// cancellation at the source (accepted, and refused because shipped), holds given back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, residentId, ADDRESS, type Harness } from '../../fixtures/harness.ts';
import { withCheckDigit } from '../../../src/domain/resident-id.ts';
import type { FakeMd5Supplier } from '../../../src/adapters/suppliers/md5kv/fake/fake-supplier.ts';
import { OCCUPY_MS } from '../../../src/adapters/suppliers/md5kv/fake/fake-supplier.ts';
import { POLL_AFTER_MS } from '../../../src/app/suppliers/apply-report.ts';
import { checkInvariants } from '../../../src/app/platform/check-invariants.ts';

let h: Harness;
let fake: FakeMd5Supplier;
let operator: string;
let idSeq = 500;
const json = (r: { body: string }) => JSON.parse(r.body);
const FREE = 'sp-demo-P1001';
const PAID = 'sp-demo-P1003';

beforeAll(async () => {
  h = await startHarness({}, { suppliers: 'fake' });
  fake = h.haoka.sims.supplier!;
  fake.hold = true;
  operator = await h.staff('operator');
});
afterAll(() => h?.close());

const callback = (body: string) => h.app.inject({ method: 'POST', url: '/api/v1/suppliers/demo/callback', headers: { 'content-type': 'application/json' }, payload: body });
const order = async (id: string, token: string) => json(await h.get(`/api/v1/orders/${id}`, token));
const atSupplier = async (id: string, token: string) => json(await h.get(`/api/v1/suppliers/orders/${id}`, token));

/** A customer picks a number of the plan, holds it and orders it. */
async function placed(planId: string, opts: { residentId?: string; number?: string } = {}) {
  const c = await h.customer();
  const number = opts.number ?? json(await h.get(`/api/v1/suppliers/plans/${planId}/numbers?limit=1`, null)).numbers[0].number;
  const hold = await h.post(`/api/v1/suppliers/plans/${planId}/holds`, c.token, { number });
  expect(hold.statusCode).toBe(201);
  const res = await h.post('/api/v1/suppliers/orders', c.token, {
    planId, reservationId: json(hold).reservationId, contactName: '张三', contactPhone: '13800138000', residentId: opts.residentId ?? residentId(idSeq++), address: ADDRESS,
  });
  expect(res.statusCode).toBe(201);
  return { c, order: json(res), number };
}

/** Placed, paid when it costs something, and sent to the supplier by the worker. */
async function submitted(planId: string, opts: { residentId?: string } = {}) {
  const p = await placed(planId, opts);
  if (p.order.state === 'pending_payment') await h.payOrder(p.c.token, p.order.id);
  await h.haoka.worker.drain();
  expect(fake.orders.get(p.order.id)).toBeDefined();
  return p;
}

describe('catalog sync', () => {
  it('brings new plans in unpublished, for an operator to publish', async () => {
    const res = json(await h.post('/api/v1/operator/suppliers/sync', operator, {}));
    expect(res.suppliers[0]).toMatchObject({ supplierId: 'demo', added: ['sp-demo-P1001', 'sp-demo-P1002', 'sp-demo-P1003'] });
    expect(json(await h.get('/api/v1/plans', null)).plans.map((p: { id: string }) => p.id)).not.toContain(FREE);
    for (const id of [FREE, 'sp-demo-P1002', PAID]) expect(json(await h.post(`/api/v1/operator/suppliers/plans/${id}/publish`, operator, { publish: true })).state).toBe('published');
    expect(json(await h.get('/api/v1/plans', null)).plans.map((p: { id: string }) => p.id)).toContain(FREE);
    // The plans list says which plans are ordered from a supplier's pool, so the page needs no probe.
    expect(json(await h.get('/api/v1/plans', null)).plans.filter((p: { fromSupplier: boolean }) => p.fromSupplier).map((p: { id: string }) => p.id).sort()).toEqual([FREE, 'sp-demo-P1002', PAID].sort());
  });

  it('shows the plan\u2019s disclosure before ordering', async () => {
    const d = json(await h.get(`/api/v1/suppliers/plans/${FREE}`, null));
    expect(d.supplierId).toBe('demo');
    expect(d.lines).toEqual(['免费领卡，包邮到家', '激活后 30 天内首充 50 元：激活后首充 50 元，分 5 个月返还', '无合约期', '前 6 个月月租 19 元，之后 29 元/月', '号码归属地：随收货地址', '不发货地区：新疆、西藏']);
  });

  it('applies changed terms to new orders only, and takes a withdrawn plan off sale at once', async () => {
    const before = await submitted('sp-demo-P1002');
    fake.products.get('P1002')!.monthlyFee = '49.00';
    expect(json(await h.post('/api/v1/operator/suppliers/sync', operator, {})).suppliers[0].changed).toEqual(['sp-demo-P1002']);
    expect((await order(before.order.id, before.c.token)).terms.monthlyFeeFen).toBe(3900);
    const after = await placed('sp-demo-P1002');
    expect(after.order.terms.monthlyFeeFen).toBe(4900);
    fake.withdraw('P1002');
    expect(json(await h.post('/api/v1/operator/suppliers/sync', operator, {})).suppliers[0].withdrawn).toEqual(['sp-demo-P1002']);
    expect(json(await h.get('/api/v1/plans', null)).plans.map((p: { id: string }) => p.id)).not.toContain('sp-demo-P1002');
    expect(json(await h.post('/api/v1/operator/suppliers/plans/sp-demo-P1002/publish', operator, { publish: true })).error.code).toBe('PLAN.NOT_FOUND');
  });
});

describe('the platform\u2019s own ordering path', () => {
  it('refuses a supplier\u2019s plan on a number of the platform\u2019s pool, writing nothing', async () => {
    const c = await h.customer();
    const before = await h.snapshot();
    const res = await h.placeOrder(c.token, { planId: FREE, numberId: (await h.freeNumber('china_mobile')).id });
    expect([res.statusCode, json(res).error.code]).toEqual([409, 'SUPPLIER.HOLD_REQUIRED']);
    expect(await h.snapshot()).toEqual(before);
  });
});

describe('number picking', () => {
  it('prices numbers by their digits: plain ones cost nothing, vanity ones their level\u2019s price', async () => {
    fake.addNumber('P1001', '13866668888');
    const vanity = json(await h.get(`/api/v1/suppliers/plans/${FREE}/numbers?minLevel=4`, null)).numbers;
    expect(vanity[0]).toMatchObject({ number: '13866668888', priceFen: 50_000, vanity: { level: 4 } });
    const pool = json(await h.get(`/api/v1/suppliers/plans/${FREE}/numbers?limit=50`, null)).numbers as { number: string; priceFen: number; vanity: { level: number } }[];
    expect(pool.filter((n) => n.vanity.level === 0).every((n) => n.priceFen === 0)).toBe(true);
    expect(pool.filter((n) => n.vanity.level === 0).length).toBeGreaterThan(pool.length / 2);
    const tail = json(await h.get(`/api/v1/suppliers/plans/${FREE}/numbers?tail=8888`, null)).numbers;
    expect(tail.map((n: { number: string }) => n.number)).toEqual(['13866668888']);
  });

  it('gives a hold back when nobody ordered in time, and a cancelled unpaid order\u2019s hold at once', async () => {
    const c = await h.customer();
    const [a, b] = json(await h.get(`/api/v1/suppliers/plans/${PAID}/numbers?limit=2`, null)).numbers;
    await h.post(`/api/v1/suppliers/plans/${PAID}/holds`, c.token, { number: a.number });
    expect(fake.isFree(a.number)).toBe(false);
    const p = await placed(PAID, { number: b.number });
    expect(p.order.state).toBe('pending_payment');
    expect((await h.post(`/api/v1/orders/${p.order.id}/cancel`, p.c.token, { confirm: true })).statusCode).toBe(200);
    h.clock.advance(10_000);
    await h.haoka.worker.runOnce();
    expect(fake.isFree(b.number)).toBe(true);
    expect(fake.isFree(a.number)).toBe(false);
    h.clock.advance(OCCUPY_MS + 1);
    expect(fake.isFree(a.number)).toBe(true);
    h.clock.advance(10_000);
    await h.haoka.worker.runOnce();
    const holds = await h.haoka.deps.store.database.db.selectFrom('supplier_reservations' as never).selectAll().where('number' as never, 'in', [a.number, b.number] as never).execute() as { state: string }[];
    expect(holds.map((x) => x.state)).toEqual(['released', 'released']);
  });
});

describe('orders at the supplier', () => {
  it('confirms a free card at once and submits it through the outbox, keeping the supplier\u2019s order id', async () => {
    const p = await placed(FREE);
    expect(p.order.state).toBe('paid');
    await h.haoka.worker.drain();
    const s = await atSupplier(p.order.id, p.c.token);
    expect(s).toMatchObject({ submission: 'accepted', supplierState: 'submitted', supplierOrderId: fake.orders.get(p.order.id)!.orderNo });
    expect(fake.orders.get(p.order.id)).toMatchObject({ certName: '张三', number: p.number });
  });

  it('holds the number again when the payment came after the supplier’s hold ran out, or rejects with a refund if it was taken', async () => {
    const p = await placed(PAID);
    h.clock.advance(OCCUPY_MS + 1000);
    await h.payOrder(p.c.token, p.order.id);
    await h.haoka.worker.drain();
    expect(await atSupplier(p.order.id, p.c.token)).toMatchObject({ submission: 'accepted', supplierState: 'submitted' });
    const q = await placed(PAID);
    h.clock.advance(OCCUPY_MS + 1000);
    const other = await h.customer();
    expect((await h.post(`/api/v1/suppliers/plans/${PAID}/holds`, other.token, { number: q.number })).statusCode).toBe(201);
    await h.payOrder(q.c.token, q.order.id);
    await h.haoka.worker.drain();
    expect(await order(q.order.id, q.c.token)).toMatchObject({ state: 'cancelled', closeReason: 'supplier_rejected' });
    expect((await h.haoka.deps.store.refunds.listRefunds(q.order.id)).map((r) => r.amount_fen)).toEqual([q.order.amountFen]);
  });

  it('follows signed callbacks to activated, however late, repeated or out of order', async () => {
    const p = await submitted(FREE);
    fake.review(p.order.id);
    fake.ship(p.order.id);
    fake.activate(p.order.id);
    fake.topUp(p.order.id, 5000);
    await fake.flush({ reverse: true, only: (c) => c.fields.outOrderNo === p.order.id });
    const o = await order(p.order.id, p.c.token);
    expect(o.state).toBe('activated');
    const s = await atSupplier(p.order.id, p.c.token);
    expect(s).toMatchObject({ supplierState: 'first_top_up', firstTopUp: { paidFen: 5000, required: { amountFen: 5000 } } });
    expect(s.iccid).toMatch(/^8986/);
    expect(s.waybill).toMatch(/^SF/);
    const shipped = fake.callbacks.find((c) => c.fields.outOrderNo === p.order.id && c.fields.status === '5')!;
    expect((await callback(fake.body(shipped))).body).toBe('success');
    expect(await fake.resend(shipped)).toBe(true);
    expect((await order(p.order.id, p.c.token)).state).toBe('activated');
  });

  it('reports a line closed here to the supplier, once', async () => {
    const p = await submitted(FREE);
    fake.review(p.order.id);
    fake.ship(p.order.id);
    fake.activate(p.order.id);
    await fake.flush({ only: (c) => c.fields.outOrderNo === p.order.id });
    const closure = await h.post(`/api/v1/orders/${p.order.id}/account-closure`, p.c.token, { confirmPenaltyFen: 0 });
    expect(closure.statusCode).toBe(201);
    const agent = await h.staff('agent');
    expect((await h.post(`/api/v1/agent/account-closures/${json(closure).id}/complete`, agent, {})).statusCode).toBe(200);
    h.clock.advance(10_000);
    await h.haoka.worker.runOnce();
    expect(fake.orders.get(p.order.id)!.afterSale).toMatchObject({ type: 'CLOSE' });
    expect(await atSupplier(p.order.id, p.c.token)).toMatchObject({ orderState: 'account_closed' });
    expect((await h.haoka.deps.store.suppliers.getOrder(p.order.id))!.after_sale).toBe('closed');
  });

  it('refuses a forged callback and writes nothing', async () => {
    const p = await submitted(FREE);
    fake.review(p.order.id);
    const c = fake.callbacks.find((x) => x.fields.outOrderNo === p.order.id && x.fields.status === '4')!;
    const before = await h.snapshot();
    const forged = await callback(fake.body(c).replace('"status":"4"', '"status":"6"'));
    expect([forged.statusCode, forged.body]).toEqual([401, 'fail']);
    expect(await h.snapshot()).toEqual(before);
    expect((await order(p.order.id, p.c.token)).state).toBe('paid');
  });

  it('catches up by polling when a callback is lost', async () => {
    const p = await submitted(FREE);
    fake.review(p.order.id);
    fake.ship(p.order.id);
    for (const c of fake.callbacks) if (c.fields.outOrderNo === p.order.id) c.delivered = true;
    await h.haoka.worker.runOnce();
    expect((await order(p.order.id, p.c.token)).state).toBe('paid');
    h.clock.advance(POLL_AFTER_MS + 10_000);
    await h.haoka.worker.runOnce();
    const o = await order(p.order.id, p.c.token);
    expect(o).toMatchObject({ state: 'shipped', trackingNo: fake.orders.get(p.order.id)!.expressNo });
  });

  it('cancels a rejected order as supplier_rejected, refunds the payment and tells the customer what would work', async () => {
    // The platform's own age check is off for this plan, so the order reaches the supplier's review.
    expect((await h.app.inject({ method: 'PUT', url: `/api/v1/operator/suppliers/plans/${PAID}/eligibility`, headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, payload: JSON.stringify({ age: null, refusedRegions: [], refusePickupPoints: true, onePerIdDays: 0 }) })).statusCode).toBe(200);
    const young = withCheckDigit('11010520120101123');
    const p = await submitted(PAID, { residentId: young });
    expect(fake.review(p.order.id)).toBe('rejected');
    await fake.flush();
    const o = await order(p.order.id, p.c.token);
    expect(o).toMatchObject({ state: 'cancelled', closeReason: 'supplier_rejected' });
    const refunds = await h.haoka.deps.store.refunds.listRefunds(p.order.id);
    expect(refunds.map((r) => [r.amount_fen, r.reason])).toEqual([[p.order.amountFen, `supplier_rejected:${p.order.id}`]]);
    const inbox = json(await h.get(`/api/v1/notifications?orderId=${p.order.id}`, p.c.token)).notifications as { template: string; body: string }[];
    const told = inbox.find((n) => n.template === 'supplier_rejected');
    await h.haoka.worker.drain();
    const again = (json(await h.get(`/api/v1/notifications?orderId=${p.order.id}`, p.c.token)).notifications as { template: string; body: string }[]).find((n) => n.template === 'supplier_rejected') ?? told;
    expect(again?.body).toContain('16 周岁');
    expect(fake.isFree(p.number)).toBe(true);
  });
});

describe('cancellation at the source', () => {
  it('cancels and refunds when the supplier lets the order go', async () => {
    const p = await submitted(PAID);
    const res = json(await h.post(`/api/v1/suppliers/orders/${p.order.id}/cancel`, p.c.token, { reasonCode: 'changed_mind' }));
    expect(res).toMatchObject({ route: 'cancelled', state: 'cancelled' });
    expect(fake.orders.get(p.order.id)!.state).toBe('cancelled');
    expect((await h.haoka.deps.store.refunds.listRefunds(p.order.id)).map((r) => r.amount_fen)).toEqual([p.order.amountFen]);
  });

  it('takes the courier interception path when the supplier already shipped', async () => {
    const p = await submitted(PAID);
    fake.review(p.order.id);
    fake.ship(p.order.id);
    const res = json(await h.post(`/api/v1/suppliers/orders/${p.order.id}/cancel`, p.c.token, { reasonCode: 'changed_mind' }));
    expect(res).toMatchObject({ route: 'courier_interception', state: 'shipped', trackingNo: fake.orders.get(p.order.id)!.expressNo });
    expect(res.requestId).toMatch(/^CR/);
    expect((await h.haoka.deps.store.refunds.listRefunds(p.order.id))).toEqual([]);
  });
});

describe('holding numbers', () => {
  it('lets one customer hold a few numbers while choosing, not the whole pool', async () => {
    const c = await h.customer();
    const pool = json(await h.get(`/api/v1/suppliers/plans/${FREE}/numbers?limit=25`, null)).numbers as { number: string }[];
    const answers: number[] = [];
    for (const n of pool.slice(0, 21)) answers.push((await h.post(`/api/v1/suppliers/plans/${FREE}/holds`, c.token, { number: n.number })).statusCode);
    expect(answers.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(answers[20]).toBe(429);
    expect(fake.isFree(pool[20]!.number)).toBe(true);
  });
});

describe('haoka check', () => {
  it('finds nothing wrong after every supplier flow above', async () => {
    await h.haoka.worker.drain();
    const { violations } = await checkInvariants(h.haoka.deps.store);
    expect(violations).toEqual([]);
  });
});
