// A supplier reached through the md5kv protocol (protocol.ts): our requests signed with its secret, its answers
// read from the { result, msg, data } envelope, its callbacks verified before they are believed.
import { fail, type DomainError } from '../../../domain/errors.ts';
import type { Carrier } from '../../../domain/order.ts';
import type { PlanDisclosure } from '../../../domain/suppliers/disclosure.ts';
import type { Clock } from '../../../app/platform/ports.ts';
import type { CallbackAck, CancelAnswer, PoolNumber, PoolQuery, ReleaseAnswer, ReserveAnswer, SubmitAnswer, SubmitRequest, SupplierPlan, SupplierPort, SupplierReport } from '../../../app/suppliers/ports.ts';
import { beijingTime, CALLBACK_ACK, CALLBACK_NACK, METHODS, OPERATORS, ORDER_STATUS, parseBeijingTime, callMd5kv, dataOf, RESULT, verify, yuanToFen, type Envelope } from './protocol.ts';

export interface Md5kvOptions {
  id: string;
  url: string;
  appId: string;
  secret: string;
  notifyUrl: string | null;
  clock: Clock;
  timeoutMs?: number;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A product of the catalog as one of our plans; null when it cannot be read (it is left out, not guessed). */
export function planOf(p: Obj): SupplierPlan | null {
  const carrier: Carrier | undefined = OPERATORS[str(p.operator)];
  const monthly = yuanToFen(p.monthlyFee);
  const price = yuanToFen(p.price ?? '0');
  if (!carrier || monthly === null || price === null || !str(p.productId) || !str(p.productName)) return null;
  const fr = p.firstRecharge as Obj | null | undefined;
  const promo = p.promotion as Obj | null | undefined;
  const frFen = fr ? yuanToFen(fr.amount) : null;
  const promoFee = promo ? yuanToFen(promo.fee) : null;
  const promoAfter = promo ? yuanToFen(promo.feeAfter) : null;
  const disclosure: PlanDisclosure = {
    firstTopUp: fr && frFen !== null ? { amountFen: frFen, withinDays: Number(fr.days) || 0, rule: str(fr.rule) } : null,
    contractMonths: Number(p.contractMonths) || 0,
    promotion: promo && promoFee !== null && promoAfter !== null ? { months: Number(promo.months) || 0, feeFen: promoFee, feeAfterFen: promoAfter } : null,
    deliveryRegions: list(p.deliveryRegions),
    refusedRegions: list(p.refusedRegions),
    numberHome: str(p.numberProvince) ? { province: str(p.numberProvince), city: str(p.numberCity) } : 'delivery',
    freeCard: price === 0,
  };
  return {
    supplierPlanId: str(p.productId), carrier, name: str(p.productName), monthlyFeeFen: monthly,
    dataMb: Math.round((Number(p.flowGb) || 0) * 1024), voiceMinutes: Number(p.voiceMinutes) || 0, priceFen: price, disclosure,
    ...(Number.isInteger(p.ageMin) && Number.isInteger(p.ageMax) ? { ageBand: { min: Number(p.ageMin), max: Number(p.ageMax) } } : {}),
  };
}

/** A callback or query answer as a report; an error value when its status is unknown or it names no order. */
export function reportOf(d: Obj, fallbackAt: number): SupplierReport | DomainError {
  const state = ORDER_STATUS[str(d.status)];
  const orderId = str(d.outOrderNo);
  if (!state || !orderId) return fail('SUPPLIER.BAD_CALLBACK', 'The supplier\u2019s report has no known status or order.', { status: str(d.status), outOrderNo: orderId });
  const ts = Number(d.timestamp);
  const sent = Number.isFinite(ts) && ts > 0 ? ts * 1000 : fallbackAt;
  const activeAt = parseBeijingTime(d.activeTime);
  return {
    eventId: str(d.eventId) || `query:${orderId}:${state}`,
    orderId,
    supplierOrderId: str(d.orderNo) || null,
    state,
    at: (state === 'activated' && activeAt) || sent,
    waybill: str(d.expressNo) || null,
    iccid: str(d.iccid) || null,
    producedNumber: str(d.number) || null,
    topUpFen: yuanToFen(d.rechargeAmount),
    reason: str(d.reason) || null,
  };
}

export class Md5kvSupplier implements SupplierPort {
  readonly id: string;

  constructor(private readonly o: Md5kvOptions) {
    this.id = o.id;
  }

  private call(path: string, fields: Obj): Promise<Envelope<Obj>> {
    return callMd5kv(this.o, `supplier ${this.id}`, path, fields);
  }

  async catalog(): Promise<SupplierPlan[]> {
    const env = await this.call(METHODS.products, {});
    if (env.result !== RESULT.success) throw new Error(`supplier ${this.id} refused the product list: ${env.result} ${env.msg}`);
    const items = dataOf(env).list;
    return (Array.isArray(items) ? items : []).map((p) => planOf(p as Obj)).filter((p): p is SupplierPlan => p !== null);
  }

