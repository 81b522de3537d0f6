import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/clock.ts';
import { Md5kvSupplier, planOf } from '../../../src/adapters/suppliers/md5kv/client.ts';
import { RESULT, sign, signingString } from '../../../src/adapters/suppliers/md5kv/protocol.ts';
import { FakeMd5Supplier, OCCUPY_MS } from '../../../src/adapters/suppliers/md5kv/fake/fake-supplier.ts';
import { serveFakeSupplier, type FakeSupplierServer } from '../../../src/adapters/suppliers/md5kv/fake/server.ts';
import { DEMO_PRODUCTS } from '../../../src/adapters/suppliers/md5kv/fake/demo-catalog.ts';
import { isError } from '../../../src/domain/errors.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/partners/md5kv/${name}`, import.meta.url), 'utf8');
const SECRET = 'd41d8cd98f00b204e9800998ecf8427e';
const ADDRESS = { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号' };

describe('md5kv: the documented samples', () => {
  it('signs by the documented rule: sorted non-empty key=value pairs, &key=secret, MD5 upper case', () => {
    const ex = JSON.parse(fixture('sign-example.json'));
    expect(signingString(ex.fields, ex.secret)).toBe(ex.signingString);
    expect(sign(ex.fields, ex.secret)).toBe(ex.sign);
  });

  it('reads the printed result codes the client relies on', () => {
    const codes = JSON.parse(fixture('result-codes.json'));
    expect(codes[String(RESULT.success)]).toBe('success');
    expect(codes[String(RESULT.signError)]).toBe('sign error');
    expect(codes[String(RESULT.paramsError)]).toBe('params error');
  });

  it('reads a product list into plans with their disclosure, leaving out what it cannot read', () => {
    const list = JSON.parse(fixture('products-answer.json')).data.list as Record<string, unknown>[];
    const plans = list.map(planOf);
    expect(plans[2]).toBeNull();
    expect(plans[0]).toMatchObject({ supplierPlanId: 'P1001', carrier: 'china_mobile', monthlyFeeFen: 2900, dataMb: 30720, priceFen: 0 });
    expect(plans[0]!.disclosure).toMatchObject({ freeCard: true, firstTopUp: { amountFen: 5000, withinDays: 30 }, promotion: { months: 6, feeFen: 1900, feeAfterFen: 2900 }, refusedRegions: ['新疆', '西藏'], numberHome: 'delivery' });
    expect(plans[1]!.disclosure).toMatchObject({ freeCard: false, contractMonths: 24, deliveryRegions: ['广东', '广西'], numberHome: { province: '广东', city: '深圳' } });
  });

  it('believes the printed callbacks with the right key and refuses them with another or tampered', () => {
    const port = new Md5kvSupplier({ id: 'acme', url: 'http://127.0.0.1:1', appId: 'A100234', secret: SECRET, notifyUrl: null, clock: new FakeClock() });
    const shipped = port.verifyCallback({}, fixture('callback-shipped.json'), 0);
    expect(shipped).toMatchObject({ eventId: 'EV20251127100001', orderId: 'HK0MIGH3K0000001', state: 'shipped', waybill: 'SF1400220001', at: 1764209400_000 });
    const activated = port.verifyCallback({}, fixture('callback-activated.json'), 0);
    expect(activated).toMatchObject({ state: 'activated', iccid: '89860012345678901230', at: Date.parse('2025-11-28T14:03:11+08:00') });
    expect(port.verifyCallback({}, fixture('callback-rejected.json'), 0)).toMatchObject({ state: 'rejected', reason: '一证五号：该身份证名下号卡已达 5 张' });
    const other = new Md5kvSupplier({ id: 'acme', url: 'http://127.0.0.1:1', appId: 'A100234', secret: 'another', notifyUrl: null, clock: new FakeClock() });
    const refused = other.verifyCallback({}, fixture('callback-shipped.json'), 0);
    expect(isError(refused) && refused.code).toBe('SUPPLIER.BAD_SIGNATURE');
    const tampered = fixture('callback-shipped.json').replace('"status":"5"', '"status":"6"');
    expect((port.verifyCallback({}, tampered, 0) as { code?: string }).code).toBe('SUPPLIER.BAD_SIGNATURE');
    expect((port.verifyCallback({}, 'status=5', 0) as { code?: string }).code).toBe('SUPPLIER.BAD_CALLBACK');
  });
});

describe('md5kv: the client against the fake supplier', () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 27, 2));
  const fake = new FakeMd5Supplier('A100234', SECRET, clock);
  let server: FakeSupplierServer;
  let port: Md5kvSupplier;
  beforeAll(async () => {
    for (const p of DEMO_PRODUCTS) fake.putProduct(p, 30);
    fake.hold = true;
    server = await serveFakeSupplier(fake, SECRET, clock);
    port = new Md5kvSupplier({ id: 'acme', url: server.url, appId: 'A100234', secret: SECRET, notifyUrl: 'http://127.0.0.1:9/cb', clock });
  });
  afterAll(() => server.close());

  it('is refused with 40026 when it signs with the wrong key', async () => {
    const wrong = new Md5kvSupplier({ id: 'acme', url: server.url, appId: 'A100234', secret: 'wrong', notifyUrl: null, clock });
    await expect(wrong.catalog()).rejects.toThrow(/40026 sign error/);
  });

  it('reads the catalog and searches the pool by tail digits', async () => {
    const plans = await port.catalog();
    expect(plans.map((p) => p.supplierPlanId)).toEqual(['P1001', 'P1002', 'P1003']);
    fake.addNumber('P1001', '13866668888');
    const found = await port.searchNumbers({ supplierPlanId: 'P1001', tail: '8888', limit: 10 });
    expect(found.map((n) => n.number)).toContain('13866668888');
  });

  it('holds a number, answers a repeat with the same hold, and frees it when the hold runs out', async () => {
    const [n] = await port.searchNumbers({ supplierPlanId: 'P1002', limit: 1 });
    const a = await port.reserve({ reserveNo: 'R1', supplierPlanId: 'P1002', number: n!.number });
    expect(a).toMatchObject({ status: 'reserved', expiresAt: clock.now() + OCCUPY_MS });
    expect(await port.reserve({ reserveNo: 'R1', supplierPlanId: 'P1002', number: n!.number })).toEqual(a);
    expect(await port.reserve({ reserveNo: 'R2', supplierPlanId: 'P1002', number: n!.number })).toMatchObject({ status: 'unavailable' });
    clock.advance(OCCUPY_MS);
    expect(fake.isFree(n!.number)).toBe(true);
    expect(await port.reserve({ reserveNo: 'R3', supplierPlanId: 'P1002', number: n!.number })).toMatchObject({ status: 'reserved' });
  });

  it('refuses an order whose hold ran out, takes one that holds, and keeps one order per our id', async () => {
    const [n] = await port.searchNumbers({ supplierPlanId: 'P1001', limit: 1 });
    const hold = await port.reserve({ reserveNo: 'R4', supplierPlanId: 'P1001', number: n!.number });
    if (hold.status !== 'reserved') throw new Error('no hold');
    const req = { orderId: 'HK-A', supplierPlanId: 'P1001', number: n!.number, reservationId: hold.reservationId, name: '张三', residentId: '110101199003071234', phone: '13800138000', address: ADDRESS };
    clock.advance(OCCUPY_MS + 1);
    expect(await port.submit(req)).toMatchObject({ status: 'refused', code: '41002' });
    const again = await port.reserve({ reserveNo: 'R5', supplierPlanId: 'P1001', number: n!.number });
    if (again.status !== 'reserved') throw new Error('no hold');
    const ok = await port.submit({ ...req, reservationId: again.reservationId });
    expect(ok).toMatchObject({ status: 'accepted' });
    expect(await port.submit({ ...req, reservationId: again.reservationId })).toEqual(ok);
    expect(await port.query('HK-A')).toMatchObject({ orderId: 'HK-A', state: 'submitted' });
    expect(await port.query('HK-NONE')).toBeNull();
  });

  it('cancels an unshipped order and refuses a shipped one with its waybill', async () => {
    const place = async (id: string) => {
      const [n] = await port.searchNumbers({ supplierPlanId: 'P1001', limit: 1 });
      const hold = await port.reserve({ reserveNo: `R-${id}`, supplierPlanId: 'P1001', number: n!.number });
      if (hold.status !== 'reserved') throw new Error('no hold');
      await port.submit({ orderId: id, supplierPlanId: 'P1001', number: n!.number, reservationId: hold.reservationId, name: '李四', residentId: '110101199003071234', phone: '13800138000', address: ADDRESS });
    };
    await place('HK-C1');
    expect(await port.cancel({ orderId: 'HK-C1', reason: '不想要了' })).toEqual({ status: 'cancelled' });
    await place('HK-C2');
    fake.review('HK-C2');
    fake.ship('HK-C2');
    const refused = await port.cancel({ orderId: 'HK-C2', reason: '不想要了' });
    expect(refused).toMatchObject({ status: 'already_shipped' });
    expect((refused as { waybill: string }).waybill).toMatch(/^SF/);
    expect(await port.reportAfterSale({ orderId: 'HK-C2', kind: 'closed', at: clock.now() })).toEqual({ status: 'accepted' });
    expect(fake.orders.get('HK-C2')!.afterSale).toMatchObject({ type: 'CLOSE' });
  });

  it('rejects at review: under age, refused region, and the sixth card of one ID', async () => {
    const place = async (id: string, residentId: string, province = '广东省') => {
      const [n] = await port.searchNumbers({ supplierPlanId: 'P1001', limit: 1 });
      const hold = await port.reserve({ reserveNo: `R-${id}`, supplierPlanId: 'P1001', number: n!.number });
      if (hold.status !== 'reserved') throw new Error('no hold');
      await port.submit({ orderId: id, supplierPlanId: 'P1001', number: n!.number, reservationId: hold.reservationId, name: '王五', residentId, phone: '13800138000', address: { ...ADDRESS, province } });
      return fake.review(id);
    };
    expect(await place('HK-Y', '110101201501011234')).toBe('rejected');
    expect(fake.orders.get('HK-Y')!.reason).toContain('16-60');
    expect(await place('HK-R', '110101199001011234', '新疆维吾尔自治区')).toBe('rejected');
    for (let i = 0; i < 5; i++) expect(await place(`HK-F${i}`, '110101198001011239')).toBe('awaiting_shipment');
    expect(await place('HK-F5', '110101198001011239')).toBe('rejected');
    expect((await port.query('HK-F5'))).toMatchObject({ state: 'rejected', reason: '一证五号：该身份证名下号卡已达 5 张' });
  });

  it('signs its callbacks so that the client believes them', async () => {
    const c = fake.callbacks.find((x) => x.fields.outOrderNo === 'HK-C2' && x.fields.status === '5')!;
    expect(port.verifyCallback({}, fake.body(c), clock.now())).toMatchObject({ orderId: 'HK-C2', state: 'shipped' });
  });
});
