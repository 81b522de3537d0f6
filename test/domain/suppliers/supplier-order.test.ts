import { describe, expect, it } from 'vitest';
import { isError } from '../../../src/domain/errors.ts';
import { DEFAULT_SETTINGS } from '../../../src/domain/settings.ts';
import { advance, cancelledAtSupplier, confirmFree, decideSupplierUpdate, isForward, NEW_PROGRESS, reachable, rejectionAdvice, SUPPLIER_ORDER_STATES, type SupplierOrderState } from '../../../src/domain/suppliers/supplier-order.ts';
import { deliversTo, disclosureLines, NO_DISCLOSURE } from '../../../src/domain/suppliers/disclosure.ts';
import { anOrder, T0 } from '../../fixtures/builders.ts';

const ctx = { now: T0 + 60_000, settings: DEFAULT_SETTINGS };
const paid = () => anOrder({ state: 'paid', paidAt: T0, paymentChannel: 'alipay' });

describe('the supplier\u2019s states only move forward', () => {
  it('takes each state in its order, then refuses a repeat or an older one', () => {
    let p = NEW_PROGRESS(T0);
    for (const s of ['reviewing', 'awaiting_shipment', 'shipped', 'activated', 'first_top_up'] as SupplierOrderState[]) {
      const r = advance(p, { state: s, at: T0 + 1 });
      expect(r.changed).toBe(true);
      expect(advance(r.progress, { state: s, at: T0 + 2 }).changed).toBe(false);
      p = r.progress;
    }
    expect(advance(p, { state: 'shipped', at: T0 + 3 }).changed).toBe(false);
  });

  it('accepts a rejection or cancellation only before shipping, and nothing after one', () => {
    for (const from of SUPPLIER_ORDER_STATES) {
      const before = ['submitted', 'reviewing', 'photos_needed', 'awaiting_shipment'].includes(from);
      expect(isForward(from, 'rejected')).toBe(before);
    }
    expect(isForward('rejected', 'shipped')).toBe(false);
    expect(isForward('cancelled', 'activated')).toBe(false);
  });

  it('keeps the waybill, ICCID, produced number and first top-up it learnt', () => {
    const shipped = advance(NEW_PROGRESS(T0), { state: 'shipped', at: T0 + 10, waybill: 'SF100' }).progress;
    const active = advance(shipped, { state: 'activated', at: T0 + 20, iccid: '89860012345678901234', producedNumber: '13800000001' }).progress;
    const topped = advance(active, { state: 'first_top_up', at: T0 + 30, topUpFen: 5000 }).progress;
    expect(topped).toMatchObject({ state: 'first_top_up', waybill: 'SF100', iccid: '89860012345678901234', producedNumber: '13800000001', activatedAt: T0 + 20, firstTopUpFen: 5000, firstTopUpAt: T0 + 30 });
  });
});

