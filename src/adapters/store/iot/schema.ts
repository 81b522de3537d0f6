// Row types of the IoT tables (migration 021): snake_case, money in fen, times in UTC ms, flags as integers.
import type { Generated } from 'kysely';
import type { DB } from '../schema.ts';

export interface IotBusinessesTable { id: string; name: string; credit_code: string; contact_name: string; contact_phone: string; created_at: number }
export interface IotStaffTable { id: string; business_id: string; username: string; display_name: string; role: string; password_hash: string; created_at: number }
export interface IotPlansTable {
  id: string; carrier: string; name: string; quota_mb: number; monthly_fee_fen: number; contract_months: number; card_fee_fen: number;
  penalty_kind: string; penalty_value: number; activation_window_days: number; active: number; created_at: number;
}
export interface IotStockTable { id: string; carrier: string; first_body: string; first_number: string; size: number; next_offset: number }
export interface IotBatchesTable {
  id: string; business_id: string; plan_id: string; quantity: number; gross_fen: number; discount_percent: number; amount_fen: number;
  payment_method: string; state: string; payment_deadline: number; paid_at: number | null; created_by: string; created_at: number;
}
export interface IotPaymentsTable {
  id: string; batch_id: string; channel: string; amount_fen: number; state: string; trade_no: string | null; confirmed_by: string | null; created_at: number; succeeded_at: number | null;
}
export interface IotPaymentNoticesTable { channel: string; nonce: string; payment_id: string; received_at: number }
export interface IotCardsTable {
  id: string; batch_id: string; business_id: string; seq: number; iccid: string; msisdn: string; state: string; share_fen: number; quota_mb: number;
  monthly_fee_fen: number; contract_months: number; penalty_kind: string; penalty_value: number; activation_window_days: number; payment_deadline: number;
  tracking_no: string | null; delivered_at: number | null; activated_at: number | null; closed_at: number | null; close_reason: string | null;
  penalty_fen: number | null; pending_return: string | null; pool_id: string | null; data_stopped: Generated<number>; updated_at: number;
}
export interface IotCardEventsTable {
  id: Generated<number>; card_id: string; action: string; from_state: string | null; to_state: string; actor_type: string; actor_id: string;
  reason: string | null; job_id: string | null; at: number;
}
export interface IotPoolsTable { id: string; business_id: string; name: string; over_quota: string; overage_fee_per_gb_fen: number; created_at: number }
export interface IotUsageTable { card_id: string; day: string; used_mb: number; pool_id: string | null; reported_at: number }
export interface IotPoolAlertsTable { pool_id: string; month: string; level: number; used_mb: number; quota_mb: number; at: number }
export interface IotJobsTable {
  id: string; business_id: string; batch_id: string | null; kind: string; state: string; total: number; done: number; failed: number;
  created_by: string; created_at: number; updated_at: number; finished_at: number | null;
}
export interface IotJobItemsTable {
  job_id: string; card_id: string; seq: number; route: string; refund_fen: number; penalty_fen: number; outcome: string | null; detail: string | null; handled_at: number | null;
}
export interface IotCancellationsTable {
  id: string; business_id: string; state: string; cards: number; refund_fen: number; penalty_fen: number; summary: string; job_id: string;
  requested_by: string; reviewed_by: string | null; reviewed_at: number | null; review_note: string | null; created_at: number; updated_at: number;
}
export interface IotRefundsTable {
  id: string; card_id: string; batch_id: string; cancellation_id: string; payment_id: string; channel: string; amount_fen: number; state: string;
  channel_refund_no: string | null; last_error: string | null; created_at: number; updated_at: number;
}

export interface IotTables {
  iot_businesses: IotBusinessesTable;
  iot_staff: IotStaffTable;
  iot_plans: IotPlansTable;
  iot_stock: IotStockTable;
  iot_batches: IotBatchesTable;
  iot_payments: IotPaymentsTable;
  iot_payment_notices: IotPaymentNoticesTable;
  iot_cards: IotCardsTable;
  iot_card_events: IotCardEventsTable;
  iot_pools: IotPoolsTable;
  iot_usage: IotUsageTable;
  iot_pool_alerts: IotPoolAlertsTable;
  iot_jobs: IotJobsTable;
  iot_job_items: IotJobItemsTable;
  iot_cancellations: IotCancellationsTable;
  iot_refunds: IotRefundsTable;
}

/** The store's tables with the IoT ones: the IoT repositories see both (outbox rows are written with the cards). */
export type IotDB = DB & IotTables;
