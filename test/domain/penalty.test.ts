import { describe, expect, it } from 'vitest';
import { earlyTerminationPenalty, monthsServed } from '../../src/domain/policies/penalty.ts';
import { DEMO_PLANS } from '../../src/seed/demo.ts';

const plan = (id: string) => DEMO_PLANS.find((p) => p.id === id)!;
// 2026-01-15 10:00 in Shanghai.
const ACTIVATED = Date.UTC(2026, 0, 15, 2, 0, 0);
/** Noon (Shanghai) on the 10th of the month `m` months after January 2026. */
const monthLater = (m: number) => Date.UTC(2026, m, 10, 4, 0, 0);

describe('early-termination penalty', () => {
  it('counts the month of activation and the current month as served, in Shanghai time', () => {
    expect(monthsServed(ACTIVATED, ACTIVATED)).toBe(1);
    expect(monthsServed(ACTIVATED, monthLater(1))).toBe(2);
    // 31 January 16:30 UTC is already 1 February in Shanghai.
    expect(monthsServed(ACTIVATED, Date.UTC(2026, 0, 31, 16, 30))).toBe(2);
  });

  it.each([
    // plan, months after activation, months left, penalty in fen
    ['cm-58', 0, 11, Math.round(5800 * 11 * 0.3)],
    ['cm-58', 5, 6, Math.round(5800 * 6 * 0.3)],
    ['cm-58', 11, 0, 0],
    ['cm-129', 0, 23, Math.round(12900 * 23 * 0.5)],
    ['cm-129', 12, 11, Math.round(12900 * 11 * 0.5)],
    ['ct-169', 3, 20, Math.round(16900 * 20 * 0.3)],
    ['cu-99', 2, 9, 10_000],
    ['cu-99', 12, 0, 0],
    ['cb-19', 1, 4, 5_000],
    ['cu-39', 0, 0, 0],
    ['ct-29', 6, 0, 0],
  ] as const)('plan %s closed %i months after activation: %i months left, %i fen', (id, after, left, fen) => {
    const p = earlyTerminationPenalty(plan(id), ACTIVATED, monthLater(after));
    expect(p).toMatchObject({ monthsLeft: left, penaltyFen: fen });
    expect(p.text).toMatch(fen === 0 ? /不收违约金/ : /违约金/);
  });

  it('never counts a line closed after its contract as owing anything, however late', () => {
    expect(earlyTerminationPenalty(plan('cm-129'), ACTIVATED, monthLater(60)).penaltyFen).toBe(0);
  });
});
