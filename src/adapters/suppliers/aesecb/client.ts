// A supplier reached through the aesecb protocol (protocol.ts): signed requests with the data as JSON text, answers
// in { code, msg, success, msgId, data }, callbacks whose order number, produced number and ICCID come AES-encrypted.
import { fail, type DomainError } from '../../../domain/errors.ts';
import type { Carrier } from '../../../domain/order.ts';
import type { Clock } from '../../../app/platform/ports.ts';
import type { CallbackAck, CancelAnswer, PoolNumber, PoolQuery, ReleaseAnswer, ReserveAnswer, SubmitAnswer, SubmitRequest, SupplierPlan, SupplierPort, SupplierReport } from '../../../app/suppliers/ports.ts';
import { CALLBACK_ACK, CODE, decrypt, ORDER_STATUS, PATHS, signature, signatureOk, type Answer } from './protocol.ts';
import { partnerCall } from '../../partner-http.ts';

export interface AesecbOptions {
  id: string;
  url: string;
  appKey: string;
  appSecret: string;
  notifyUrl: string | null;
  clock: Clock;
  timeoutMs?: number;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
const OPERATOR: Record<number, Carrier> = { 1: 'china_mobile', 2: 'china_unicom', 3: 'china_telecom', 4: 'china_broadnet' };

export function goodsPlan(g: Obj): SupplierPlan | null {
  const carrier = OPERATOR[Number(g.operator)];
  const rent = int(g.monthRent);
  const price = int(g.salePrice);
  if (!carrier || rent === null || price === null || !str(g.goodsId) || !str(g.goodsName)) return null;
  const fc = g.firstCharge as Obj | null | undefined;
  const promo = g.promo as Obj | null | undefined;
  const belong = g.numberBelong as Obj | null | undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    supplierPlanId: str(g.goodsId), carrier, name: str(g.goodsName), monthlyFeeFen: rent, dataMb: int(g.flowMb) ?? 0, voiceMinutes: int(g.voiceMin) ?? 0, priceFen: price,
    disclosure: {
      firstTopUp: fc && int(fc.amount) !== null ? { amountFen: int(fc.amount)!, withinDays: int(fc.days) ?? 0, rule: str(fc.desc) } : null,
      contractMonths: int(g.contractMonth) ?? 0,
      promotion: promo && int(promo.rent) !== null && int(promo.rentAfter) !== null ? { months: int(promo.months) ?? 0, feeFen: int(promo.rent)!, feeAfterFen: int(promo.rentAfter)! } : null,
      deliveryRegions: list(g.sendArea), refusedRegions: list(g.forbidArea),
      numberHome: belong && str(belong.province) ? { province: str(belong.province), city: str(belong.city) } : 'delivery',
      freeCard: price === 0,
    },
    ...(Array.isArray(g.ageRange) && g.ageRange.length === 2 && g.ageRange.every((x) => Number.isInteger(x)) ? { ageBand: { min: Number(g.ageRange[0]), max: Number(g.ageRange[1]) } } : {}),
  };
}

export class AesecbSupplier implements SupplierPort {
  readonly id: string;
  private seq = 0;

  constructor(private readonly o: AesecbOptions) {
    this.id = o.id;
  }

  /** A report from an order's data (a callback's or a query's): encrypted fields opened with our secret. */
  reportOf(d: Obj, eventId: string, at: number): SupplierReport | DomainError {
    const orderId = decrypt(str(d.tradeNo), this.o.appSecret);
    const state = ORDER_STATUS[str(d.orderStatus)];
    if (!orderId || !state) return fail('SUPPLIER.BAD_CALLBACK', 'The report\u2019s order number does not open with our key, or its status is unknown.', { orderStatus: str(d.orderStatus) });
    const open = (v: unknown) => (str(v) ? decrypt(str(v), this.o.appSecret) : null);
    const activeAt = int(d.activeTime);
    return {
      eventId, orderId, supplierOrderId: str(d.supplierOrderNo) || null, state,
      at: (state === 'activated' && activeAt) || at,
      waybill: str(d.logisticsNo) || null, iccid: open(d.iccid), producedNumber: open(d.phone),
      topUpFen: int(d.rechargeAmount) || null, reason: str(d.failReason) || null,
    };
  }

