// Mainland resident ID (GB 11643-1999): 17 digits + a check character from a weighted mod-11 sum.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11] === id[17];
}

/** Normalises a lower-case check letter; the ID is otherwise taken as typed. */
export const normaliseResidentId = (id: string): string => id.trim().toUpperCase();

export const maskResidentId = (id: string): string => `${id.slice(0, 3)}***********${id.slice(-4)}`;

export const maskPhone = (phone: string): string => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

export const isMainlandMobile = (phone: string): boolean => /^1[3-9]\d{9}$/.test(phone);

/** Builds a valid ID from its first 17 digits (demo data and tests). */
export function withCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return first17 + CHECK[sum % 11];
}
