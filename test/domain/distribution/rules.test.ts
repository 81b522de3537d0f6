// Commission rules as operators write them, and where a line stands under them.
import { describe, expect, it } from 'vitest';
import { isError } from '../../../src/domain/errors.ts';
import { DAY_MS, targetOf, validateRule, type CommissionRule, type LineFacts } from '../../../src/domain/distribution/rules.ts';
import { levelUnder } from '../../../src/domain/distribution/tree.ts';

const RULE: CommissionRule = { levelFen: [10000, 8000, 5000], requireActivation: true, minFirstTopUpFen: 5000, daysInService: 10, probationDays: 30 };
const T = Date.UTC(2026, 0, 1);
const facts = (f: Partial<LineFacts>): LineFacts => ({ paidAt: T, activatedAt: null, firstTopUpFen: null, firstTopUpAt: null, endedAt: null, ...f });

describe('commission rules', () => {
  it('refuses amounts that grow downwards, negative or fractional amounts, and out-of-range days, with one code', () => {
    for (const bad of [
      { ...RULE, levelFen: [5000, 8000, 10000] }, { ...RULE, levelFen: [100, -1, 0] }, { ...RULE, levelFen: [100.5, 0, 0] },
      { ...RULE, levelFen: [1, 1] }, { ...RULE, daysInService: 400 }, { ...RULE, probationDays: -1 }, { ...RULE, minFirstTopUpFen: 1.5 }, null,
    ]) {
      const r = validateRule(bad);
      expect(isError(r) && r.code).toBe('COMMISSION.INVALID_RULE');
    }
    expect(validateRule({ levelFen: [10000, 8000, 5000], minFirstTopUpFen: 5000, daysInService: 10, probationDays: 30 })).toEqual(RULE);
  });

  it('keeps the tree to three levels', () => {
    expect([levelUnder(null), levelUnder({ level: 1 }), levelUnder({ level: 2 }), levelUnder({ level: 3 })]).toEqual([1, 2, 3, null]);
  });

  it('makes a line eligible once activated, topped up enough and in service long enough', () => {
    const live = facts({ activatedAt: T, firstTopUpFen: 5000, firstTopUpAt: T + DAY_MS });
    expect(targetOf(RULE, facts({ paidAt: null }), T)).toBe('none');
    expect(targetOf(RULE, live, T + 9 * DAY_MS)).toBe('pending');
    expect(targetOf(RULE, live, T + 10 * DAY_MS)).toBe('eligible');
    expect(targetOf(RULE, { ...live, firstTopUpFen: 4999 }, T + 100 * DAY_MS)).toBe('pending');
  });

  it('takes it back when the line ends inside probation or before the conditions were met, and keeps it after', () => {
    const live = facts({ activatedAt: T, firstTopUpFen: 5000, firstTopUpAt: T });
    expect(targetOf(RULE, { ...live, endedAt: T + 29 * DAY_MS }, T + 40 * DAY_MS)).toBe('taken_back');
    expect(targetOf(RULE, { ...live, endedAt: T + 30 * DAY_MS }, T + 40 * DAY_MS)).toBe('eligible');
    expect(targetOf(RULE, { ...live, firstTopUpAt: T + 31 * DAY_MS, endedAt: T + 30 * DAY_MS }, T + 40 * DAY_MS)).toBe('taken_back');
    expect(targetOf(RULE, facts({ endedAt: T + DAY_MS }), T + 2 * DAY_MS)).toBe('taken_back');
  });
});
