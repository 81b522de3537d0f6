import { describe, expect, it } from 'vitest';
import { ageFromResidentId, checkEligibility, checkRules, DEFAULT_RULES, isPickupPoint, refusalError, type EligibilityFacts } from '../../../src/domain/suppliers/eligibility.ts';
import { T0 } from '../../fixtures/builders.ts';

const HOME = { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号 3 幢 201' };
const facts = (over: Partial<EligibilityFacts> = {}): EligibilityFacts => ({
  residentId: '110105199003071234', address: HOME, now: T0, recentOrders: 0, liveCards: 0, cardLimit: 5, blacklisted: [], ...over,
});

describe('eligibility before payment', () => {
  it('lets an adult with a home address in a served region order', () => {
    expect(checkEligibility(DEFAULT_RULES, facts())).toEqual([]);
  });

  it('reads the age from the ID\u2019s birth date on the Beijing day', () => {
    expect(ageFromResidentId('110105201011270000', Date.UTC(2026, 10, 26, 16))).toBe(16);
    expect(ageFromResidentId('110105201011270000', Date.UTC(2026, 10, 26, 15, 59))).toBe(15);
    const r = checkEligibility(DEFAULT_RULES, facts({ residentId: '110105201501011234' }));
    expect(r.map((x) => x.code)).toEqual(['ELIGIBILITY.AGE']);
    expect(r[0]!.message).toContain('16-60');
  });

  it('refuses a refused region and a parcel locker, each saying what would work', () => {
    const r = checkEligibility({ ...DEFAULT_RULES, refusedRegions: ['新疆'] }, facts({ address: { province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区', detail: '丰巢快递柜 3 号' } }));
    expect(r.map((x) => [x.code, x.field])).toEqual([['ELIGIBILITY.REGION', 'address'], ['ELIGIBILITY.PICKUP_ADDRESS', 'address']]);
    expect(r[0]!.message).toContain('其他省份');
    expect(isPickupPoint('菜鸟驿站(东门店)')).toBe(true);
    expect(isPickupPoint('建国路 88 号 2 单元 501')).toBe(false);
  });

  it('refuses a second order of one ID with one carrier inside the days, and the card limit', () => {
    expect(checkEligibility(DEFAULT_RULES, facts({ recentOrders: 1 })).map((x) => x.code)).toEqual(['ELIGIBILITY.RECENT_ORDER']);
    expect(checkEligibility({ ...DEFAULT_RULES, onePerIdDays: 0 }, facts({ recentOrders: 1, liveCards: 5 })).map((x) => x.code)).toEqual(['ELIGIBILITY.CARD_LIMIT']);
  });

  it('refuses a blacklisted customer without saying which entry matched', () => {
    const r = checkEligibility(DEFAULT_RULES, facts({ blacklisted: ['phone'] }));
    expect(r).toEqual([{ code: 'ELIGIBILITY.BLACKLISTED', field: null, message: '暂时无法为您办理，请联系客服核实信息。' }]);
    expect(refusalError(r)?.code).toBe('ELIGIBILITY.BLACKLISTED');
    expect(refusalError([])).toBeNull();
  });

  it('judges only what was typed so far', () => {
    expect(checkEligibility(DEFAULT_RULES, facts({ residentId: null, recentOrders: 3, liveCards: 9 }))).toEqual([]);
    expect(checkEligibility({ ...DEFAULT_RULES, refusedRegions: ['浙江'] }, facts({ address: null }))).toEqual([]);
  });

  it('refuses operators\u2019 rules that make no sense', () => {
    expect(checkRules(DEFAULT_RULES)).toBeNull();
    expect(checkRules({ ...DEFAULT_RULES, age: { min: 60, max: 16 } })?.code).toBe('SUPPLIER.INVALID_SETTINGS');
    expect(checkRules({ ...DEFAULT_RULES, age: { min: 12, max: 60 } })?.code).toBe('SUPPLIER.INVALID_SETTINGS');
    expect(checkRules({ ...DEFAULT_RULES, onePerIdDays: 400 })?.code).toBe('SUPPLIER.INVALID_SETTINGS');
  });
});
