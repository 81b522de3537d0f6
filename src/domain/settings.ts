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
}

export const DEFAULT_SETTINGS: Settings = {
  paymentTimeoutMs: 30 * 60_000,
  reminderBeforeMs: 5 * 60_000,
  realNameLimitPerCarrier: 5,
  reorderDiscount: { afterPaymentTimeout: true, afterCustomerAbandoned: true },
};
