// How the platform keeps asking the carrier about a line whose state it has not confirmed (a delivered card whose
// activation push never came, a closure the carrier has not shown closed yet). Pure.

const HOUR = 3_600_000;
/** The first question after delivery: a day, as activations usually arrive within it. */
export const CARRIER_SYNC_AFTER_DELIVERY_MS = 24 * HOUR;
/** The first question after an account closure was sent to the carrier. */
export const CARRIER_SYNC_AFTER_CLOSURE_MS = HOUR;
const BACKOFF_BASE_MS = 6 * HOUR;
const BACKOFF_CAP_MS = 24 * HOUR;

/**
 * After `polls` unanswered questions: when to ask again, or give up and leave it to an agent. The wait doubles
 * from 6 h up to a day, so a slow carrier is not hammered and a settled line is not asked about for long.
 */
export function nextCarrierPoll(polls: number, now: number, maxPolls: number): { dueAt: number } | { giveUp: true } {
  if (polls >= maxPolls) return { giveUp: true };
  return { dueAt: now + Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, polls - 1), BACKOFF_CAP_MS) };
}

/** What the carrier may say about a line (the carrier port's line status). */
export type CarrierLineStatus = 'inactive' | 'activated' | 'suspended' | 'closed' | 'recycled';

/**
 * An agent chose to follow the carrier: the move that brings the order in line with the line's status, `none`
 * when the two already agree, or null when the transition table has no way there (a cancelled order cannot
 * come back to life; a card closed before activation needs a cancellation with its refund, not a status change).
 */
export function followCarrier(state: string, status: CarrierLineStatus): 'none' | 'activate' | 'close' | null {
  switch (status) {
    case 'activated':
      return state === 'shipped' || state === 'delivered' ? 'activate' : state === 'activated' ? 'none' : null;
    case 'inactive':
      return ['paid', 'packing', 'shipped', 'delivered'].includes(state) ? 'none' : null;
    case 'suspended':
      return state === 'activated' ? 'none' : null;
    case 'closed':
    case 'recycled':
      return state === 'activated' ? 'close' : state === 'account_closed' || state === 'cancelled' ? 'none' : null;
  }
}

/** Whether a poll's answer settles an order whose state was unconfirmed (otherwise it is asked again later). */
export function pollSettles(state: string, status: CarrierLineStatus): boolean {
  if (state === 'delivered') return status !== 'inactive';
  if (state === 'account_closed') return status === 'closed' || status === 'recycled';
  return true;
}

/** The states the platform polls the carrier about. */
export const POLLED_STATES: readonly string[] = ['delivered', 'account_closed'];
