// Checks a form can make before the server does, so that the check step never sends the person back.
// The resident ID rule is the server's own pure function, shared, so the two can never disagree.
import { isValidResidentId, normaliseResidentId } from '../../src/domain/resident-id.ts';

export const PHONE = /^1[3-9]\d{9}$/;

export function isResidentId(raw: string): boolean {
  return isValidResidentId(normaliseResidentId(raw));
}
