import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db.ts';

/** The plan's rules an order keeps from its placement (OrderTerms), one column each so reports can group by them. */
export const TERMS_COLUMNS = [
  ['terms_plan_price_fen', 'price_fen'],
  ['terms_monthly_fee_fen', 'monthly_fee_fen'],
  ['terms_contract_months', 'contract_months'],
  ['terms_penalty_kind', 'penalty_kind'],
  ['terms_penalty_value', 'penalty_value'],
  ['terms_activation_window_days', 'activation_window_days'],
  ['terms_trial_days', 'trial_days'],
] as const;

/**
 * Terms as sold: an order keeps its plan's price, contract, penalty rule, activation window and trial from the
 * moment it is placed, so an operator's later edit applies to new orders only. Orders from before this migration
 * take their plan's rules as they stand now, the best knowledge there is of what they were sold with. No order is
 * left without terms: PostgreSQL then holds the columns NOT NULL; SQLite, which cannot add that to a filled
 * table, refuses such a row with a trigger.
 * Unactivated returns take a reason code from the cancellation reasons (and optional words), like other cancellations.
 */
export function orderTerms(engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      for (const [column, from] of TERMS_COLUMNS) {
        await db.schema.alterTable('orders').addColumn(column, from === 'penalty_kind' ? 'text' : 'integer').execute();
        await sql`update orders set ${sql.ref(column)} = (select ${sql.ref(`plans.${from}`)} from plans where plans.id = orders.plan_id)`.execute(db);
      }
      if (engine === 'postgres') {
        for (const [column] of TERMS_COLUMNS) await db.schema.alterTable('orders').alterColumn(column, (c) => c.setNotNull()).execute();
      } else {
        const missing = TERMS_COLUMNS.map(([c]) => `new.${c} is null`).join(' or ');
        for (const when of ['insert', 'update']) {
          await sql.raw(`create trigger orders_terms_required_${when} before ${when} on orders when ${missing}
            begin select raise(abort, 'NOT NULL constraint failed: an order keeps its terms'); end`).execute(db);
        }
      }
      await db.schema.alterTable('returns').addColumn('reason_code', 'text').execute();
      await db.schema.alterTable('returns').addColumn('reason_text', 'text').execute();
    },
  };
}
