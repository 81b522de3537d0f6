import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/clock.ts';
import { AesecbSupplier } from '../../../src/adapters/suppliers/aesecb/client.ts';
import { decrypt, encrypt } from '../../../src/adapters/suppliers/aesecb/protocol.ts';
import { FakeAesecbWire, serveFakeAesecb, type FakeAesecbServer } from '../../../src/adapters/suppliers/aesecb/fake/server.ts';
import { FakeMd5Supplier, OCCUPY_MS } from '../../../src/adapters/suppliers/md5kv/fake/fake-supplier.ts';
import { DEMO_PRODUCTS } from '../../../src/adapters/suppliers/md5kv/fake/demo-catalog.ts';
import { isError } from '../../../src/domain/errors.ts';

const vector = JSON.parse(readFileSync(new URL('../../fixtures/partners/aesecb/aes-vector.json', import.meta.url), 'utf8')) as { appSecret: string; plain: string; cipher: string };
const SECRET = '0123456789abcdef0123456789abcdef';
const ADDRESS = { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' };

describe('aesecb: the documented encryption', () => {
  it('opens the printed sample with the printed AppSecret and seals it back to the same text', () => {
    expect(decrypt(vector.cipher, vector.appSecret)).toBe(vector.plain);
    expect(encrypt(vector.plain, vector.appSecret)).toBe(vector.cipher);
    expect(decrypt(vector.cipher, SECRET)).toBeNull();
  });
});

describe('aesecb: the client against its fake supplier', () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 27, 2));
  const engine = new FakeMd5Supplier('unused', 'unused', clock, 5);
  const wire = new FakeAesecbWire(engine, 'AK1001', SECRET, clock);
  let server: FakeAesecbServer;
  let port: AesecbSupplier;
  beforeAll(async () => {
    for (const p of DEMO_PRODUCTS) engine.putProduct(p, 20);
    engine.hold = true;
    server = await serveFakeAesecb(wire);
    port = new AesecbSupplier({ id: 'beta', url: server.url, appKey: 'AK1001', appSecret: SECRET, notifyUrl: 'http://127.0.0.1:9/cb', clock });
  });
  afterAll(() => server.close());

  const place = async (orderId: string, residentId = '110101199003071234') => {
    const [n] = await port.searchNumbers({ supplierPlanId: 'P1003', limit: 1 });
    const hold = await port.reserve({ reserveNo: `L-${orderId}`, supplierPlanId: 'P1003', number: n!.number });
    if (hold.status !== 'reserved') throw new Error('no hold');
    return port.submit({ orderId, supplierPlanId: 'P1003', number: n!.number, reservationId: hold.reservationId, name: '赵六', residentId, phone: '13800138000', address: ADDRESS });
  };

  it('is refused with 1001 when it signs with another secret', async () => {
    const wrong = new AesecbSupplier({ id: 'beta', url: server.url, appKey: 'AK1001', appSecret: 'ffffffffffffffffffffffffffffffff', notifyUrl: null, clock });
    await expect(wrong.catalog()).rejects.toThrow(/1001/);
  });

  it('reads the goods list in fen with the disclosure', async () => {
    const plans = await port.catalog();
    expect(plans.find((p) => p.supplierPlanId === 'P1003')).toMatchObject({ carrier: 'china_telecom', priceFen: 5000, monthlyFeeFen: 1900, disclosure: { contractMonths: 24, firstTopUp: { amountFen: 10_000, withinDays: 15 } } });
  });

  it('locks numbers that run out, and orders on a running lock only', async () => {
    const [n] = await port.searchNumbers({ supplierPlanId: 'P1003', limit: 1 });
    const hold = await port.reserve({ reserveNo: 'L1', supplierPlanId: 'P1003', number: n!.number });
    expect(hold).toMatchObject({ status: 'reserved', expiresAt: clock.now() + OCCUPY_MS });
    expect(await port.reserve({ reserveNo: 'L2', supplierPlanId: 'P1003', number: n!.number })).toMatchObject({ status: 'unavailable' });
    clock.advance(OCCUPY_MS);
    expect(engine.isFree(n!.number)).toBe(true);
    expect(await place('HK-B1')).toMatchObject({ status: 'accepted' });
  });

  it('sends callbacks whose order number opens only with our secret, and answers queries the same way', async () => {
    engine.review('HK-B1');
    engine.ship('HK-B1');
    const c = engine.callbacks.filter((x) => x.fields.outOrderNo === 'HK-B1').at(-1)!;
    const body = wire.callbackBody(c.fields as Record<string, string>);
    expect(body).not.toContain('HK-B1');
    expect(port.verifyCallback({}, body, clock.now())).toMatchObject({ orderId: 'HK-B1', state: 'shipped', eventId: c.eventId });
    const other = new AesecbSupplier({ id: 'beta', url: server.url, appKey: 'AK1001', appSecret: 'ffffffffffffffffffffffffffffffff', notifyUrl: null, clock });
    const refused = other.verifyCallback({}, body, clock.now());
    expect(isError(refused) && refused.code).toBe('SUPPLIER.BAD_SIGNATURE');
    const tampered = port.verifyCallback({}, body.replace('SENT', 'ACTIVATED'), clock.now());
    expect(isError(tampered) && tampered.code).toBe('SUPPLIER.BAD_SIGNATURE');
    engine.activate('HK-B1');
    const q = await port.query('HK-B1');
    expect(q).toMatchObject({ orderId: 'HK-B1', state: 'activated', producedNumber: engine.orders.get('HK-B1')!.number, iccid: engine.orders.get('HK-B1')!.iccid });
  });

  it('cancels an unshipped order and refuses a shipped one with its waybill; rejects the sixth card of an ID', async () => {
    await place('HK-B2');
    expect(await port.cancel({ orderId: 'HK-B2', reason: '不要了' })).toEqual({ status: 'cancelled' });
    expect(await port.cancel({ orderId: 'HK-B1', reason: '不要了' })).toMatchObject({ status: 'already_shipped', waybill: engine.orders.get('HK-B1')!.expressNo });
    expect(await port.reportAfterSale({ orderId: 'HK-B1', kind: 'returned', at: clock.now() })).toEqual({ status: 'accepted' });
    expect(engine.orders.get('HK-B1')!.afterSale).toMatchObject({ type: 'RETURN' });
    expect(await port.reportAfterSale({ orderId: 'HK-NONE', kind: 'closed', at: clock.now() })).toMatchObject({ status: 'failed' });
    for (let i = 0; i < 5; i++) await place(`HK-B5${i}`, '110101198805051236');
    await place('HK-B56', '110101198805051236');
    expect(engine.review('HK-B56')).toBe('rejected');
    expect(await port.query('HK-B56')).toMatchObject({ state: 'rejected', reason: '一证五号：该身份证名下号卡已达 5 张' });
  });
});
