// The FAQ as served: shipped entries, operators' edits over them, placeholders filled from live settings
// and plans.
import {
  DEFAULT_FAQ, FAQ_PLACEHOLDERS, faqFor, mergeFaq, unknownPlaceholders,
  type Bilingual, type FaqFacts, type FaqLang, type FaqOverride, type ShownFaqEntry,
} from '../../domain/faq.ts';
import { fail, type DomainError } from '../../domain/errors.ts';
import type { OrderState, Plan } from '../../domain/order.ts';
import { REVIEW_SLA_CEILING_MS, type Settings } from '../../domain/settings.ts';
import { REFUND_WINDOWS } from '../../domain/policies/refund-eta.ts';
import type { FaqOverrideRow } from '../../adapters/store/assistant-repo.ts';
import type { Deps } from '../platform/deps.ts';

const HOUR = 3_600_000;

const span = (xs: number[]): string => {
  if (xs.length === 0) return '0';
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${lo}-${hi}`;
};

/** Facts from the settings in force and, when the order is known, its plan; otherwise the catalog's range. */
export function faqFacts(settings: Settings, plans: Plan[], plan?: Plan): FaqFacts {
  const trials = plans.filter((p) => p.trialDays > 0).map((p) => p.trialDays);
  return {
    paymentTimeoutMinutes: String(Math.round(settings.paymentTimeoutMs / 60_000)),
    reviewSlaHours: String(Math.round(settings.reviewSlaMs / HOUR)),
    maxReviewHours: String(Math.round(REVIEW_SLA_CEILING_MS / HOUR)),
    expressRefundMaxYuan: (settings.expressRefundMaxFen / 100).toFixed(settings.expressRefundMaxFen % 100 === 0 ? 0 : 2),
    activationWindowDays: plan ? String(plan.activationWindowDays) : span(plans.map((p) => p.activationWindowDays)),
    trialDays: plan && plan.trialDays > 0 ? String(plan.trialDays) : span(trials),
    walletRefundDays: `${REFUND_WINDOWS.alipay[0]}-${REFUND_WINDOWS.alipay[1]}`,
    bankRefundDays: `${REFUND_WINDOWS.bank[0]}-${REFUND_WINDOWS.bank[1]}`,
    returnRefundDays: '3-7',
  };
}

const toOverride = (r: FaqOverrideRow): FaqOverride => ({
  id: r.id,
  question: { ...(r.question_zh !== null ? { zh: r.question_zh } : {}), ...(r.question_en !== null ? { en: r.question_en } : {}) },
  answer: { ...(r.answer_zh !== null ? { zh: r.answer_zh } : {}), ...(r.answer_en !== null ? { en: r.answer_en } : {}) },
  hidden: r.hidden === 1,
});

export async function stateFaq(deps: Deps, state: OrderState, lang: FaqLang, plan?: Plan): Promise<ShownFaqEntry[]> {
  const [settings, plans, rows] = await Promise.all([deps.settings.get(), deps.store.orders.listPlans(true), deps.store.assistant.listFaqOverrides()]);
  return faqFor(state, lang, faqFacts(settings, plans, plan), rows.map(toOverride));
}

export interface FaqTemplate {
  id: string;
  states: OrderState[];
  question: Bilingual;
  answer: Bilingual;
  edited: boolean;
  hidden: boolean;
}

/** Every entry with its placeholders unfilled, for operators to edit. */
export async function faqTemplates(deps: Deps): Promise<{ placeholders: string[]; entries: FaqTemplate[] }> {
  const rows = await deps.store.assistant.listFaqOverrides();
  return { placeholders: [...FAQ_PLACEHOLDERS], entries: mergeFaq(rows.map(toOverride)).map((e) => ({ ...e, states: [...e.states] })) };
}

export interface FaqPatch {
  question?: Partial<Bilingual>;
  answer?: Partial<Bilingual>;
  hidden?: boolean;
}

/** An operator's edit, laid over the shipped text; a placeholder that does not exist is refused. */
export async function editFaq(deps: Deps, id: string, patch: FaqPatch, by: string): Promise<FaqTemplate | DomainError> {
  if (!DEFAULT_FAQ.some((e) => e.id === id)) return fail('FAQ.NOT_FOUND', 'No such FAQ entry.', { id, known: DEFAULT_FAQ.map((e) => e.id) });
  const texts = [patch.question?.zh, patch.question?.en, patch.answer?.zh, patch.answer?.en].filter((t): t is string => t !== undefined);
  const unknown = [...new Set(texts.flatMap(unknownPlaceholders))];
  if (unknown.length) {
    return fail('FAQ.UNKNOWN_PLACEHOLDER', `Unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')}.`, { unknown, known: FAQ_PLACEHOLDERS });
  }
  const prev = await deps.store.assistant.getFaqOverride(id);
  const now = deps.clock.now();
  await deps.store.assistant.putFaqOverride({
    id,
    question_zh: patch.question?.zh ?? prev?.question_zh ?? null,
    question_en: patch.question?.en ?? prev?.question_en ?? null,
    answer_zh: patch.answer?.zh ?? prev?.answer_zh ?? null,
    answer_en: patch.answer?.en ?? prev?.answer_en ?? null,
    hidden: patch.hidden === undefined ? (prev?.hidden ?? 0) : patch.hidden ? 1 : 0,
    updated_at: now,
    updated_by: by,
  });
  return (await faqTemplates(deps)).entries.find((e) => e.id === id)!;
}

/** Drops an operator's edit: the shipped text shows again. */
export async function resetFaq(deps: Deps, id: string): Promise<FaqTemplate | DomainError> {
  if (!DEFAULT_FAQ.some((e) => e.id === id)) return fail('FAQ.NOT_FOUND', 'No such FAQ entry.', { id });
  await deps.store.assistant.deleteFaqOverride(id);
  return (await faqTemplates(deps)).entries.find((e) => e.id === id)!;
}
