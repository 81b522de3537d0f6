// The fake aesecb supplier on 127.0.0.1: the same supplier back office as the md5kv fake (catalog, pool, holds that
// run out, review that rejects, orders), spoken through the aesecb wire: HMAC-signed requests, { code, msg, success,
// msgId, data } answers, and callbacks whose order number, produced number and ICCID are AES-encrypted.
import { serveLocal, type LocalServer } from '../../../sim/local-server.ts';
import type { Clock } from '../../../../app/platform/ports.ts';
import { ORDER_STATUS as MD5_STATUS, parseBeijingTime, yuanToFen, type Envelope } from '../../md5kv/protocol.ts';
import type { FakeMd5Supplier, FakeProduct } from '../../md5kv/fake/fake-supplier.ts';
import { CODE, encrypt, PATHS, signature, signatureOk, STATUS_WORD, type Answer } from '../protocol.ts';

const CODES: Record<number, string> = {
  20000: CODE.ok, 40004: CODE.appKeyUnknown, 40026: CODE.signError, 40032: CODE.paramsError, 50000: CODE.busy,
  41001: CODE.numberTaken, 41002: CODE.holdEnded, 41003: CODE.offSale, 42004: CODE.orderNotFound, 42005: CODE.alreadyShipped, 42006: CODE.cannotCancel,
};
const OPERATOR: Record<string, number> = { CMCC: 1, CUCC: 2, CTCC: 3, CBN: 4 };
const fen = (yuan: string) => yuanToFen(yuan) ?? 0;

export type FakeAesecbServer = LocalServer;

export class FakeAesecbWire {
  private seq = 0;
  /** How a translated callback reaches the platform; true when it answered `success`. */
  deliver: ((url: string, body: string) => Promise<boolean>) | null = null;

  constructor(readonly engine: FakeMd5Supplier, readonly appKey: string, private readonly appSecret: string, private readonly clock: Clock) {
    // The back office raises callbacks in its own words; this wire re-speaks them, encrypted and signed.
    engine.deliver = async (url, body) => (this.deliver ? this.deliver(url, this.callbackBody(JSON.parse(body) as Record<string, string>)) : false);
  }

  private answer(e: Envelope, data: Record<string, unknown> | null = e.data): Answer {
    const code = CODES[e.result] ?? CODE.busy;
    return { code, msg: e.msg, success: code === CODE.ok, msgId: `R${++this.seq}`, data };
  }

  private goods(p: Omit<FakeProduct, 'prefixes'>) {
    return {
      goodsId: p.productId, goodsName: p.productName, operator: OPERATOR[p.operator], monthRent: fen(p.monthlyFee), flowMb: p.flowGb * 1024, voiceMin: p.voiceMinutes,
      salePrice: fen(p.price), firstCharge: p.firstRecharge ? { amount: fen(p.firstRecharge.amount), days: p.firstRecharge.days, desc: p.firstRecharge.rule } : null,
      contractMonth: p.contractMonths, promo: p.promotion ? { months: p.promotion.months, rent: fen(p.promotion.fee), rentAfter: fen(p.promotion.feeAfter) } : null,
      sendArea: p.deliveryRegions, forbidArea: p.refusedRegions, numberBelong: p.numberProvince ? { province: p.numberProvince, city: p.numberCity } : null, ageRange: [p.ageMin, p.ageMax],
    };
  }

  /** An order's data in this wire's words, with its sensitive fields encrypted. */
  orderData(o: Record<string, string>): Record<string, unknown> {
    return {
      tradeNo: encrypt(o.outOrderNo!, this.appSecret), supplierOrderNo: o.orderNo, orderStatus: STATUS_WORD[MD5_STATUS[o.status!]!], logisticsNo: o.expressNo ?? '',
      iccid: o.iccid ? encrypt(o.iccid, this.appSecret) : '', phone: o.number ? encrypt(o.number, this.appSecret) : '',
      activeTime: parseBeijingTime(o.activeTime) ?? 0, rechargeAmount: yuanToFen(o.rechargeAmount) ?? 0, failReason: o.reason ?? '',
    };
  }

