import { describe, expect, it } from 'vitest';
import { DEFAULT_FAQ, FAQ_PLACEHOLDERS, faqFor, fill, unknownPlaceholders, type FaqFacts } from '../../src/domain/faq.ts';
import { availableAlternatives, FITTING, orderByFit, REASON_CODES } from '../../src/domain/alternatives.ts';
import { changeAddress, switchPlan } from '../../src/domain/order-changes.ts';
import { ORDER_STATES } from '../../src/domain/order.ts';
import { chinaTime, timeLeft } from '../../src/assistant/answer-words.ts';
import { aPlan, anOrder, T0 } from '../fixtures/builders.ts';

const FACTS: FaqFacts = {
  paymentTimeoutMinutes: '30', reviewSlaHours: '24', maxReviewHours: '48', expressRefundMaxYuan: '100', activationWindowDays: '15',
  trialDays: '7-15', walletRefundDays: '1-3', bankRefundDays: '3-5', returnRefundDays: '3-7',
};

describe('the shipped FAQ', () => {
  it('covers every state, in both languages, naming only known placeholders', () => {
    for (const s of ORDER_STATES) expect(DEFAULT_FAQ.some((e) => e.states.includes(s))).toBe(true);
    for (const e of DEFAULT_FAQ) {
      for (const t of [e.question.zh, e.question.en, e.answer.zh, e.answer.en]) {
        expect(t.trim().length).toBeGreaterThan(0);
        expect(unknownPlaceholders(t)).toEqual([]);
      }
    }
    expect(new Set(DEFAULT_FAQ.map((e) => e.id)).size).toBe(DEFAULT_FAQ.length);
  });

  it('fills placeholders and leaves text without them alone', () => {
    expect(fill('在 {paymentTimeoutMinutes} 分钟内，{trialDays} 天', FACTS)).toBe('在 30 分钟内，7-15 天');
    expect(fill('{notAPlaceholder} stays', FACTS)).toBe('{notAPlaceholder} stays');
    expect(FAQ_PLACEHOLDERS.every((p) => fill(`{${p}}`, FACTS) !== `{${p}}`)).toBe(true);
  });

  it('lays an operator\'s edit over one language, keeps the other, and hides what is hidden', () => {
    const overrides = [
      { id: 'unpaid-deadline', question: {}, answer: { zh: '{paymentTimeoutMinutes} 分钟内付款' }, hidden: false },
      { id: 'unpaid-cancel', question: {}, answer: {}, hidden: true },
    ];
    const zh = faqFor('pending_payment', 'zh-CN', FACTS, overrides);
    expect(zh.find((e) => e.id === 'unpaid-deadline')).toMatchObject({ answer: '30 分钟内付款', edited: true });
    expect(zh.find((e) => e.id === 'unpaid-cancel')).toBeUndefined();
    const en = faqFor('pending_payment', 'en', FACTS, overrides);
    expect(en.find((e) => e.id === 'unpaid-deadline')!.answer).toMatch(/^Please pay within 30 minutes/);
  });
});

describe('alternatives to a cancel', () => {
  it('are only what the order can still do', () => {
    expect(availableAlternatives(anOrder(), T0, 1)).toEqual(['change_address', 'switch_plan', 'choose_number', 'contact_agent']);
    expect(availableAlternatives(anOrder(), T0, 0)).toEqual(['change_address', 'choose_number', 'contact_agent']);
    expect(availableAlternatives(anOrder(), T0 + 30 * 60_000, 1)).toEqual([]);
    expect(availableAlternatives(anOrder({ state: 'paid' }), T0 + 31 * 60_000, 1)).toEqual(['change_address', 'contact_agent']);
    expect(availableAlternatives(anOrder({ state: 'shipped' }), T0, 1)).toEqual(['contact_agent']);
    expect(availableAlternatives(anOrder({ state: 'cancelled' }), T0, 1)).toEqual([]);
  });

  it('put the offer that answers the reason first, and mark only those as fitting', () => {
    const all = availableAlternatives(anOrder(), T0, 1);
    expect(orderByFit(all, 'number_not_liked')).toEqual([
      { kind: 'choose_number', fits: true }, { kind: 'change_address', fits: false }, { kind: 'switch_plan', fits: false }, { kind: 'contact_agent', fits: false },
    ]);
    expect(orderByFit(all, null).map((x) => x.kind)).toEqual(all);
    expect(orderByFit(all, 'changed_mind').every((x) => !x.fits)).toBe(true);
    expect(Object.keys(FITTING).sort()).toEqual([...REASON_CODES].sort());
  });

  it('change the address only before packing, and audit the area, not the street', () => {
    const to = { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' };
    const d = changeAddress(anOrder({ state: 'paid' }), to, T0 + 1);
    expect('order' in d && d.order).toMatchObject({ address: to, version: 2, state: 'paid' });
    expect('event' in d && d.event).toMatchObject({ action: 'order.address_changed', reason: '北京市北京市朝阳区 -> 上海市上海市浦东新区' });
    expect('event' in d && d.event.reason).not.toContain('世纪大道');
    expect(changeAddress(anOrder({ state: 'packing' }), to, T0)).toMatchObject({ kind: 'error', code: 'ORDER.NOT_CHANGEABLE' });
  });

  it('switch the plan of an unpaid order to the same carrier, priced as plan plus number, sold with the new plan’s terms', () => {
    const current = aPlan();
    const next = aPlan({ id: 'cm-129', priceFen: 5000, contractMonths: 24, activationWindowDays: 30, trialDays: 7, penaltyRule: { kind: 'fixed', fen: 8000 } });
    const d = switchPlan(anOrder({ amountFen: 1000 }), current, next, 1000, T0);
    expect('order' in d && d.order).toMatchObject({
      planId: 'cm-129', amountFen: 6000,
      terms: { planPriceFen: 5000, contractMonths: 24, activationWindowDays: 30, trialDays: 7, penaltyRule: { kind: 'fixed', fen: 8000 } },
    });
    expect(switchPlan(anOrder(), current, aPlan({ id: 'cu-39', carrier: 'china_unicom' }), 0, T0)).toMatchObject({ code: 'PLAN.CARRIER_MISMATCH' });
    expect(switchPlan(anOrder(), current, aPlan({ id: 'old', active: false }), 0, T0)).toMatchObject({ code: 'PLAN.NOT_FOUND' });
    expect(switchPlan(anOrder(), current, next, 0, T0 + 30 * 60_000)).toMatchObject({ code: 'ORDER.NOT_CHANGEABLE' });
    expect(switchPlan(anOrder({ state: 'paid' }), current, next, 0, T0)).toMatchObject({ code: 'ORDER.NOT_CHANGEABLE' });
  });
});

describe('times in answers', () => {
  it('are China time, and the time left reads naturally in both languages', () => {
    expect(chinaTime(Date.UTC(2026, 10, 27, 16, 5), 'zh-CN')).toBe('2026年11月28日 00:05');
    expect(chinaTime(Date.UTC(2026, 10, 27, 16, 5), 'en')).toBe('2026-11-28 00:05 (China time)');
    expect(timeLeft(20 * 60_000, 'zh-CN')).toBe('20 分钟');
    expect(timeLeft(30_000, 'en')).toBe('1 min');
    expect(timeLeft(26 * 3_600_000, 'zh-CN')).toBe('1 天 2 小时');
    expect(timeLeft(3 * 86_400_000, 'en')).toBe('3 days');
  });
});
