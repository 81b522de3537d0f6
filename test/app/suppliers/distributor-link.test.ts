// A supplier's plan sold through a distributor's link: the link leads to the supplier's number pool, the order keeps
// its seller, the supplier's activation and first top-up (首充) make the commission eligible, and a cancellation at the
// source voids it, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, residentId, ADDRESS, type Harness } from '../../fixtures/harness.ts';
import type { FakeMd5Supplier } from '../../../src/adapters/suppliers/md5kv/fake/fake-supplier.ts';
import { aCode, aDistributor, aRule, balancesOf, kindsOf } from '../../http/distribution/fixtures.ts';

let h: Harness;
let fake: FakeMd5Supplier;
let seller: { id: string; name: string };
let ref: string;
let idSeq = 900;
const json = (r: { body: string }) => JSON.parse(r.body);
const PAID = 'sp-demo-P1003';

beforeAll(async () => {
  h = await startHarness({}, { suppliers: 'fake' });
  fake = h.haoka.sims.supplier!;
  fake.hold = true;
  const operator = await h.staff('operator');
  json(await h.post('/api/v1/operator/suppliers/sync', operator, {}));
  expect(json(await h.post(`/api/v1/operator/suppliers/plans/${PAID}/publish`, operator, { publish: true })).state).toBe('published');
  await aRule(h, PAID, { levelFen: [6000, 4000, 2000], minFirstTopUpFen: 5000 });
  seller = await aDistributor(h);
  ref = await aCode(h, seller.id, PAID);
});
afterAll(() => h?.close());

/** A customer who followed `ref` holds a number of the plan and orders it, paying. */
async function orderedThrough(code: string | undefined) {
  const c = await h.customer();
  const number = json(await h.get(`/api/v1/suppliers/plans/${PAID}/numbers?limit=1`, null)).numbers[0].number;
  const hold = json(await h.post(`/api/v1/suppliers/plans/${PAID}/holds`, c.token, { number }));
  const res = await h.post('/api/v1/suppliers/orders', c.token, {
    planId: PAID, reservationId: hold.reservationId, contactName: '张三', contactPhone: '13800138000', residentId: residentId(idSeq++), address: ADDRESS,
    ...(code === undefined ? {} : { ref: code }),
  });
  return { c, res };
}

describe('a supplier\u2019s plan sold through a distributor\u2019s link', () => {
  it('gives the plan\u2019s link the supplier\u2019s order form, where the customer picks from its pool', async () => {
    const token = json(await h.post('/api/v1/distributor/sign-in', null, { name: seller.name, password: 'secret-pass-1' })).token;
    const links = json(await h.get('/api/v1/distributor/links', token)).links;
    expect(links.find((l: { code: string }) => l.code === ref).url).toMatch(new RegExp(`/buy-from-supplier/${PAID}\\?ref=${ref}$`));
  });

  it('refuses an unknown code with its stable code and keeps no order', async () => {
    const { res } = await orderedThrough('nosuchcode');
    expect([res.statusCode, json(res).error.code]).toEqual([404, 'PROMOTION.NOT_FOUND']);
  });

  it('keeps the seller; the supplier\u2019s activation and first top-up make the commission eligible, once', async () => {
    const { c, res } = await orderedThrough(ref);
    expect(res.statusCode, res.body).toBe(201);
    const order = json(res);
    await h.payOrder(c.token, order.id);
    await h.haoka.worker.drain();
    expect(await kindsOf(h, order.id)).toEqual([`${seller.id}:accrue:6000`]);
    fake.review(order.id);
    fake.ship(order.id);
    fake.activate(order.id);
    await fake.flush({ only: (x) => x.fields.outOrderNo === order.id });
    expect(json(await h.get(`/api/v1/orders/${order.id}`, c.token)).state).toBe('activated');
    expect(await kindsOf(h, order.id)).toEqual([`${seller.id}:accrue:6000`]);
    fake.topUp(order.id, 5000);
    await fake.flush({ only: (x) => x.fields.outOrderNo === order.id });
    expect(await kindsOf(h, order.id)).toEqual([`${seller.id}:accrue:6000`, `${seller.id}:qualify:6000`]);
    // The supplier sends its report again: nothing moves twice.
    const topUp = fake.callbacks.filter((x) => x.fields.outOrderNo === order.id).at(-1)!;
    expect(await fake.resend(topUp)).toBe(true);
    expect((await kindsOf(h, order.id)).length).toBe(2);
    expect((await balancesOf(h, seller.id)).eligible).toBe(6000);
  });

  it('voids the commission once when the order is cancelled at the source', async () => {
    const { c, res } = await orderedThrough(ref);
    const order = json(res);
    await h.payOrder(c.token, order.id);
    await h.haoka.worker.drain();
    const before = await balancesOf(h, seller.id);
    const cancelled = json(await h.post(`/api/v1/suppliers/orders/${order.id}/cancel`, c.token, { reasonCode: 'changed_mind' }));
    expect(cancelled).toMatchObject({ route: 'cancelled', state: 'cancelled' });
    expect(await kindsOf(h, order.id)).toEqual([`${seller.id}:accrue:6000`, `${seller.id}:void:6000`]);
    expect((await balancesOf(h, seller.id)).pending).toBe(before.pending - 6000);
  });
});
