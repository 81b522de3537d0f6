// The free-text reason given with a cancel, classified into a reason code and kept with its confidence,
// so that operators see why customers cancel (the brief: "the reason is captured and understood").
import { classifyReason } from '../../assistant/index.ts';
import { printable } from '../../assistant/tokenizer.ts';
import type { ReasonCode } from '../../domain/alternatives.ts';
import type { Repos } from '../../adapters/store/store.ts';
import { fail, type DomainError } from '../../domain/errors.ts';

/**
 * A reason picked from the operators' list (cancellation requests and unactivated returns share it), with the
 * customer's words; "other" needs the words, since the code alone says nothing.
 */
export async function pickedReason(r: Repos, code: string, text: string | undefined): Promise<{ code: string; text: string | null } | DomainError> {
  const reason = await r.requests.getReason(code);
  if (!reason || !reason.active) return fail('CANCEL_REQUEST.UNKNOWN_REASON', 'Pick one of the listed reasons.', { reasonCode: code });
  const words = text?.trim() || null;
  if (reason.code === 'other' && !words) return fail('CANCEL_REQUEST.REASON_REQUIRED', 'Tell us the reason in a few words.', { field: 'reasonText' });
  return { code: reason.code, text: words };
}

export interface ClassifiedReason {
  text: string;
  code: ReasonCode;
  confidence: number;
}

/** Classifies outside any transaction: the first call trains the model and must not hold a write lock. */
export function classifyCancelReason(text: string | undefined): ClassifiedReason | null {
  const t = text ? printable(text).slice(0, 500) : '';
  if (!t) return null;
  return { text: t, ...classifyReason(t) };
}

export async function recordCancelReason(r: Repos, orderId: string, source: 'unpaid_cancel' | 'cancellation_request', reason: ClassifiedReason | null, now: number): Promise<void> {
  if (!reason) return;
  await r.assistant.insertReasonClassification({ order_id: orderId, source, text: reason.text, code: reason.code, confidence: reason.confidence, created_at: now });
}
