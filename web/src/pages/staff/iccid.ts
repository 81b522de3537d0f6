// The card number an agent types when picking, checked as the server checks it.
/** ICCID of a SIM card: 19 or 20 digits, always starting 89 (telecom industry identifier), the last a Luhn check digit. */
export const ICCID = /^89\d{17,18}$/;

/** The Luhn check the server applies too: a mistyped digit is caught before anything is sent. */
export function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
