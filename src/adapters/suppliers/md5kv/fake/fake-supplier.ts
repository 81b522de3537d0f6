// A fake md5kv supplier that behaves like one: a catalog it edits, a pool of numbers held briefly (预占) and
// released when the hold runs out, orders reviewed by its own rules (age band, refused regions, five cards per
// resident ID), and signed callbacks that may be held back, resent, lost or delivered out of order.
import type { Clock } from '../../../../app/platform/ports.ts';
import { SeededRandom } from '../../../sim/random.ts';
import type { SupplierOrderState } from '../../../../domain/suppliers/supplier-order.ts';
import { beijingTime, CALLBACK_ACK, fenToYuan, RESULT, signed, STATUS_CODE, STATUS_DESC, type Envelope } from '../protocol.ts';

export interface FakeProduct {
  productId: string;
  productName: string;
  operator: 'CMCC' | 'CUCC' | 'CTCC' | 'CBN';
  monthlyFee: string;
  flowGb: number;
  voiceMinutes: number;
  price: string;
  firstRecharge: { amount: string; days: number; rule: string } | null;
  contractMonths: number;
  promotion: { months: number; fee: string; feeAfter: string } | null;
  deliveryRegions: string[];
  refusedRegions: string[];
  numberProvince: string;
  numberCity: string;
  onSale: boolean;
  ageMin: number;
  ageMax: number;
  prefixes: string[];
}

interface PoolEntry { number: string; productId: string; occupyId: string | null; sold: boolean }
interface Occupy { occupyId: string; occupyNo: string; number: string; productId: string; expiresAt: number; state: 'held' | 'released' | 'used' }
export interface FakeOrder {
  orderNo: string; outOrderNo: string; productId: string; number: string; certNo: string; certName: string; province: string;
  state: SupplierOrderState; afterSale?: { type: string; at: string }; expressNo: string; iccid: string; activeTime: string; rechargeAmount: string; reason: string; notifyUrl: string;
}
export interface Callback { eventId: string; url: string; fields: Record<string, unknown>; delivered: boolean }

/** One card per ID is fine; the sixth live card of one ID at this supplier is refused (一证五号). */
const CARDS_PER_ID = 5;
export const OCCUPY_MS = 10 * 60_000;

const ok = <T>(data: T): Envelope<T> => ({ result: RESULT.success, msg: 'success', data });
const no = (result: number, msg: string, data: Record<string, unknown> | null = null): Envelope => ({ result, msg, data });

export class FakeMd5Supplier {
  readonly products = new Map<string, FakeProduct>();
  readonly pool = new Map<string, PoolEntry>();
  readonly occupies = new Map<string, Occupy>();
  private readonly occupyByNo = new Map<string, string>();
  readonly orders = new Map<string, FakeOrder>();
  /** Callbacks in the order they were raised; `hold` keeps them back until flushed (late, reordered or lost). */
  readonly callbacks: Callback[] = [];
  hold = false;
  /** Set when a test drives review, shipping and activation itself: the demo's beat then leaves the orders alone. */
  manual = false;
  /** How a callback reaches the platform (set by the wiring or a test); true when it answered `success`. */
  deliver: ((url: string, body: string) => Promise<boolean>) | null = null;
  /** Scripting: the next N calls answer 50000 as a busy system does. */
  failNext = 0;
  private seq = 0;
  private readonly rnd: SeededRandom;

  constructor(readonly appId: string, private readonly secret: string, private readonly clock: Clock, seed = 11) {
    this.rnd = new SeededRandom(seed);
  }

  // ---- the catalog, as the supplier edits it
  putProduct(p: FakeProduct, poolSize = 60): void {
    this.products.set(p.productId, p);
    if ([...this.pool.values()].some((e) => e.productId === p.productId)) return;
    for (let i = 0; i < poolSize; i++) {
      let n = '';
      do n = p.prefixes[i % p.prefixes.length]! + String(Math.floor(this.rnd.next() * 1e8)).padStart(8, '0');
      while (this.pool.has(n));
      this.pool.set(n, { number: n, productId: p.productId, occupyId: null, sold: false });
    }
  }