describe('our order follows the supplier', () => {
  it('goes from paid to shipped with the supplier\u2019s waybill', () => {
    const p = advance(NEW_PROGRESS(T0), { state: 'shipped', at: T0, waybill: 'SF100' }).progress;
    const d = decideSupplierUpdate(paid(), p, ctx);
    if (isError(d)) throw new Error(d.message);
    expect(d.order).toMatchObject({ state: 'shipped', trackingNo: 'SF100', version: 2 });
  });

  it('goes to activated when activation arrives before the shipping report, and a late shipping report changes nothing', () => {
    const p = advance(NEW_PROGRESS(T0), { state: 'activated', at: T0 + 5, iccid: '8986001' }).progress;
    const d = decideSupplierUpdate(paid(), p, ctx);
    if (isError(d)) throw new Error(d.message);
    expect(d.order).toMatchObject({ state: 'activated', activatedAt: T0 + 5, deliveredAt: T0 + 5, iccid: '8986001' });
    const late = decideSupplierUpdate(d.order, { ...p, state: 'shipped' }, ctx);
    expect(isError(late) && late.code).toBe('ORDER.INVALID_TRANSITION');
  });

  it('does not move the order for a state still at the supplier\u2019s review', () => {
    const d = decideSupplierUpdate(paid(), { ...NEW_PROGRESS(T0), state: 'reviewing' }, ctx);
    expect(isError(d) && d.code).toBe('ORDER.INVALID_TRANSITION');
  });

  it('cancels a rejected order as supplier_rejected, refunds what was paid and releases the number', () => {
    const d = decideSupplierUpdate(paid(), { ...NEW_PROGRESS(T0), state: 'rejected', reason: '一证五号：该身份证名下已有 5 张号卡' }, ctx);
    if (isError(d)) throw new Error(d.message);
    expect(d.order).toMatchObject({ state: 'cancelled', closeReason: 'supplier_rejected' });
    expect(d.event.reason).toBe('一证五号：该身份证名下已有 5 张号卡');
    expect(d.effects).toContainEqual({ type: 'start_refund', amountFen: 5800, reason: 'supplier_rejected:HK1', express: false });
    expect(d.effects).toContainEqual({ type: 'release_number', numberId: 'N1' });
    const notice = d.effects.find((e) => e.type === 'notify');
    expect(notice && notice.type === 'notify' && notice.data.advice).toContain('一证五号');
  });

  it('cancels a rejected free card without any refund', () => {
    const free = anOrder({ state: 'paid', paidAt: T0, amountFen: 0 });
    const d = decideSupplierUpdate(free, { ...NEW_PROGRESS(T0), state: 'rejected', reason: '年龄不符' }, ctx);
    if (isError(d)) throw new Error(d.message);
    expect(d.effects.some((e) => e.type === 'start_refund')).toBe(false);
  });

  it('refuses a rejection of an order already shipped', () => {
    const d = decideSupplierUpdate(anOrder({ state: 'shipped', paidAt: T0 }), { ...NEW_PROGRESS(T0), state: 'rejected' }, ctx);
    expect(isError(d) && d.code).toBe('ORDER.INVALID_TRANSITION');
  });

  it('reaches forward states only by moves the table allows', () => {
    expect(reachable('paid', 'shipped')).toBe(true);
    expect(reachable('shipped', 'activated')).toBe(true);
    expect(reachable('activated', 'shipped')).toBe(false);
    expect(reachable('pending_payment', 'shipped')).toBe(false);
  });

  it('tells the customer what would work instead, in plain words', () => {
    expect(rejectionAdvice('年龄不符合要求')).toContain('16 周岁');
    expect(rejectionAdvice('收货地址属于禁发地区')).toContain('更换收货地址');
    expect(rejectionAdvice('系统异常')).toContain('重新下单');
  });
});

describe('free cards and cancellation at the supplier', () => {
  it('confirms a free order at once, without a payment', () => {
    const d = confirmFree(anOrder({ amountFen: 0 }), ctx);
    if (isError(d)) throw new Error(d.message);
    expect(d.order).toMatchObject({ state: 'paid', paymentChannel: null, paidAt: ctx.now });
    expect(isError(confirmFree(anOrder(), ctx))).toBe(true);
  });

  it('cancels a paid order the supplier let go, with the refund', () => {
    const d = cancelledAtSupplier(paid(), 'CR1', ctx);
    if (isError(d)) throw new Error(d.message);
    expect(d.order.state).toBe('cancelled');
    expect(d.effects).toContainEqual({ type: 'start_refund', amountFen: 5800, reason: 'cancellation:CR1', express: false });
    expect(isError(cancelledAtSupplier(anOrder({ state: 'shipped' }), 'CR1', ctx))).toBe(true);
  });
});

describe('plan disclosure', () => {
  it('lists the terms customers must see before ordering', () => {
    const lines = disclosureLines({ ...NO_DISCLOSURE, freeCard: true, firstTopUp: { amountFen: 5000, withinDays: 30, rule: '充 50 得 100' }, contractMonths: 12, promotion: { months: 6, feeFen: 1900, feeAfterFen: 3900 }, numberHome: { province: '广东', city: '广州' }, refusedRegions: ['新疆', '西藏'] });
    expect(lines).toEqual(['免费领卡，包邮到家', '激活后 30 天内首充 50 元：充 50 得 100', '合约期 12 个月', '前 6 个月月租 19 元，之后 39 元/月', '号码归属地：广东广州', '不发货地区：新疆、西藏']);
  });

  it('refuses delivery to a refused region and outside the delivery regions', () => {
    expect(deliversTo({ ...NO_DISCLOSURE, refusedRegions: ['新疆'] }, '新疆维吾尔自治区')).toBe(false);
    expect(deliversTo({ ...NO_DISCLOSURE, deliveryRegions: ['广东'] }, '北京市')).toBe(false);
    expect(deliversTo(NO_DISCLOSURE, '北京市')).toBe(true);
  });
});
