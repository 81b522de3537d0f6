// The review SLA of a cancellation request (客服审核时效). Pure: times in, times out.
//
// Business rule: an agent answers within the platform's SLA (the brief: 1-24 h, default 24 h);
// requests are escalated to supervisors at 80 % of it and again at breach; and whatever a setting
// says, no request waits longer than the hard ceiling of 48 h before it is escalated.
import { REVIEW_SLA_CEILING_MS, REVIEW_SLA_MIN_MS, type Settings } from '../settings.ts';

/** Share of the SLA after which supervisors are warned. */
export const SLA_WARNING_SHARE = 0.8;

/** The SLA in force: the setting, held inside [1 h, 48 h] even if a stored value is out of range. */
export function effectiveSlaMs(settings: Pick<Settings, 'reviewSlaMs'>): number {
  const ms = Number.isFinite(settings.reviewSlaMs) ? settings.reviewSlaMs : REVIEW_SLA_CEILING_MS;
  return Math.min(Math.max(ms, REVIEW_SLA_MIN_MS), REVIEW_SLA_CEILING_MS);
}

/** The 80 % point of a request's own SLA (a request keeps the SLA it was opened under). */
export function warnAtOf(req: { createdAt: number; dueAt: number }): number {
  return req.createdAt + Math.floor((req.dueAt - req.createdAt) * SLA_WARNING_SHARE);
}

/** When a request opened at `openedAt` is due, and when supervisors hear of it first. */
export function reviewSchedule(openedAt: number, settings: Pick<Settings, 'reviewSlaMs'>): { dueAt: number; warnAt: number } {
  const dueAt = openedAt + effectiveSlaMs(settings);
  return { dueAt, warnAt: warnAtOf({ createdAt: openedAt, dueAt }) };
}

/** Time left until the due time; negative once overdue (the queue shows it either way). */
export const timeLeftMs = (dueAt: number, now: number): number => dueAt - now;