  addNumber(productId: string, number: string): void {
    this.pool.set(number, { number, productId, occupyId: null, sold: false });
  }

  withdraw(productId: string): void {
    const p = this.products.get(productId);
    if (p) p.onSale = false;
  }

  // ---- methods (the server calls these with a checked body)
  busy(): Envelope | null {
    if (this.failNext > 0) {
      this.failNext--;
      return no(RESULT.otherError, '系统繁忙，请稍后再试');
    }
    return null;
  }

  productList(): Envelope {
    const list = [...this.products.values()].filter((p) => p.onSale).map(({ prefixes: _p, ...rest }) => rest);
    return ok({ list });
  }

  searchNumbers(b: Record<string, unknown>): Envelope {
    const productId = String(b.productId ?? '');
    if (!this.products.get(productId)?.onSale) return no(RESULT.productOffSale, '商品已下架');
    const keyword = typeof b.keyword === 'string' ? b.keyword : '';
    const tail = typeof b.tail === 'string' ? b.tail : '';
    const size = Math.min(Number(b.pageSize) || 20, 100);
    const p = this.products.get(productId)!;
    const list = [...this.pool.values()]
      .filter((e) => e.productId === productId && !e.sold && !this.held(e) && (!keyword || e.number.includes(keyword)) && (!tail || e.number.endsWith(tail)))
      .slice(0, size)
      .map((e) => ({ number: e.number, province: p.numberProvince, city: p.numberCity, price: '0.00' }));
    return ok({ list });
  }

  occupy(b: Record<string, unknown>): Envelope {
    const occupyNo = String(b.occupyNo ?? '');
    const again = this.occupies.get(this.occupyByNo.get(occupyNo) ?? '');
    if (again && again.state === 'held' && again.expiresAt > this.clock.now()) return ok({ occupyId: again.occupyId, expireTime: beijingTime(again.expiresAt) });
    const e = this.pool.get(String(b.number ?? ''));
    if (!e || e.productId !== b.productId) return no(RESULT.paramsError, '号码不存在');
    if (e.sold || this.held(e)) return no(RESULT.numberTaken, '号码已被占用，请重新选号');
    const o: Occupy = { occupyId: `ZY${++this.seq}${this.rnd.hex(6)}`, occupyNo, number: e.number, productId: e.productId, expiresAt: this.clock.now() + OCCUPY_MS, state: 'held' };
    this.occupies.set(o.occupyId, o);
    this.occupyByNo.set(occupyNo, o.occupyId);
    e.occupyId = o.occupyId;
    return ok({ occupyId: o.occupyId, expireTime: beijingTime(o.expiresAt) });
  }

  release(b: Record<string, unknown>): Envelope {
    const o = this.occupies.get(String(b.occupyId ?? ''));
    if (!o) return no(RESULT.paramsError, '预占记录不存在');
    if (o.state === 'held') {
      o.state = 'released';
      const e = this.pool.get(o.number);
      if (e && e.occupyId === o.occupyId) e.occupyId = null;
    }
    return ok({ released: true });
  }

