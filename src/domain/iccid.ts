// ICCID (集成电路卡识别码), the number printed on a SIM card: ITU-T E.118, "89" (telecom) then the country and
// issuer, 19 or 20 digits, the last a Luhn check digit. Pure.
import { fail, type DomainError } from './errors.ts';

/** The Luhn check digit for the digits before it. */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    // From the right of the body: every first, third ... digit is doubled (the check digit will sit to its right).
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** The ICCID as stored (digits only), or why it is not one: a mistyped card number must not reach the order. */
export function parseIccid(raw: string): string | DomainError {
  const iccid = raw.replace(/[\s-]/g, '');
  if (!/^89\d{17,18}$/.test(iccid)) {
    return fail('FULFILMENT.INVALID_ICCID', 'An ICCID is 19 or 20 digits starting with 89.', { reason: 'FORMAT' });
  }
  if (luhnCheckDigit(iccid.slice(0, -1)) !== Number(iccid.slice(-1))) {
    return fail('FULFILMENT.INVALID_ICCID', 'The ICCID\u2019s check digit does not match: check the number on the card.', { reason: 'CHECK_DIGIT' });
  }
  return iccid;
}
