import { describe, expect, it } from 'vitest';
import { checkVanityRules, DEFAULT_VANITY_RULES, matches, vanityOf, type VanityRule } from '../../../src/domain/suppliers/vanity.ts';
import { demoNumbers } from '../../../src/seed/demo.ts';

describe('vanity level from the digits', () => {
  it('leaves a plain number plain: no level, no surcharge', () => {
    expect(vanityOf('13864997108')).toEqual({ level: 0, priceFen: 0, matched: [] });
    expect(vanityOf('13912345078').level).toBe(0);
  });

  it('prices an AAAA tail above a run of four in the middle', () => {
    expect(vanityOf('13800008888')).toMatchObject({ level: 4, priceFen: 50_000 });
    expect(vanityOf('13877771234').level).toBe(3);
    expect(vanityOf('13877771234').matched.map((m) => m.id)).toEqual(['run4', 'seq4']);
  });

  it('finds ABAB, AABB, ascending and descending sequences at the tail', () => {
    expect(matches('13800001212', { kind: 'abab', length: 4 })).toBe(true);
    expect(matches('13800001111', { kind: 'abab', length: 4 })).toBe(false);
    expect(matches('13800001122', { kind: 'aabb', length: 4 })).toBe(true);
    expect(matches('13800001111', { kind: 'aabb', length: 4 })).toBe(false);
    expect(matches('13800005678', { kind: 'sequence', length: 4, direction: 'ascending' })).toBe(true);
    expect(matches('13800009876', { kind: 'sequence', length: 4, direction: 'ascending' })).toBe(false);
    expect(vanityOf('13852419876')).toMatchObject({ level: 3, priceFen: 10_000 });
  });

  it('reads lucky tails such as 168 and 518', () => {
    expect(vanityOf('13823450168')).toMatchObject({ level: 1, priceFen: 2_000 });
    expect(vanityOf('13823450518').matched[0]!.label).toBe('吉祥尾号');
    expect(vanityOf('13823458888').level).toBe(4);
  });

  it('follows the operator\u2019s own patterns and prices', () => {
    const rules: VanityRule[] = [{ id: 'eights', label: '尾号 8', pattern: { kind: 'tail', tails: ['8'] }, level: 1, priceFen: 500 }];
    expect(vanityOf('13864997108', rules)).toMatchObject({ level: 1, priceFen: 500 });
    expect(vanityOf('13800008888', [])).toMatchObject({ level: 0, priceFen: 0 });
  });

  it('refuses rules an operator got wrong, and accepts the defaults', () => {
    expect(checkVanityRules(DEFAULT_VANITY_RULES)).toBeNull();
    expect(checkVanityRules([{ id: 'x', label: 'x', pattern: { kind: 'run', length: 1 }, level: 1, priceFen: 0 }])?.code).toBe('SUPPLIER.INVALID_SETTINGS');
    expect(checkVanityRules([{ id: 'x', label: 'x', pattern: { kind: 'tail', tails: ['8a'] }, level: 1, priceFen: 0 }])?.code).toBe('SUPPLIER.INVALID_SETTINGS');
    expect(checkVanityRules([{ id: 'x', label: 'x', pattern: { kind: 'tail', tails: ['8'] }, level: 9, priceFen: 0 }])?.code).toBe('SUPPLIER.INVALID_SETTINGS');
    expect(checkVanityRules([{ id: 'x', label: 'x', pattern: { kind: 'tail', tails: ['8'] }, level: 1, priceFen: 1.5 }])?.code).toBe('SUPPLIER.INVALID_SETTINGS');
  });

  it('keeps most of the demo\u2019s numbers plain, each priced by its digits', () => {
    const rows = demoNumbers(200);
    const plain = rows.filter((r) => r.vanity_level === 0);
    expect(plain.length / rows.length).toBeGreaterThan(0.7);
    expect(plain.some((r) => r.number.endsWith('8'))).toBe(true);
    expect(plain.every((r) => r.price_fen === 0)).toBe(true);
    for (const r of rows) expect({ level: r.vanity_level, priceFen: r.price_fen }).toEqual({ level: vanityOf(r.number).level, priceFen: vanityOf(r.number).priceFen });
  });
});