  submit(b: Record<string, unknown>): Envelope {
    const outOrderNo = String(b.outOrderNo ?? '');
    const known = this.orders.get(outOrderNo);
    if (known) return ok({ orderNo: known.orderNo });
    for (const k of ['outOrderNo', 'productId', 'number', 'certName', 'certNo', 'contactPhone', 'province', 'address']) {
      if (typeof b[k] !== 'string' || b[k] === '') return no(RESULT.paramsError, `缺少参数 ${k}`);
    }
    const p = this.products.get(String(b.productId));
    if (!p?.onSale) return no(RESULT.productOffSale, '商品已下架');
    const o = this.occupies.get(String(b.occupyId ?? ''));
    const e = this.pool.get(String(b.number));
    if (!o || o.number !== b.number || o.state !== 'held' || o.expiresAt <= this.clock.now() || !e || e.occupyId !== o.occupyId) {
      return no(RESULT.occupyExpired, '号码预占已失效，请重新选号');
    }
    o.state = 'used';
    e.sold = true;
    const order: FakeOrder = {
      orderNo: `SO${this.clock.now()}${++this.seq}`, outOrderNo, productId: p.productId, number: e.number, certNo: String(b.certNo).toUpperCase(), certName: String(b.certName),
      province: String(b.province), state: 'submitted', expressNo: '', iccid: '', activeTime: '', rechargeAmount: '', reason: '', notifyUrl: String(b.notifyUrl ?? ''),
    };
    this.orders.set(outOrderNo, order);
    this.raise(order);
    return ok({ orderNo: order.orderNo });
  }

  query(b: Record<string, unknown>): Envelope {
    const o = this.orders.get(String(b.outOrderNo ?? ''));
    return o ? ok(this.view(o)) : no(RESULT.orderNotFound, '订单不存在');
  }

  cancel(b: Record<string, unknown>): Envelope {
    const o = this.orders.get(String(b.outOrderNo ?? ''));
    if (!o) return no(RESULT.orderNotFound, '订单不存在');
    if (['shipped', 'activated', 'first_top_up'].includes(o.state)) return no(RESULT.alreadyShipped, '订单已发货，无法取消', { expressNo: o.expressNo });
    if (o.state === 'rejected') return no(RESULT.cannotCancel, '订单已审核不通过');
    if (o.state !== 'cancelled') {
      o.state = 'cancelled';
      o.reason = String(b.reason ?? '用户取消');
      this.soldBack(o);
      this.raise(o);
    }
    return ok({ cancelResult: 'SUCCESS' });
  }

  afterSale(b: Record<string, unknown>): Envelope {
    const o = this.orders.get(String(b.outOrderNo ?? ''));
    if (!o) return no(RESULT.orderNotFound, '订单不存在');
    if (b.type !== 'RETURN' && b.type !== 'CLOSE') return no(RESULT.paramsError, 'type 只能是 RETURN 或 CLOSE');
    o.afterSale ??= { type: String(b.type), at: String(b.happenTime ?? '') };
    return ok({ received: true });
  }

  // ---- the supplier's own work, driven by a test or the demo
  /** Reviews an order by the product's rules; returns the state it reached. */
  review(outOrderNo: string): SupplierOrderState {
    const o = this.must(outOrderNo);
    if (o.state !== 'submitted' && o.state !== 'reviewing') return o.state;
    const p = this.products.get(o.productId)!;
    const age = ageOn(o.certNo, this.clock.now());
    const live = [...this.orders.values()].filter((x) => x.certNo === o.certNo && !['rejected', 'cancelled'].includes(x.state)).length;
    let reason = '';
    if (age === null || age < p.ageMin || age > p.ageMax) reason = `年龄不符合要求：本套餐仅限 ${p.ageMin}-${p.ageMax} 周岁办理`;
    else if (p.refusedRegions.some((r) => o.province.startsWith(r))) reason = `收货地址属于禁发地区（${o.province}）`;
    else if (live > CARDS_PER_ID) reason = `一证五号：该身份证名下号卡已达 ${CARDS_PER_ID} 张`;
    if (reason) {
      o.state = 'rejected';
      o.reason = reason;
      this.soldBack(o);
    } else o.state = 'awaiting_shipment';
    this.raise(o);
    return o.state;
  }

  ship(outOrderNo: string): void {
    const o = this.must(outOrderNo);
    o.state = 'shipped';
    o.expressNo = `SF${1_000_000_000 + ++this.seq}`;
    this.raise(o);
  }

