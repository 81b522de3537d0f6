// Row types as the database holds them: snake_case, integers for money (fen), times (UTC ms) and flags.
import type { Generated } from 'kysely';
import type { AssistantTables } from './assistant-schema.ts';

export interface SettingsTable { key: string; value: string; updated_at: number; updated_by: string }
export interface PlansTable {
  id: string; carrier: string; name: string; monthly_fee_fen: number; data_mb: number; voice_minutes: number;
  contract_months: number; activation_window_days: number; trial_days: number; price_fen: number; active: number; created_at: number;
  /** 006: early-termination penalty rule ('fixed' fen, or 'remaining_share' percent of the remaining monthly fees). */
  penalty_kind: string; penalty_value: number;
}
export interface NumbersTable {
  id: string; carrier: string; number: string; vanity_level: number; price_fen: number; state: string; order_id: string | null; updated_at: number;
}
/** phone: the keyed hash of the number (a plain number in rows from before migration 007). */
export interface CustomersTable { id: string; phone: string; created_at: number; phone_enc: string | null; phone_masked: string | null }
export interface AgentsTable {
  id: string; username: string; display_name: string; role: string; password_hash: string; created_at: number;
  /** 002: the queue group an agent serves ('standard', or 'priority' for the 绿色通道). */
  agent_group: Generated<string>;
}
export interface OrdersTable {
  id: string; customer_id: string; plan_id: string; number_id: string; number: string; carrier: string; state: string;
  amount_fen: number; contact_name: string; contact_phone: string; contact_phone_hash: string | null; contact_phone_enc: string | null; id_hash: string; id_masked: string; address: string;
  payment_deadline: number; payment_channel: string | null; close_reason: string | null; keeps_reorder_discount: number | null;
  created_at: number; updated_at: number; paid_at: number | null; closed_at: number | null; version: number;
  /** 006: fulfilment facts. */
  tracking_no: string | null; delivered_at: number | null; activated_at: number | null;
  /** 008: the SIM card picked from stock for this order, and when. */
  iccid: string | null; picked_at: number | null;
  /** 013: the plan's terms as sold (OrderTerms); never null once migrated (NOT NULL on PostgreSQL, a trigger on SQLite). */
  terms_plan_price_fen: number; terms_monthly_fee_fen: number; terms_contract_months: number; terms_penalty_kind: string; terms_penalty_value: number;
  terms_activation_window_days: number; terms_trial_days: number;
}
export interface OrderEventsTable {
  id: Generated<number>; order_id: string; actor_type: string; actor_id: string; action: string; from_state: string | null;
  to_state: string; reason: string | null; automatic: number; at: number;
}
export interface TimersTable { id: Generated<number>; order_id: string; kind: string; due_at: number; claimed_until: number | null; attempts: number }
export interface OutboxTable {
  id: Generated<number>; order_id: string | null; topic: string; payload: string; attempts: number; next_attempt_at: number;
  claimed_until: number | null; created_at: number; delivered_at: number | null; last_error: string | null;
  request_id: string | null;
}
export interface PaymentsTable {
  id: string; order_id: string; channel: string; amount_fen: number; state: string; channel_trade_no: string | null; created_at: number; succeeded_at: number | null;
  /** 008: what the money is for: the order itself, or an account closure's early-termination penalty. */
  purpose: Generated<string>;
}
export interface PaymentNotificationsTable {
  id: Generated<number>; channel: string; nonce: string; payment_id: string; outcome: string; received_at: number;
}
export interface RefundsTable {
  id: string; order_id: string; payment_id: string; channel: string; amount_fen: number; state: string; reason: string; created_at: number; updated_at: number; succeeded_at: number | null;
  // 003_refunds: attempts, money breakdown, expected arrival, channel answer and reconciliation.
  attempt: Generated<number>; previous_refund_id: Generated<string | null>; fee_fen: Generated<number>; penalty_fen: Generated<number>;
  express: Generated<number>; eta_earliest: Generated<string | null>; eta_latest: Generated<string | null>;
  channel_refund_no: Generated<string | null>; last_error: Generated<string | null>; sent_at: Generated<number | null>;
  finished_at: Generated<number | null>; next_check_at: Generated<number | null>; checks: Generated<number>;
}
export interface RefundEventsTable {
  id: Generated<number>; refund_id: string; order_id: string; from_state: string | null; to_state: string; action: string;
  actor_type: string; actor_id: string; note: string | null; at: number;
}
export interface RefundNotificationsTable {
  id: Generated<number>; channel: string; notify_id: string; refund_id: string; outcome: string; received_at: number;
}
export interface NotificationsTable {
  id: Generated<number>; customer_id: string; order_id: string | null; channel: string; template: string; title: string; body: string; created_at: number; read_at: number | null; dedupe_key: string | null;
}
export interface CancellationReasonsTable {
  code: string; label: string; alternative: string | null; active: number; sort_order: number; updated_at: number; updated_by: string;
}
export interface CancellationRequestsTable {
  id: string; order_id: string; customer_id: string; state: string; order_state_at_request: string; queue: string; express: number;
  reason_code: string; reason_text: string | null; urgent: number; due_at: number; escalation_level: number; escalated_at: number | null;
  assignee_id: string | null; claimed_at: number | null; identity_verified_at: number | null; identity_method: string | null;
  identity_failures: number; decided_by: string | null; decided_at: number | null; rejection_reason: string | null; decision_note: string | null;
  interception: string | null; number_released_at: number | null; completed_at: number | null; created_at: number; updated_at: number; version: number;
}
export interface RequestAttachmentsTable {
  id: Generated<number>; request_id: string; kind: string; content_type: string; size_bytes: number; sha256: string; data: Uint8Array;
  uploaded_by: string; created_at: number;
}
export interface RiskFlagsTable {
  id: Generated<number>; customer_id: string | null; order_id: string | null; reason: string; created_by: string; created_at: number; cleared_at: number | null;
}
export interface OtpCodesTable { phone: string; code_hash: string; expires_at: number; attempts: number; created_at: number }
export interface IdempotencyKeysTable {
  scope: string; key: string; method: string; path: string; body_hash: string; status_code: number | null; response: string | null; created_at: number;
}