  callbackBody(md5Fields: Record<string, string>): string {
    const dataJson = JSON.stringify(this.orderData(md5Fields));
    const timestamp = String(this.clock.now());
    const msgId = md5Fields.eventId!;
    return JSON.stringify({ appKey: this.appKey, timestamp, msgId, data: dataJson, sign: signature(this.appSecret, this.appKey, timestamp, msgId, dataJson) });
  }

  handle(path: string, raw: string): Answer {
    let b: Record<string, unknown>;
    let d: Record<string, unknown>;
    try {
      b = JSON.parse(raw) as Record<string, unknown>;
      d = JSON.parse(String(b.data ?? '{}')) as Record<string, unknown>;
    } catch {
      return { code: CODE.paramsError, msg: '参数格式错误', success: false, msgId: `R${++this.seq}`, data: null };
    }
    const refuse = (code: string, msg: string): Answer => ({ code, msg, success: false, msgId: `R${++this.seq}`, data: null });
    if (b.appKey !== this.appKey) return refuse(CODE.appKeyUnknown, 'appKey不存在');
    if (!signatureOk(this.appSecret, String(b.appKey), String(b.timestamp ?? ''), String(b.msgId ?? ''), String(b.data ?? ''), String(b.sign ?? ''))) return refuse(CODE.signError, '签名错误');
    if (Math.abs(Number(b.timestamp) - this.clock.now()) > 300_000) return refuse(CODE.paramsError, '请求已过期');
    const busy = this.engine.busy();
    if (busy) return this.answer(busy);
    const e = this.engine;
    switch (path) {
      case PATHS.goods: {
        const list = (e.productList().data as { list: Omit<FakeProduct, 'prefixes'>[] }).list;
        return this.answer({ result: 20000, msg: '请求成功', data: null }, { goods: list.map((p) => this.goods(p)) });
      }
      case PATHS.numbers: {
        const r = e.searchNumbers({ productId: d.goodsId, keyword: d.keyword, tail: d.tail, pageSize: d.size });
        const list = ((r.data as { list?: { number: string; province: string; city: string }[] } | null)?.list ?? []).map((n) => ({ phone: n.number, province: n.province, city: n.city, price: 0 }));
        return this.answer(r, { numbers: list });
      }
      case PATHS.lock: {
        const r = e.occupy({ productId: d.goodsId, number: d.phone, occupyNo: d.lockNo });
        const x = r.data as { occupyId?: string; expireTime?: string } | null;
        return this.answer(r, { lockId: x?.occupyId, expireAt: parseBeijingTime(x?.expireTime) });
      }
      case PATHS.unlock: return this.answer(e.release({ occupyId: d.lockId }), { unlocked: true });
      case PATHS.order: {
        const r = e.submit({ outOrderNo: d.outTradeNo, productId: d.goodsId, number: d.phone, occupyId: d.lockId, certName: d.name, certNo: d.idCard, contactPhone: d.mobile, province: d.province, city: d.city, district: d.district, address: d.address, notifyUrl: d.notifyUrl });
        return this.answer(r, { supplierOrderNo: (r.data as { orderNo?: string } | null)?.orderNo });
      }
      case PATHS.query: {
        const r = e.query({ outOrderNo: d.outTradeNo });
        return this.answer(r, r.data ? this.orderData(r.data as Record<string, string>) : null);
      }
      case PATHS.cancel: {
        const r = e.cancel({ outOrderNo: d.outTradeNo, reason: d.reason });
        return this.answer(r, r.result === 42005 ? { logisticsNo: (r.data as { expressNo?: string }).expressNo } : { canceled: true });
      }
      case PATHS.afterSale: {
        const r = e.afterSale({ outOrderNo: d.outTradeNo, type: d.type === 1 ? 'RETURN' : d.type === 2 ? 'CLOSE' : '', happenTime: String(d.happenAt ?? '') });
        return this.answer(r, { received: true });
      }
      default: return refuse(CODE.paramsError, '接口不存在');
    }
  }
}

export function serveFakeAesecb(wire: FakeAesecbWire): Promise<FakeAesecbServer> {
  return serveLocal((req) => ({ status: 200, body: wire.handle(req.url.split('?')[0] ?? '', req.body) }));
}
