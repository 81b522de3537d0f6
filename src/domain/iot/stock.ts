// Cards come from stock as ranges: consecutive ICCIDs (the body counts up, the Luhn check digit follows it,
// domain/iccid.ts) and consecutive IoT numbers (13-digit 物联网 numbers). Pure.
import { luhnCheckDigit } from '../iccid.ts';

/** The ICCID whose body (all digits but the check digit) is `body`. */
export const iccidOf = (body: string): string => `${body}${luhnCheckDigit(body)}`;

/** `count` ICCIDs from the body `firstBody` on, each with its check digit. */
export function iccidRange(firstBody: string, count: number): string[] {
  const width = firstBody.length;
  const start = BigInt(firstBody);
  return Array.from({ length: count }, (_, i) => iccidOf((start + BigInt(i)).toString().padStart(width, '0')));
}

/** `count` numbers counting up from `first` (kept as text: numbers are identifiers, not quantities). */
export function numberRange(first: string, count: number): string[] {
  const width = first.length;
  const start = BigInt(first);
  return Array.from({ length: count }, (_, i) => (start + BigInt(i)).toString().padStart(width, '0'));
}

/** The body `offset` places after `firstBody`. */
export const bodyAt = (firstBody: string, offset: number): string => (BigInt(firstBody) + BigInt(offset)).toString().padStart(firstBody.length, '0');
