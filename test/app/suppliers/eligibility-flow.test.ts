// The journey with eligibility: a customer picks a number from the supplier's pool, is refused before paying for an
// address in a refused region, corrects it, pays, and the order follows the supplier's callbacks to activated.
// Operators' rule changes are logged; the blacklist refuses quietly and keeps each hit; no hold stays for a refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, residentId, ADDRESS, type Harness } from '../../fixtures/harness.ts';
import type { FakeMd5Supplier } from '../../../src/adapters/suppliers/md5kv/fake/fake-supplier.ts';
import { withCheckDigit } from '../../../src/domain/resident-id.ts';

const PLAN = 'sp-demo-P1003';
let h: Harness;
let fake: FakeMd5Supplier;
let operator: string;
let seq = 900;
const json = (r: { body: string }) => JSON.parse(r.body);
const put = (url: string, body: unknown) => h.app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const XINJIANG = { province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区', detail: '人民路 1 号' };

beforeAll(async () => {
  h = await startHarness({}, { suppliers: 'fake' });
  fake = h.haoka.sims.supplier!;
  fake.hold = true;
  operator = await h.staff('operator');
  await h.post('/api/v1/operator/suppliers/sync', operator, {});
  await h.post(`/api/v1/operator/suppliers/plans/${PLAN}/publish`, operator, { publish: true });
  await put(`/api/v1/operator/suppliers/plans/${PLAN}/eligibility`, { age: { min: 18, max: 55 }, refusedRegions: ['新疆', '西藏', '青海'], refusePickupPoints: true, onePerIdDays: 30 });
});
afterAll(() => h?.close());

describe('eligibility before payment', () => {
  it('refuses a refused region as the customer types and again on the server, then takes the corrected order to activated', async () => {
    const c = await h.customer();
    const id = residentId(seq++);
    const typed = json(await h.post(`/api/v1/suppliers/plans/${PLAN}/eligibility`, c.token, { residentId: id, address: XINJIANG }));
    expect(typed).toMatchObject({ eligible: false, refusals: [{ code: 'ELIGIBILITY.REGION', field: 'address' }] });
    const number = json(await h.get(`/api/v1/suppliers/plans/${PLAN}/numbers?limit=1`, null)).numbers[0].number as string;
    const hold = json(await h.post(`/api/v1/suppliers/plans/${PLAN}/holds`, c.token, { number }));
    const before = await h.snapshot();
    const body = { planId: PLAN, reservationId: hold.reservationId, contactName: '孙八', contactPhone: '13700137000', residentId: id, address: XINJIANG };
    const refused = await h.post('/api/v1/suppliers/orders', c.token, body);
    expect([refused.statusCode, json(refused).error.code]).toEqual([422, 'ELIGIBILITY.REGION']);
    expect(json(refused).error.message).toContain('其他省份');
    expect(await h.snapshot()).toEqual(before);
    // No number stays held for a refused order.
    expect(fake.isFree(number)).toBe(true);
    expect(json(await h.post(`/api/v1/suppliers/plans/${PLAN}/eligibility`, c.token, { residentId: id, address: ADDRESS })).eligible).toBe(true);
    const again = json(await h.post(`/api/v1/suppliers/plans/${PLAN}/holds`, c.token, { number }));
    const placed = await h.post('/api/v1/suppliers/orders', c.token, { ...body, reservationId: again.reservationId, address: ADDRESS });
    expect(placed.statusCode).toBe(201);
    const orderId = json(placed).id as string;
    await h.payOrder(c.token, orderId);
    await h.haoka.worker.drain();
    fake.review(orderId);
    fake.ship(orderId);
    fake.activate(orderId);
    await fake.flush();
    expect(json(await h.get(`/api/v1/orders/${orderId}`, c.token)).state).toBe('activated');
  });

  it('refuses parcel lockers, ages outside the band and a second order of one ID within 30 days', async () => {
    const c = await h.customer();
    const locker = json(await h.post(`/api/v1/suppliers/plans/${PLAN}/eligibility`, c.token, { address: { ...ADDRESS, detail: '小区门口丰巢快递柜' } }));
    expect(locker.refusals.map((r: { code: string }) => r.code)).toEqual(['ELIGIBILITY.PICKUP_ADDRESS']);
    const old = json(await h.post(`/api/v1/suppliers/plans/${PLAN}/eligibility`, c.token, { residentId: withCheckDigit('11010519600101123') }));
    expect(old.refusals.map((r: { code: string }) => r.code)).toEqual(['ELIGIBILITY.AGE']);
    const id = residentId(seq++);
    const number = json(await h.get(`/api/v1/suppliers/plans/${PLAN}/numbers?limit=1`, null)).numbers[0].number as string;
    const hold = json(await h.post(`/api/v1/suppliers/plans/${PLAN}/holds`, c.token, { number }));
    expect((await h.post('/api/v1/suppliers/orders', c.token, { planId: PLAN, reservationId: hold.reservationId, contactName: '周九', contactPhone: '13700137001', residentId: id, address: ADDRESS })).statusCode).toBe(201);
    const second = json(await h.post(`/api/v1/suppliers/plans/${PLAN}/eligibility`, c.token, { residentId: id }));
    expect(second.refusals.map((r: { code: string }) => r.code)).toEqual(['ELIGIBILITY.RECENT_ORDER']);
  });

  it('refuses a blacklisted phone without naming the list, keeps the hit, and logs rule changes', async () => {
    const c = await h.customer();
    expect((await h.post('/api/v1/operator/blacklist', operator, { kind: 'phone', value: '13600136000', note: '多次恶意下单' })).statusCode).toBe(201);
    const r = json(await h.post(`/api/v1/suppliers/plans/${PLAN}/eligibility`, c.token, { contactPhone: '13600136000' }));
    expect(r).toEqual({ eligible: false, refusals: [{ code: 'ELIGIBILITY.BLACKLISTED', field: null, message: '暂时无法为您办理，请联系客服核实信息。' }] });
    const list = json(await h.get('/api/v1/operator/blacklist', operator));
    expect(list.entries[0]).toMatchObject({ kind: 'phone', masked: '136****6000', note: '多次恶意下单' });
    expect(list.entries[0].value_hash).toBeUndefined();
    expect(list.hits[0]).toMatchObject({ kind: 'phone', plan_id: PLAN, customer_id: c.customerId });
    const log = json(await h.get(`/api/v1/operator/suppliers/plans/${PLAN}/eligibility`, operator));
    expect(log.source).toBe('operator');
    expect(log.changes.map((x: { changed_by: string }) => x.changed_by)).toEqual(['supplier:demo', 'A-operator']);
    expect((await put(`/api/v1/operator/suppliers/plans/${PLAN}/eligibility`, { age: { min: 60, max: 16 }, refusedRegions: [], refusePickupPoints: true, onePerIdDays: 30 })).statusCode).toBe(422);
  });
});