  activate(outOrderNo: string): void {
    const o = this.must(outOrderNo);
    o.state = 'activated';
    o.iccid = `8986${String(Math.floor(this.rnd.next() * 1e15)).padStart(15, '0')}0`;
    o.activeTime = beijingTime(this.clock.now());
    this.raise(o);
  }

  topUp(outOrderNo: string, fen: number): void {
    const o = this.must(outOrderNo);
    o.state = 'first_top_up';
    o.rechargeAmount = fenToYuan(fen);
    this.raise(o);
  }

  /** Sends held callbacks (all, or those chosen), in the order given: reversed to arrive out of order. */
  async flush(opts: { reverse?: boolean; only?: (c: Callback) => boolean } = {}): Promise<number> {
    const due = this.callbacks.filter((c) => !c.delivered && (opts.only ? opts.only(c) : true));
    if (opts.reverse) due.reverse();
    let n = 0;
    for (const c of due) if (await this.send(c)) n++;
    return n;
  }

  /** A callback sent again, as a supplier retries until it hears `success`: same event, fresh signature and time. */
  async resend(c: Callback): Promise<boolean> {
    c.fields = signed({ ...c.fields, sign: undefined, timestamp: String(Math.floor(this.clock.now() / 1000)) }, this.secret);
    return this.send(c);
  }

  /** The signed body of a callback (tests forge or tamper with it). */
  body(c: Callback): string {
    return JSON.stringify(c.fields);
  }

  private async send(c: Callback): Promise<boolean> {
    if (!this.deliver || !c.url) return false;
    const acked = await this.deliver(c.url, this.body(c)).catch(() => false);
    if (acked) c.delivered = true;
    return acked;
  }

  private raise(o: FakeOrder): void {
    const fields = signed({ appId: this.appId, eventId: `EV${++this.seq}`, ...this.view(o), timestamp: String(Math.floor(this.clock.now() / 1000)) }, this.secret);
    const c: Callback = { eventId: String(fields.eventId), url: o.notifyUrl, fields, delivered: false };
    this.callbacks.push(c);
    if (!this.hold) void this.send(c);
  }

  private view(o: FakeOrder): Record<string, string> {
    return {
      outOrderNo: o.outOrderNo, orderNo: o.orderNo, status: STATUS_CODE[o.state], statusDesc: STATUS_DESC[o.state], number: o.number,
      expressNo: o.expressNo, iccid: o.iccid, activeTime: o.activeTime, rechargeAmount: o.rechargeAmount, reason: o.reason,
    };
  }

  private held(e: PoolEntry): boolean {
    if (!e.occupyId) return false;
    const o = this.occupies.get(e.occupyId);
    if (o && o.state === 'held' && o.expiresAt > this.clock.now()) return true;
    if (o && o.state === 'held') o.state = 'released';
    if (o?.state !== 'used') e.occupyId = null;
    return o?.state === 'used';
  }

  private soldBack(o: FakeOrder): void {
    const e = this.pool.get(o.number);
    if (e) { e.sold = false; e.occupyId = null; }
  }

  private must(outOrderNo: string): FakeOrder {
    const o = this.orders.get(outOrderNo);
    if (!o) throw new Error(`the fake supplier has no order ${outOrderNo}`);
    return o;
  }

  /** Whether a number is free in the pool now (held numbers free themselves when the hold runs out). */
  isFree(number: string): boolean {
    const e = this.pool.get(number);
    return !!e && !e.sold && !this.held(e);
  }
}

/** Age in whole years on a day, from a resident ID's birth date (positions 7-14). */
export function ageOn(certNo: string, now: number): number | null {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})/.exec(certNo);
  if (!m) return null;
  const d = new Date(now + 8 * 3_600_000);
  let age = d.getUTCFullYear() - Number(m[1]);
  if (d.getUTCMonth() + 1 < Number(m[2]) || (d.getUTCMonth() + 1 === Number(m[2]) && d.getUTCDate() < Number(m[3]))) age--;
  return age;
}

export const ACK = CALLBACK_ACK;
