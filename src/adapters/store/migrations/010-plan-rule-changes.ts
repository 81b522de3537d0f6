import type { Kysely, Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

/**
 * Operators edit each plan's rules (activation window, trial days, penalty rule). Every change keeps a row:
 * who, when, which rule, the value before and after (JSON), written in the same transaction as the plan.
 */
export function planRuleChanges(engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('plan_rule_changes')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('old_value', 'text', (c) => c.notNull())
        .addColumn('new_value', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('changed_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('plan_rule_changes_plan').on('plan_rule_changes').columns(['plan_id', 'changed_at']).execute();
    },
  };
}
