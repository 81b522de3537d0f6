// Row types as the database holds them: snake_case, integers for money (fen), times (UTC ms) and flags.
import type { Generated } from 'kysely';

export interface SettingsTable { key: string; value: string; updated_at: number; updated_by: string }
export interface PlansTable {
  id: string; carrier: string; name: string; monthly_fee_fen: number; data_mb: number; voice_minutes: number;
  contract_months: number; activation_window_days: number; trial_days: number; price_fen: number; active: number; created_at: number;
}
export interface NumbersTable {
  id: string; carrier: string; number: string; vanity_level: number; price_fen: number; state: string; order_id: string | null; updated_at: number;
}
export interface CustomersTable { id: string; phone: string; created_at: number }
export interface AgentsTable { id: string; username: string; display_name: string; role: string; password_hash: string; created_at: number }
export interface OrdersTable {
  id: string; customer_id: string; plan_id: string; number_id: string; number: string; carrier: string; state: string;
  amount_fen: number; contact_name: string; contact_phone: string; id_hash: string; id_masked: string; address: string;
  payment_deadline: number; payment_channel: string | null; close_reason: string | null; keeps_reorder_discount: number | null;
  created_at: number; updated_at: number; paid_at: number | null; closed_at: number | null; version: number;
}
export interface OrderEventsTable {
  id: Generated<number>; order_id: string; actor_type: string; actor_id: string; action: string; from_state: string | null;
  to_state: string; reason: string | null; automatic: number; at: number;
}
export interface TimersTable { id: Generated<number>; order_id: string; kind: string; due_at: number; claimed_until: number | null; attempts: number }
export interface OutboxTable {
  id: Generated<number>; order_id: string | null; topic: string; payload: string; attempts: number; next_attempt_at: number;
  claimed_until: number | null; created_at: number; delivered_at: number | null; last_error: string | null;
}
export interface PaymentsTable {
  id: string; order_id: string; channel: string; amount_fen: number; state: string; channel_trade_no: string | null; created_at: number; succeeded_at: number | null;
}
export interface PaymentNotificationsTable {
  id: Generated<number>; channel: string; nonce: string; payment_id: string; outcome: string; received_at: number;
}
export interface RefundsTable {
  id: string; order_id: string; payment_id: string; channel: string; amount_fen: number; state: string; reason: string; created_at: number; updated_at: number; succeeded_at: number | null;
}
export interface NotificationsTable {
  id: Generated<number>; customer_id: string; order_id: string | null; channel: string; template: string; title: string; body: string; created_at: number; read_at: number | null; dedupe_key: string | null;
}
export interface OtpCodesTable { phone: string; code_hash: string; expires_at: number; attempts: number; created_at: number }
export interface IdempotencyKeysTable {
  scope: string; key: string; method: string; path: string; body_hash: string; status_code: number | null; response: string | null; created_at: number;
}

export interface DB {
  settings: SettingsTable;
  plans: PlansTable;
  numbers: NumbersTable;
  customers: CustomersTable;
  agents: AgentsTable;
  orders: OrdersTable;
  order_events: OrderEventsTable;
  timers: TimersTable;
  outbox: OutboxTable;
  payments: PaymentsTable;
  payment_notifications: PaymentNotificationsTable;
  refunds: RefundsTable;
  notifications: NotificationsTable;
  otp_codes: OtpCodesTable;
  idempotency_keys: IdempotencyKeysTable;
}
