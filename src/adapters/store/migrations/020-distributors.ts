import { sql, type Kysely, type Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

/**
 * Distributors (分销商) in a tree of up to three levels, their promotion codes, commission rules per plan with a
 * change log, each order's attribution as it was at placement (seller, chain above it, the rule as sold), the
 * commission ledger, settlement runs, withdrawals, open-API nonces and order push-backs (订单回传).
 * The ledger is insert-only: a trigger refuses any update or delete on either engine, so a correction can only be a
 * reversing entry; one entry of each kind per order and distributor (unique) makes a repeated adjustment a no-op.
 */
export function distributors(engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('distributors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('parent_id', 'text')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('app_key', 'text', (c) => c.notNull().unique())
        .addColumn('app_secret', 'text', (c) => c.notNull())
        .addColumn('push_url', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('distributors_parent').on('distributors').column('parent_id').execute();
      await db.schema.createTable('promotion_codes')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('distributor_id', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('promotion_codes_distributor').on('promotion_codes').column('distributor_id').execute();
      await db.schema.createTable('commission_rules')
        .addColumn('plan_id', 'text', (c) => c.primaryKey())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('commission_rule_changes')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('old_value', 'text')
        .addColumn('new_value', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('changed_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('commission_rule_changes_plan').on('commission_rule_changes').columns(['plan_id', 'changed_at']).execute();
      await db.schema.createTable('order_attributions')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('distributor_id', 'text', (c) => c.notNull())
        .addColumn('promotion_code', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('chain', 'text', (c) => c.notNull())
        .addColumn('rule', 'text')
        .addColumn('shares', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('order_attributions_distributor').on('order_attributions').columns(['distributor_id', 'created_at']).execute();
      await db.schema.createTable('line_top_ups')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('amount_fen', bigint, (c) => c.notNull())
        .addColumn('at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('commission_entries')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('order_id', 'text')
        .addColumn('distributor_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('amount_fen', bigint, (c) => c.notNull())
        .addColumn('debit', 'text', (c) => c.notNull())
        .addColumn('credit', 'text', (c) => c.notNull())
        .addColumn('ref', 'text')
        .addColumn('at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('commission_entries_once').on('commission_entries').columns(['order_id', 'distributor_id', 'kind']).unique()
        .where(sql.ref('order_id'), 'is not', null).execute();
      await db.schema.createIndex('commission_entries_distributor').on('commission_entries').columns(['distributor_id', 'at']).execute();
      await db.schema.createIndex('commission_entries_ref').on('commission_entries').column('ref').execute();
      if (engine === 'sqlite') {
        for (const when of ['update', 'delete']) {
          await sql.raw(`create trigger commission_entries_no_${when} before ${when} on commission_entries
            begin select raise(abort, 'commission entries are append-only'); end`).execute(db);
        }
      } else {
        await sql.raw(`create function commission_entries_append_only() returns trigger language plpgsql as $$
          begin raise exception 'commission entries are append-only'; end $$`).execute(db);
        await sql.raw(`create trigger commission_entries_append_only before update or delete on commission_entries
          for each row execute function commission_entries_append_only()`).execute(db);
      }
      await db.schema.createTable('settlement_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_by', 'text', (c) => c.notNull())
        .addColumn('at', bigint, (c) => c.notNull())
        .addColumn('lines', 'integer', (c) => c.notNull())
        .addColumn('amount_fen', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('withdrawals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('distributor_id', 'text', (c) => c.notNull())
        .addColumn('amount_fen', bigint, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('requested_at', bigint, (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', bigint)
        .addColumn('payout_ref', 'text')
        .addColumn('note', 'text')
        .execute();
      await db.schema.createIndex('withdrawals_distributor').on('withdrawals').columns(['distributor_id', 'requested_at']).execute();
      await db.schema.createTable('open_api_nonces')
        .addColumn('app_key', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('open_api_nonces_pk', ['app_key', 'nonce'])
        .execute();
      await db.schema.createTable('distributor_pushes')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('distributor_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('delivered_at', bigint)
        .execute();
      await db.schema.createIndex('distributor_pushes_state').on('distributor_pushes').columns(['state', 'created_at']).execute();
    },
  };
}
