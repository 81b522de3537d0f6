// Row types of the distribution tables (migration 020), kept beside the shared schema.
import type { Generated } from 'kysely';
import type { DB } from '../schema.ts';

export interface DistributorsTable {
  id: string; name: string; parent_id: string | null; level: number; state: string; password_hash: string;
  app_key: string; app_secret: string; push_url: string | null; created_at: number;
}
export interface PromotionCodesTable { code: string; distributor_id: string; plan_id: string | null; created_at: number }
export interface CommissionRulesTable { plan_id: string; rule: string; updated_by: string; updated_at: number }
export interface CommissionRuleChangesTable { id: Generated<number>; plan_id: string; old_value: string | null; new_value: string; changed_by: string; changed_at: number }
export interface OrderAttributionsTable {
  order_id: string; distributor_id: string; promotion_code: string | null; channel: string; chain: string; rule: string | null; shares: string; created_at: number;
}
export interface LineTopUpsTable { order_id: string; amount_fen: number; at: number }
export interface CommissionEntriesTable {
  id: Generated<number>; order_id: string | null; distributor_id: string; kind: string; amount_fen: number; debit: string; credit: string; ref: string | null; at: number;
}
export interface SettlementRunsTable { id: string; started_by: string; at: number; lines: number; amount_fen: number }
export interface WithdrawalsTable {
  id: string; distributor_id: string; amount_fen: number; state: string; requested_at: number; decided_by: string | null; decided_at: number | null;
  payout_ref: string | null; note: string | null;
}
export interface OpenApiNoncesTable { app_key: string; nonce: string; at: number }
export interface DistributorPushesTable {
  id: Generated<number>; distributor_id: string; order_id: string; body: string; state: string; attempts: number; last_error: string | null;
  created_at: number; delivered_at: number | null;
}

export interface DistributionDB extends DB {
  distributors: DistributorsTable;
  promotion_codes: PromotionCodesTable;
  commission_rules: CommissionRulesTable;
  commission_rule_changes: CommissionRuleChangesTable;
  order_attributions: OrderAttributionsTable;
  line_top_ups: LineTopUpsTable;
  commission_entries: CommissionEntriesTable;
  settlement_runs: SettlementRunsTable;
  withdrawals: WithdrawalsTable;
  open_api_nonces: OpenApiNoncesTable;
  distributor_pushes: DistributorPushesTable;
}
