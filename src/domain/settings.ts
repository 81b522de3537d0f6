// Platform settings the rules read. Ranges come from the brief; defaults are the brief's values.

export interface Settings {
  /** How long a customer has to pay, in ms (HAOKA_PAYMENT_TIMEOUT, default 30 min). */
  paymentTimeoutMs: number;
  /** How long before the deadline the reminder goes out (HAOKA_REMINDER_BEFORE, default 5 min). */
  reminderBeforeMs: number;
  /** Real-name rule: live cards per resident ID per carrier. */
  realNameLimitPerCarrier: number;
  /** Whether a later order keeps the first-order discount after each kind of unpaid close. */
  reorderDiscount: { afterPaymentTimeout: boolean; afterCustomerAbandoned: boolean };
  /** How long an agent has to review a cancellation request (the brief: 1-24 h, default 24 h). */
  reviewSlaMs: number;
  /** Priority channel (绿色通道): this many own cancellations in PRIORITY_WINDOW_MS routes a customer there. */
  priorityThreshold: number;
  /** Express refund (极速退款): paid orders at or under this amount (fen) may cancel without review; 0 turns it off. */
  expressRefundMaxFen: number;
  /** Unactivated returns: when a card not yet received is followed up, and when the return is closed, from the application. */
  returnFollowUpMs: number;
  returnCloseMs: number;
  /** Carrier status synchronisation: unanswered polls of an unconfirmed line before an agent task is opened instead. */
  carrierSyncMaxPolls: number;
}

const HOUR_MS = 3_600_000;
/** The review SLA operators may choose from (the brief's 1-24 h). */
export const REVIEW_SLA_MIN_MS = HOUR_MS;
export const REVIEW_SLA_MAX_MS = 24 * HOUR_MS;
/** No request ever waits longer than this, whatever is stored or configured (the brief: nothing waits 48 h). */
export const REVIEW_SLA_CEILING_MS = 48 * HOUR_MS;
/** The look-back of the priority channel's count (the brief: cancellations in the last 90 days). */
export const PRIORITY_WINDOW_MS = 90 * 24 * HOUR_MS;
/** Failed identity checks allowed per order before the check locks (guessing a resident ID must not pay off). */
export const IDENTITY_MAX_ATTEMPTS = 5;

export const DEFAULT_SETTINGS: Settings = {
  paymentTimeoutMs: 30 * 60_000,
  reminderBeforeMs: 5 * 60_000,
  realNameLimitPerCarrier: 5,
  reorderDiscount: { afterPaymentTimeout: true, afterCustomerAbandoned: true },
  reviewSlaMs: 24 * 3_600_000,
  priorityThreshold: 3,
  expressRefundMaxFen: 10_000,
  returnFollowUpMs: 7 * 24 * 3_600_000,
  returnCloseMs: 15 * 24 * 3_600_000,
  // With the backoff (6 h doubling to a day) eight polls cover about a week after the first question.
  carrierSyncMaxPolls: 8,
};
