import { describe, expect, it } from 'vitest';
import { isValidResidentId, maskResidentId, withCheckDigit } from '../../src/domain/resident-id.ts';

describe('resident ID numbers', () => {
  it('accepts a number whose check character matches, including X', () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true);
  });

  it('refuses a wrong check digit, a wrong length, letters, or an impossible birth date', () => {
    expect(isValidResidentId('110105194912310021')).toBe(false);
    expect(isValidResidentId('11010519491231002')).toBe(false);
    expect(isValidResidentId('1101051949123100XX')).toBe(false);
    expect(isValidResidentId(withCheckDigit('11010519490231002'))).toBe(false);
  });

  it('masks all but the region prefix and the last four', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110***********002X');
  });
});
