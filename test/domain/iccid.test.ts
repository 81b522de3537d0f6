import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, parseIccid } from '../../src/domain/iccid.ts';

describe('ICCID', () => {
  it('computes the Luhn check digit of a known number', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(luhnCheckDigit('8986001234567890123')).toBe(8);
  });

  it('accepts 19 and 20 digits starting with 89 whose last digit checks, spaces and dashes aside', () => {
    expect(parseIccid('89860012345678901238')).toBe('89860012345678901238');
    expect(parseIccid('8986 0012 3456 7890 1238')).toBe('89860012345678901238');
    const body19 = '898600123456789012';
    expect(parseIccid(body19 + luhnCheckDigit(body19))).toBe(`${body19}0`);
  });

  it.each([
    ['89860012345678901239', 'CHECK_DIGIT'],
    ['89860012345678901283', 'CHECK_DIGIT'],
    ['99860012345678901238', 'FORMAT'],
    ['898600123456789012', 'FORMAT'],
    ['898600123456789012381', 'FORMAT'],
    ['8986001234567890123X', 'FORMAT'],
    ['', 'FORMAT'],
  ])('refuses %s (%s)', (raw, reason) => {
    expect(parseIccid(raw)).toMatchObject({ kind: 'error', code: 'FULFILMENT.INVALID_ICCID', details: { reason } });
  });
});