  private async call(path: string, data: Obj): Promise<Answer<Obj>> {
    const timestamp = String(this.o.clock.now());
    const msgId = `${this.o.appKey}-${timestamp}-${++this.seq}`;
    const dataJson = JSON.stringify(data);
    const res = await partnerCall(`${this.o.url}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json;charset=utf-8' }, timeoutMs: this.o.timeoutMs ?? 10_000,
      body: JSON.stringify({ appKey: this.o.appKey, timestamp, msgId, data: dataJson, sign: signature(this.o.appSecret, this.o.appKey, timestamp, msgId, dataJson) }),
    });
    if (res.status < 200 || res.status > 299) throw new Error(`supplier ${this.id} answered HTTP ${res.status} to ${path}`);
    const a = JSON.parse(res.text) as Answer<Obj>;
    if (typeof a?.code !== 'string') throw new Error(`supplier ${this.id} answered ${path} without a code`);
    return a;
  }

  private static data(a: Answer<Obj>): Obj {
    return a.data && typeof a.data === 'object' ? a.data : {};
  }

  async catalog(): Promise<SupplierPlan[]> {
    const a = await this.call(PATHS.goods, {});
    if (a.code !== CODE.ok) throw new Error(`supplier ${this.id} refused the goods list: ${a.code} ${a.msg}`);
    const goods = AesecbSupplier.data(a).goods;
    return (Array.isArray(goods) ? goods : []).map((g) => goodsPlan(g as Obj)).filter((p): p is SupplierPlan => p !== null);
  }

  async searchNumbers(q: PoolQuery): Promise<PoolNumber[]> {
    const a = await this.call(PATHS.numbers, { goodsId: q.supplierPlanId, keyword: q.contains ?? '', tail: q.tail ?? '', size: q.limit });
    if (a.code === CODE.offSale) return [];
    if (a.code !== CODE.ok) throw new Error(`supplier ${this.id} refused the number search: ${a.code} ${a.msg}`);
    const list = AesecbSupplier.data(a).numbers;
    return (Array.isArray(list) ? list : []).map((x) => x as Obj).filter((x) => /^1\d{10}$/.test(str(x.phone)))
      .map((x) => ({ number: str(x.phone), province: str(x.province), city: str(x.city), supplierPriceFen: int(x.price) ?? 0 }));
  }

  async reserve(req: { reserveNo: string; supplierPlanId: string; number: string }): Promise<ReserveAnswer> {
    const a = await this.call(PATHS.lock, { goodsId: req.supplierPlanId, phone: req.number, lockNo: req.reserveNo });
    if (a.code === CODE.numberTaken || a.code === CODE.offSale || a.code === CODE.paramsError) return { status: 'unavailable', reason: a.msg };
    if (a.code !== CODE.ok) return { status: 'failed', error: `${a.code} ${a.msg}` };
    const d = AesecbSupplier.data(a);
    const expiresAt = int(d.expireAt);
    return str(d.lockId) && expiresAt ? { status: 'reserved', reservationId: str(d.lockId), expiresAt } : { status: 'failed', error: 'the lock came back without an id or an end' };
  }

  async release(req: { reservationId: string }): Promise<ReleaseAnswer> {
    const a = await this.call(PATHS.unlock, { lockId: req.reservationId });
    return a.code === CODE.ok ? { status: 'released' } : { status: 'failed', error: `${a.code} ${a.msg}` };
  }

  async submit(req: SubmitRequest): Promise<SubmitAnswer> {
    const a = await this.call(PATHS.order, {
      outTradeNo: req.orderId, goodsId: req.supplierPlanId, phone: req.number, lockId: req.reservationId ?? '', name: req.name, idCard: req.residentId, mobile: req.phone,
      province: req.address.province, city: req.address.city, district: req.address.district, address: req.address.detail, notifyUrl: this.o.notifyUrl ?? '',
    });
    if (a.code === CODE.ok && str(AesecbSupplier.data(a).supplierOrderNo)) return { status: 'accepted', supplierOrderId: str(AesecbSupplier.data(a).supplierOrderNo) };
    if (a.code === CODE.busy) return { status: 'failed', error: a.msg, retryable: true };
    if (a.code === CODE.signError || a.code === CODE.appKeyUnknown) return { status: 'failed', error: `${a.code} ${a.msg}`, retryable: false };
    return { status: 'refused', code: a.code, reason: a.msg };
  }

  async query(orderId: string): Promise<SupplierReport | null> {
    const a = await this.call(PATHS.query, { outTradeNo: orderId });
    if (a.code === CODE.orderNotFound) return null;
    if (a.code !== CODE.ok) throw new Error(`supplier ${this.id} refused the query: ${a.code} ${a.msg}`);
    const d = AesecbSupplier.data(a);
    const r = this.reportOf(d, `query:${orderId}:${str(d.orderStatus)}`, this.o.clock.now());
    if ('kind' in r) throw new Error(r.message);
    return r;
  }

  async cancel(req: { orderId: string; reason: string }): Promise<CancelAnswer> {
    const a = await this.call(PATHS.cancel, { outTradeNo: req.orderId, reason: req.reason });
    if (a.code === CODE.ok) return { status: 'cancelled' };
    if (a.code === CODE.alreadyShipped) return { status: 'already_shipped', waybill: str(AesecbSupplier.data(a).logisticsNo) || null };
    if (a.code === CODE.busy) return { status: 'failed', error: a.msg };
    return { status: 'refused', reason: a.msg };
  }

  async reportAfterSale(req: { orderId: string; kind: 'returned' | 'closed'; at: number }): Promise<{ status: 'accepted' } | { status: 'failed'; error: string }> {
    const a = await this.call(PATHS.afterSale, { outTradeNo: req.orderId, type: req.kind === 'returned' ? 1 : 2, happenAt: req.at });
    return a.code === CODE.ok ? { status: 'accepted' } : { status: 'failed', error: `${a.code} ${a.msg}` };
  }

  /** Believed only with our app key, a good HMAC, and an order number that opens with our secret. */
  verifyCallback(_headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): SupplierReport | DomainError {
    let b: Obj;
    try {
      b = JSON.parse(rawBody) as Obj;
      if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new Error('not an object');
    } catch {
      return fail('SUPPLIER.BAD_CALLBACK', 'The callback is not a JSON object.');
    }
    const dataJson = str(b.data);
    if (b.appKey !== this.o.appKey || !signatureOk(this.o.appSecret, str(b.appKey), str(b.timestamp), str(b.msgId), dataJson, str(b.sign))) {
      return fail('SUPPLIER.BAD_SIGNATURE', 'The callback\u2019s signature does not match this supplier\u2019s key.', { supplierId: this.id });
    }
    let d: Obj;
    try {
      d = JSON.parse(dataJson) as Obj;
    } catch {
      return fail('SUPPLIER.BAD_CALLBACK', 'The callback\u2019s data is not JSON.');
    }
    return this.reportOf(d, str(b.msgId), Number(b.timestamp) || now);
  }

  ack(ok: boolean): CallbackAck {
    return { contentType: 'text/plain;charset=utf-8', body: ok ? CALLBACK_ACK : 'fail' };
  }
}
