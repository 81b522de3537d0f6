// The unified social credit code (统一社会信用代码) of a business: GB 32100-2015. 18 characters from a
// 31-character alphabet (digits and capitals without I, O, Z, S, V, which read like digits), the last a check
// character over the first 17 with fixed weights (3^i mod 31). Pure.
import { fail, type DomainError } from '../errors.ts';

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The check character for the first 17 characters (each already in the alphabet). */
export function creditCodeCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_ALPHABET.indexOf(body[i]!) * CREDIT_CODE_WEIGHTS[i]!;
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** The code as stored (upper case, no spaces), or why it is not one: a mistyped code must not open an account. */
export function parseCreditCode(raw: string): string | DomainError {
  const code = raw.replace(/\s/g, '').toUpperCase();
  if (code.length !== 18) return fail('IOT.INVALID_CREDIT_CODE', 'A unified social credit code has 18 characters.', { reason: 'LENGTH' });
  for (const ch of code) {
    if (!CREDIT_CODE_ALPHABET.includes(ch)) {
      return fail('IOT.INVALID_CREDIT_CODE', `The character ${ch} does not occur in a unified social credit code (no I, O, Z, S or V).`, { reason: 'CHARACTER' });
    }
  }
  // The registration-authority code (position 1) and the region code (3-8) are digits in every issued code.
  if (!/^[0-9A-Y][0-9A-Y]\d{6}/.test(code)) return fail('IOT.INVALID_CREDIT_CODE', 'Characters 3 to 8 are the region code, six digits.', { reason: 'FORMAT' });
  if (creditCodeCheckChar(code) !== code[17]) {
    return fail('IOT.INVALID_CREDIT_CODE', 'The last character (check character) does not match: check the code on the business licence.', { reason: 'CHECK_CHARACTER' });
  }
  return code;
}
