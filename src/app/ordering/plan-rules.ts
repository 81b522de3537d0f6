// Each plan's after-sales rules, edited by operators: the activation window (brief: 7-30 days, default 15),
// the trial (none, or 7-15 days) and the early-termination penalty (fixed fen, or a share of the monthly fees
// still due). An order copies its plan's rules when it is placed (its terms as sold), so a change applies to orders
// placed from then on and never to what an existing customer owes or may return; each changed rule is audited in
// the plan's transaction.
import { z } from 'zod';
import { fail, type DomainError } from '../../domain/errors.ts';
import type { PenaltyRule, Plan } from '../../domain/order.ts';
import { DeskRepo, type PlanRuleChangeRow } from '../../adapters/store/desk-repo.ts';
import { inTx, type Deps } from '../platform/deps.ts';

export const ACTIVATION_WINDOW_DAYS = { min: 7, max: 30, default: 15 } as const;
export const TRIAL_DAYS = { min: 7, max: 15 } as const;
/** ¥10,000: a ceiling far above any real card's penalty, so a slip of the keyboard cannot charge a fortune. */
export const PENALTY_FIXED_MAX_FEN = 1_000_000;

export const planRulesSchema = z.strictObject({
  activationWindowDays: z.number().int().min(ACTIVATION_WINDOW_DAYS.min).max(ACTIVATION_WINDOW_DAYS.max),
  trialDays: z.union([z.literal(0), z.number().int().min(TRIAL_DAYS.min).max(TRIAL_DAYS.max)]).describe('0 = no trial'),
  penalty: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('fixed'), fen: z.number().int().min(0).max(PENALTY_FIXED_MAX_FEN) }),
    z.strictObject({ kind: z.literal('remaining_share'), percent: z.number().int().min(1).max(100) }),
  ]),
});
export type PlanRules = z.infer<typeof planRulesSchema>;

export interface RuleChange { id: number; planId: string; rule: string; from: unknown; to: unknown; by: string; byName: string | null; at: number }

export const rulesOf = (p: Plan): PlanRules => ({ activationWindowDays: p.activationWindowDays, trialDays: p.trialDays, penalty: p.penaltyRule });

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Writes the rules that changed and one audit row per changed rule; unchanged rules write nothing. */
export async function updatePlanRules(deps: Deps, planId: string, rules: PlanRules, by: string): Promise<Plan | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    await r.lockKey(`plan:${planId}`);
    const plan = await r.orders.getPlan(planId);
    if (!plan) return fail('PLAN.NOT_FOUND', 'No such plan.', { planId });
    const before = rulesOf(plan);
    const next: Plan = { ...plan, activationWindowDays: rules.activationWindowDays, trialDays: rules.trialDays, penaltyRule: rules.penalty satisfies PenaltyRule };
    const changes = (Object.keys(before) as (keyof PlanRules)[]).filter((k) => !same(before[k], rules[k]))
      .map((k) => ({ plan_id: planId, rule: k, old_value: JSON.stringify(before[k]), new_value: JSON.stringify(rules[k]), changed_by: by, changed_at: now }));
    if (changes.length === 0) return plan;
    await r.orders.updatePlan(next);
    await new DeskRepo(r.db).insertRuleChanges(changes);
    return next;
  });
}

export async function listRuleChanges(deps: Deps, limit = 50): Promise<RuleChange[]> {
  const rows: PlanRuleChangeRow[] = await new DeskRepo(deps.store.db).listRuleChanges(limit);
  const names = new Map<string, string | null>();
  for (const id of new Set(rows.map((x) => x.changed_by))) names.set(id, (await deps.store.accounts.getAgent(id))?.display_name ?? null);
  return rows.map((x) => ({ id: x.id, planId: x.plan_id, rule: x.rule, from: JSON.parse(x.old_value), to: JSON.parse(x.new_value), by: x.changed_by, byName: names.get(x.changed_by) ?? null, at: x.changed_at }));
}
