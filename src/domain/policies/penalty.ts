// Early-termination penalty (违约金) of an account closure inside the contract period. Pure.
// Carriers bill by calendar month in Asia/Shanghai: the month of activation counts as served, and so does
// the month the line closes in. What is left of the contract after that is what the penalty rule reads.
import type { OrderTerms } from '../order.ts';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export interface Penalty {
  contractMonths: number;
  monthsServed: number;
  monthsLeft: number;
  penaltyFen: number;
  /** The rule in words, for the preview the customer confirms. */
  text: string;
}

function monthIndex(epochMs: number): number {
  const d = new Date(epochMs + SHANGHAI_OFFSET_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Calendar months served (Shanghai), the month of activation and the current month both included. */
export function monthsServed(activatedAt: number, now: number): number {
  return Math.max(1, monthIndex(now) - monthIndex(activatedAt) + 1);
}

/** Over the order's terms as sold: a penalty the operator edits later does not reach lines already sold. */
export function earlyTerminationPenalty(terms: Pick<OrderTerms, 'contractMonths' | 'monthlyFeeFen' | 'penaltyRule'>, activatedAt: number, now: number): Penalty {
  const served = monthsServed(activatedAt, now);
  const left = Math.max(0, terms.contractMonths - served);
  const base = { contractMonths: terms.contractMonths, monthsServed: served, monthsLeft: left };
  if (terms.contractMonths === 0) return { ...base, penaltyFen: 0, text: '套餐无合约期，销户不收违约金。' };
  if (left === 0) return { ...base, penaltyFen: 0, text: `${terms.contractMonths} 个月合约期已满，销户不收违约金。` };
  const rule = terms.penaltyRule;
  if (rule.kind === 'fixed') {
    return { ...base, penaltyFen: rule.fen, text: `合约期还剩 ${left} 个月，提前销户按套餐规定收取固定违约金 ${(rule.fen / 100).toFixed(2)} 元。` };
  }
  // Rounded to the fen, half up, on the exact product: no floating-point drift on money.
  const penaltyFen = Math.floor((terms.monthlyFeeFen * left * rule.percent + 50) / 100);
  return { ...base, penaltyFen, text: `合约期还剩 ${left} 个月，违约金为剩余月费的 ${rule.percent}%：${(penaltyFen / 100).toFixed(2)} 元。` };
}
