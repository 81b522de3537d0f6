// Commission rules per plan: a fixed amount per level with 级差, the conditions, and the probation period (考核期).
import { fail, type DomainError } from '../errors.ts';
import type { ChainLink } from './tree.ts';
import { MAX_LEVELS } from './tree.ts';

export const DAY_MS = 86_400_000;

export interface CommissionRule {
  /**
   * What a sale earns in total when the seller is at level 1, 2, 3 (fen). 级差: the seller earns its level's amount,
   * each distributor above earns the difference between its level's amount and the level below it.
   */
  levelFen: [number, number, number];
  /** The card must be activated (always true: an unactivated card earns nothing). */
  requireActivation: true;
  /** The first top-up (首充) must be at least this much; 0: no top-up needed. */
  minFirstTopUpFen: number;
  /** Days the line must stay in service after activation before the commission is eligible. */
  daysInService: number;
  /** A line closed or cancelled within this many days of activation takes back what it earned. */
  probationDays: number;
}

const MAX_FEN = 1_000_000_00;

/** Checks a rule an operator wrote; amounts must not grow downwards, or an upper level would earn a negative share. */
export function validateRule(input: unknown): CommissionRule | DomainError {
  const r = input as Partial<CommissionRule> | null;
  const bad = (why: string) => fail('COMMISSION.INVALID_RULE', `The commission rule is not valid: ${why}.`, { why });
  if (!r || typeof r !== 'object') return bad('no rule');
  const lv = r.levelFen;
  if (!Array.isArray(lv) || lv.length !== MAX_LEVELS || !lv.every((x) => Number.isInteger(x) && x >= 0 && x <= MAX_FEN)) return bad('three amounts in fen, each 0 to 1,000,000 yuan');
  if (!(lv[0]! >= lv[1]! && lv[1]! >= lv[2]!)) return bad('a level earns at least as much as the level below it');
  const int = (x: unknown, max: number) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= max;
  if (!int(r.minFirstTopUpFen, MAX_FEN)) return bad('minFirstTopUpFen is an amount in fen');
  if (!int(r.daysInService, 365)) return bad('daysInService is 0 to 365 days');
  if (!int(r.probationDays, 365)) return bad('probationDays is 0 to 365 days');
  return { levelFen: [lv[0]!, lv[1]!, lv[2]!], requireActivation: true, minFirstTopUpFen: r.minFirstTopUpFen!, daysInService: r.daysInService!, probationDays: r.probationDays! };
}

export interface Share {
  distributorId: string;
  level: number;
  amountFen: number;
}

/** 级差: who in the chain earns what. Links without a positive share are left out. */
export function shares(rule: CommissionRule, chain: readonly ChainLink[]): Share[] {
  const out: Share[] = [];
  let below = 0;
  for (const link of chain) {
    const own = rule.levelFen[link.level - 1] ?? 0;
    const amount = Math.max(0, own - below);
    if (amount > 0) out.push({ distributorId: link.distributorId, level: link.level, amountFen: amount });
    below = Math.max(below, own);
  }
  return out;
}

/** What the rules need to know about an order's line. */
export interface LineFacts {
  paidAt: number | null;
  activatedAt: number | null;
  /** The first top-up only: later ones do not count. */
  firstTopUpFen: number | null;
  firstTopUpAt: number | null;
  /** When the order ended (cancelled, returned, closed); null while live. */
  endedAt: number | null;
}

/** When every condition is met (activation, first top-up, days in service), or null if they never will be as things stand. */
export function conditionsMetAt(rule: CommissionRule, f: LineFacts): number | null {
  if (f.paidAt === null || f.activatedAt === null) return null;
  let t = f.activatedAt + rule.daysInService * DAY_MS;
  if (rule.minFirstTopUpFen > 0) {
    if (f.firstTopUpFen === null || f.firstTopUpAt === null || f.firstTopUpFen < rule.minFirstTopUpFen) return null;
    t = Math.max(t, f.firstTopUpAt);
  }
  return t;
}

/**
 * Where the commission should stand at `now`: nothing (never paid), pending, eligible, or taken back. An ended order
 * keeps its commission only when the conditions were met before it ended and it ended after the probation period.
 */
export type Target = 'none' | 'pending' | 'eligible' | 'taken_back';

export function targetOf(rule: CommissionRule, f: LineFacts, now: number): Target {
  if (f.paidAt === null) return 'none';
  const met = conditionsMetAt(rule, f);
  if (f.endedAt !== null) {
    const keeps = met !== null && met <= f.endedAt && f.activatedAt !== null && f.endedAt >= f.activatedAt + rule.probationDays * DAY_MS;
    return keeps ? 'eligible' : 'taken_back';
  }
  return met !== null && met <= now ? 'eligible' : 'pending';
}