  async searchNumbers(q: PoolQuery): Promise<PoolNumber[]> {
    const env = await this.call(METHODS.searchNumbers, { productId: q.supplierPlanId, keyword: q.contains ?? '', tail: q.tail ?? '', pageSize: q.limit });
    if (env.result === RESULT.productOffSale) return [];
    if (env.result !== RESULT.success) throw new Error(`supplier ${this.id} refused the number search: ${env.result} ${env.msg}`);
    const items = dataOf(env).list;
    return (Array.isArray(items) ? items : []).map((x) => x as Obj).filter((x) => /^1\d{10}$/.test(str(x.number)))
      .map((x) => ({ number: str(x.number), province: str(x.province), city: str(x.city), supplierPriceFen: yuanToFen(x.price) ?? 0 }));
  }

  async reserve(req: { reserveNo: string; supplierPlanId: string; number: string }): Promise<ReserveAnswer> {
    const env = await this.call(METHODS.occupy, { productId: req.supplierPlanId, number: req.number, occupyNo: req.reserveNo });
    if (env.result === RESULT.numberTaken || env.result === RESULT.productOffSale || env.result === RESULT.paramsError) return { status: 'unavailable', reason: env.msg };
    if (env.result !== RESULT.success) return { status: 'failed', error: `${env.result} ${env.msg}` };
    const d = dataOf(env);
    const expiresAt = parseBeijingTime(d.expireTime);
    if (!str(d.occupyId) || expiresAt === null) return { status: 'failed', error: 'the hold came back without an id or an end' };
    return { status: 'reserved', reservationId: str(d.occupyId), expiresAt };
  }

  async release(req: { reservationId: string }): Promise<ReleaseAnswer> {
    const env = await this.call(METHODS.release, { occupyId: req.reservationId });
    return env.result === RESULT.success ? { status: 'released' } : { status: 'failed', error: `${env.result} ${env.msg}` };
  }

  async submit(req: SubmitRequest): Promise<SubmitAnswer> {
    const env = await this.call(METHODS.submit, {
      outOrderNo: req.orderId, productId: req.supplierPlanId, number: req.number, occupyId: req.reservationId ?? '',
      certName: req.name, certNo: req.residentId, contactPhone: req.phone,
      province: req.address.province, city: req.address.city, district: req.address.district, address: req.address.detail,
      notifyUrl: this.o.notifyUrl ?? '',
    });
    if (env.result === RESULT.success && str(dataOf(env).orderNo)) return { status: 'accepted', supplierOrderId: str(dataOf(env).orderNo) };
    if (env.result === RESULT.otherError) return { status: 'failed', error: env.msg, retryable: true };
    if (env.result === RESULT.signError || env.result === RESULT.appInvalid) return { status: 'failed', error: `${env.result} ${env.msg}`, retryable: false };
    return { status: 'refused', code: String(env.result), reason: env.msg };
  }

  async query(orderId: string): Promise<SupplierReport | null> {
    const env = await this.call(METHODS.query, { outOrderNo: orderId });
    if (env.result === RESULT.orderNotFound) return null;
    if (env.result !== RESULT.success) throw new Error(`supplier ${this.id} refused the query: ${env.result} ${env.msg}`);
    const r = reportOf(dataOf(env), this.o.clock.now());
    if ('kind' in r) throw new Error(r.message);
    return r;
  }

  async cancel(req: { orderId: string; reason: string }): Promise<CancelAnswer> {
    const env = await this.call(METHODS.cancel, { outOrderNo: req.orderId, reason: req.reason });
    if (env.result === RESULT.success) return { status: 'cancelled' };
    if (env.result === RESULT.alreadyShipped) return { status: 'already_shipped', waybill: str(dataOf(env).expressNo) || null };
    if (env.result === RESULT.otherError) return { status: 'failed', error: env.msg };
    return { status: 'refused', reason: env.msg };
  }

  async reportAfterSale(req: { orderId: string; kind: 'returned' | 'closed'; at: number }): Promise<{ status: 'accepted' } | { status: 'failed'; error: string }> {
    const env = await this.call(METHODS.afterSale, { outOrderNo: req.orderId, type: req.kind === 'returned' ? 'RETURN' : 'CLOSE', happenTime: beijingTime(req.at) });
    return env.result === RESULT.success ? { status: 'accepted' } : { status: 'failed', error: `${env.result} ${env.msg}` };
  }

  /**
   * A callback is believed only with this supplier's app id and a good signature. Its time is not held to a
   * window: a supplier resends for hours, and a report repeated or older than what we hold changes nothing.
   */
  verifyCallback(_headers: Record<string, string | string[] | undefined>, rawBody: string, now: number): SupplierReport | DomainError {
    let b: Obj;
    try {
      b = JSON.parse(rawBody) as Obj;
      if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new Error('not an object');
    } catch {
      return fail('SUPPLIER.BAD_CALLBACK', 'The callback is not a JSON object.');
    }
    if (b.appId !== this.o.appId || !verify(b, this.o.secret)) return fail('SUPPLIER.BAD_SIGNATURE', 'The callback\u2019s signature does not match this supplier\u2019s key.', { supplierId: this.id });
    return reportOf(b, now);
  }

  ack(ok: boolean): CallbackAck {
    return { contentType: 'text/plain;charset=utf-8', body: ok ? CALLBACK_ACK : CALLBACK_NACK };
  }
}
