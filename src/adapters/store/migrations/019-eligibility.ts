import type { Kysely, Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

/**
 * Eligibility before payment: each plan's rules (JSON, synced from its supplier, edited by operators) with every
 * change kept (who, when, before and after); the platform blacklist of resident IDs, phones and addresses, kept only
 * as keyed hashes with a masked form for the operator; and every hit of it, kept.
 */
export function eligibility(engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('plan_eligibility')
        .addColumn('plan_id', 'text', (c) => c.primaryKey())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('plan_eligibility_changes')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('changed_at', bigint, (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('plan_eligibility_changes_plan').on('plan_eligibility_changes').columns(['plan_id', 'changed_at']).execute();
      await db.schema.createTable('blacklist')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value_hash', 'text', (c) => c.notNull())
        .addColumn('masked', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('removed_at', bigint)
        .execute();
      await db.schema.createIndex('blacklist_value').on('blacklist').columns(['kind', 'value_hash']).execute();
      await db.schema.createTable('blacklist_hits')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('entry_id', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text')
        .addColumn('at', bigint, (c) => c.notNull())
        .execute();
    },
  };
}