/** 006: signed callbacks from the courier and the carrier: nonces seen (replay) and events applied (once each). */
export interface CallbackNoncesTable { id: Generated<number>; source: string; nonce: string; received_at: number }
export interface CallbackEventsTable {
  id: Generated<number>; source: string; event_id: string; order_id: string | null; ref: string; kind: string; detail: string | null;
  occurred_at: number; received_at: number; outcome: string;
}
/** 006: a card coming back (unactivated return, or an intercepted parcel) and its inspection. */
export interface ReturnsTable {
  id: string; order_id: string; customer_id: string; kind: string; state: string; request_id: string | null; return_tracking_no: string | null;
  checklist: string | null; notes: string | null; rejection_reason: string | null; inspected_by: string | null; inspected_at: number | null;
  refund_earliest: string | null; refund_latest: string | null; created_at: number; updated_at: number; version: number;
  /** 013: why the customer returns an unactivated card (a cancellation reason code, optional words); null for intercepted parcels. */
  reason_code: string | null; reason_text: string | null;
}
export interface ReturnPhotosTable {
  id: Generated<number>; return_id: string; content_type: string; size_bytes: number; sha256: string; data: Uint8Array; uploaded_by: string; created_at: number;
}
export interface AccountClosuresTable {
  id: string; order_id: string; customer_id: string; state: string; penalty_fen: number; months_left: number; requested_at: number;
  completed_at: number | null; completed_by: string | null;
  /** 008: the penalty payment that paid it (and when); how a closure that did not complete ended. */
  penalty_payment_id: Generated<string | null>; penalty_paid_at: Generated<number | null>; ended_at: Generated<number | null>; ended_reason: Generated<string | null>;
}
/** 006: disagreements with the carrier that an agent must resolve. */
export interface CarrierTasksTable {
  id: Generated<number>; order_id: string; kind: string; detail: string; state: string; created_at: number; closed_at: number | null;
  /** 008: how an agent resolved it. */
  resolution: Generated<string | null>; note: Generated<string | null>; resolved_by: Generated<string | null>;
}

export interface DB extends AssistantTables {
  callback_nonces: CallbackNoncesTable;
  callback_events: CallbackEventsTable;
  returns: ReturnsTable;
  return_photos: ReturnPhotosTable;
  account_closures: AccountClosuresTable;
  carrier_tasks: CarrierTasksTable;
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
  refund_events: RefundEventsTable;
  refund_notifications: RefundNotificationsTable;
  notifications: NotificationsTable;
  cancellation_reasons: CancellationReasonsTable;
  cancellation_requests: CancellationRequestsTable;
  request_attachments: RequestAttachmentsTable;
  risk_flags: RiskFlagsTable;
  otp_codes: OtpCodesTable;
  idempotency_keys: IdempotencyKeysTable;
  rate_limits: RateLimitsTable;
  reconciliation_runs: ReconciliationRunsTable;
  reconciliation_items: ReconciliationItemsTable;
}

/** 009: a rate limit's current window for one key, shared by every process on the store. */
export interface RateLimitsTable { key: string; window_start: number; hits: number }

/** 015: a reconciliation of one channel's bill for one Beijing day, and the differences left to an operator. */
export interface ReconciliationRunsTable { channel: string; day: string; started_at: number; finished_at: number | null; summary: string | null }
export interface ReconciliationItemsTable {
  id: Generated<number>; channel: string; day: string; kind: string; subject: string; order_id: string | null;
  our_amount_fen: number | null; channel_amount_fen: number | null; detail: string; state: string; created_at: number;
  resolved_by: string | null; resolved_at: number | null; note: string | null;
}
