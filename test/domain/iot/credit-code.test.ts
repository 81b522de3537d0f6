import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, CREDIT_CODE_ALPHABET, parseCreditCode } from '../../../src/domain/iot/credit-code.ts';
import { isError } from '../../../src/domain/errors.ts';

// Codes printed on published business licences, and the example of GB 32100-2015 itself.
const PUBLISHED = [
  '91350100M000100Y43', // GB 32100-2015's example
  '914403001922038216', // 华为技术有限公司
  '91440300708461136T', // 深圳市腾讯计算机系统有限公司
  '91330100799655058B', // 阿里巴巴（中国）有限公司
  '91110108551385082Q', // 北京小米科技有限责任公司
];

describe('unified social credit code (GB 32100-2015)', () => {
  it('has a 31-character alphabet without I, O, Z, S and V', () => {
    expect(CREDIT_CODE_ALPHABET).toHaveLength(31);
    for (const ch of 'IOZSV') expect(CREDIT_CODE_ALPHABET).not.toContain(ch);
  });

  it.each(PUBLISHED)('accepts the published code %s', (code) => {
    expect(parseCreditCode(code)).toBe(code);
    expect(creditCodeCheckChar(code)).toBe(code[17]);
  });

  it('accepts lower case and spaces as typed, and stores the code upper case', () => {
    expect(parseCreditCode(' 91440300 708461136t ')).toBe('91440300708461136T');
  });

  it('refuses each published code with any one character changed', () => {
    for (const code of PUBLISHED) {
      for (let i = 0; i < 18; i++) {
        for (const ch of CREDIT_CODE_ALPHABET) {
          if (ch === code[i]) continue;
          const mutated = code.slice(0, i) + ch + code.slice(i + 1);
          const r = parseCreditCode(mutated);
          expect(isError(r), mutated).toBe(true);
        }
      }
    }
  });

  it('refuses two neighbouring characters swapped', () => {
    const code = PUBLISHED[1]!;
    const swapped = code.slice(0, 9) + code[10] + code[9] + code.slice(11);
    expect(isError(parseCreditCode(swapped)) && parseCreditCode(swapped)).toMatchObject({ code: 'IOT.INVALID_CREDIT_CODE', details: { reason: 'CHECK_CHARACTER' } });
  });

  it.each([
    ['9144030070846113', 'LENGTH'],
    ['91440300708461136T1', 'LENGTH'],
    ['91440300708461I36T', 'CHARACTER'],
    ['9144O300708461136T', 'CHARACTER'],
    ['91A40300708461136T', 'FORMAT'],
  ])('refuses %s (%s) with a stable code', (code, reason) => {
    expect(parseCreditCode(code)).toMatchObject({ kind: 'error', code: 'IOT.INVALID_CREDIT_CODE', details: { reason } });
  });
});
