// A second supplier on the aesecb protocol, beside the demo's md5kv one, through the same port, store and routes:
// callbacks with AES-encrypted order numbers, repeated and out of order, polling after a lost one, rejection with
// refund, cancellation accepted and refused, a hold given back when it runs out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, residentId, ADDRESS, type Harness } from '../../fixtures/harness.ts';
import { withCheckDigit } from '../../../src/domain/resident-id.ts';
import { AesecbSupplier } from '../../../src/adapters/suppliers/aesecb/client.ts';
import { FakeAesecbWire, serveFakeAesecb, type FakeAesecbServer } from '../../../src/adapters/suppliers/aesecb/fake/server.ts';
import { FakeMd5Supplier, OCCUPY_MS } from '../../../src/adapters/suppliers/md5kv/fake/fake-supplier.ts';
import { DEMO_PRODUCTS } from '../../../src/adapters/suppliers/md5kv/fake/demo-catalog.ts';
import { POLL_AFTER_MS } from '../../../src/app/suppliers/apply-report.ts';

const SECRET = 'abcdefghijklmnopqrstuvwxyz012345';
const PLAN = 'sp-beta-P1003';
let h: Harness;
let engine: FakeMd5Supplier;
let server: FakeAesecbServer;
let idSeq = 700;
const json = (r: { body: string }) => JSON.parse(r.body);

beforeAll(async () => {
  h = await startHarness({}, { suppliers: 'none' });
  engine = new FakeMd5Supplier('unused', 'unused', h.clock, 9);
  for (const p of DEMO_PRODUCTS) engine.putProduct(p, 30);
  engine.hold = true;
  const wire = new FakeAesecbWire(engine, 'AK-BETA', SECRET, h.clock);
  server = await serveFakeAesecb(wire);
  wire.deliver = async (url, body) => (await h.app.inject({ method: 'POST', url: new URL(url).pathname, headers: { 'content-type': 'application/json' }, payload: body })).body === 'success';
  h.haoka.deps.suppliers!.add(new AesecbSupplier({ id: 'beta', url: server.url, appKey: 'AK-BETA', appSecret: SECRET, notifyUrl: 'http://127.0.0.1/api/v1/suppliers/beta/callback', clock: h.clock }));
  const operator = await h.staff('operator');
  await h.post('/api/v1/operator/suppliers/sync', operator, {});
  await h.post(`/api/v1/operator/suppliers/plans/${PLAN}/publish`, operator, { publish: true });
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

const order = async (id: string, token: string) => json(await h.get(`/api/v1/orders/${id}`, token));

async function paidAtSupplier(opts: { residentId?: string } = {}) {
  const c = await h.customer();
  const number = json(await h.get(`/api/v1/suppliers/plans/${PLAN}/numbers?limit=1`, null)).numbers[0].number as string;
  const hold = json(await h.post(`/api/v1/suppliers/plans/${PLAN}/holds`, c.token, { number }));
  const placed = json(await h.post('/api/v1/suppliers/orders', c.token, { planId: PLAN, reservationId: hold.reservationId, contactName: '钱七', contactPhone: '13900139000', residentId: opts.residentId ?? residentId(idSeq++), address: ADDRESS }));
  await h.payOrder(c.token, placed.id);
  await h.haoka.worker.drain();
  expect(engine.orders.get(placed.id)).toBeDefined();
  return { c, order: placed, number };
}

describe('an aesecb supplier through the same port', () => {
  it('follows encrypted callbacks to activated, whatever their order or repeats', async () => {
    const p = await paidAtSupplier();
    engine.review(p.order.id);
    engine.ship(p.order.id);
    engine.activate(p.order.id);
    await engine.flush({ reverse: true, only: (c) => c.fields.outOrderNo === p.order.id });
    expect(await order(p.order.id, p.c.token)).toMatchObject({ state: 'activated' });
    const shipped = engine.callbacks.find((c) => c.fields.outOrderNo === p.order.id && c.fields.status === '5')!;
    expect(await engine.resend(shipped)).toBe(true);
    const view = json(await h.get(`/api/v1/suppliers/orders/${p.order.id}`, p.c.token));
    expect(view).toMatchObject({ supplierId: 'beta', supplierState: 'activated', producedNumber: p.number, iccid: engine.orders.get(p.order.id)!.iccid });
  });

  it('catches up by polling when callbacks are lost', async () => {
    const p = await paidAtSupplier();
    engine.review(p.order.id);
    engine.ship(p.order.id);
    for (const c of engine.callbacks) c.delivered = true;
    h.clock.advance(POLL_AFTER_MS + 10_000);
    await h.haoka.worker.runOnce();
    expect(await order(p.order.id, p.c.token)).toMatchObject({ state: 'shipped', trackingNo: engine.orders.get(p.order.id)!.expressNo });
  });

  it('cancels a rejected order as supplier_rejected and refunds it', async () => {
    const operator = await h.staff('operator');
    await h.app.inject({ method: 'PUT', url: `/api/v1/operator/suppliers/plans/${PLAN}/eligibility`, headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, payload: JSON.stringify({ age: null, refusedRegions: [], refusePickupPoints: true, onePerIdDays: 0 }) });
    const p = await paidAtSupplier({ residentId: withCheckDigit('11010519500101123') });
    expect(engine.review(p.order.id)).toBe('rejected');
    await engine.flush();
    expect(await order(p.order.id, p.c.token)).toMatchObject({ state: 'cancelled', closeReason: 'supplier_rejected' });
    expect((await h.haoka.deps.store.refunds.listRefunds(p.order.id)).map((r) => r.amount_fen)).toEqual([p.order.amountFen]);
  });

  it('asks the supplier before cancelling: accepted, then refused because shipped', async () => {
    const a = await paidAtSupplier();
    expect(json(await h.post(`/api/v1/suppliers/orders/${a.order.id}/cancel`, a.c.token, { reasonCode: 'changed_mind' }))).toMatchObject({ route: 'cancelled', state: 'cancelled' });
    const b = await paidAtSupplier();
    engine.review(b.order.id);
    engine.ship(b.order.id);
    expect(json(await h.post(`/api/v1/suppliers/orders/${b.order.id}/cancel`, b.c.token, { reasonCode: 'changed_mind' }))).toMatchObject({ route: 'courier_interception', state: 'shipped' });
  });

  it('gives back a hold nobody ordered on once it runs out', async () => {
    const c = await h.customer();
    const number = json(await h.get(`/api/v1/suppliers/plans/${PLAN}/numbers?limit=1`, null)).numbers[0].number as string;
    expect((await h.post(`/api/v1/suppliers/plans/${PLAN}/holds`, c.token, { number })).statusCode).toBe(201);
    expect(engine.isFree(number)).toBe(false);
    h.clock.advance(OCCUPY_MS + 10_000);
    await h.haoka.worker.runOnce();
    expect(engine.isFree(number)).toBe(true);
    const rows = await h.haoka.deps.store.database.db.selectFrom('supplier_reservations' as never).selectAll().where('number' as never, '=', number as never).execute() as { state: string }[];
    expect(rows.map((r) => r.state)).toEqual(['released']);
  });
});
