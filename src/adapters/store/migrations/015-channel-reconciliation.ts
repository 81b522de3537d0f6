import { sql, type Kysely, type Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

/**
 * Reconciliation with the payment channels' daily bills. A run per channel and Beijing day (so the worker's daily
 * pass runs once, across restarts and workers), and the differences an operator must settle, each once (unique
 * per channel, kind and payment or refund number) with who resolved it. Open payments get a partial index: the
 * payment-deadline pass asks the channel about the few orders that have one, without reading the rest.
 */
export function channelReconciliation(engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('reconciliation_runs')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('started_at', bigint, (c) => c.notNull())
        .addColumn('finished_at', bigint)
        .addColumn('summary', 'text')
        .addPrimaryKeyConstraint('reconciliation_runs_pk', ['channel', 'day'])
        .execute();
      await db.schema.createTable('reconciliation_items')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('our_amount_fen', bigint)
        .addColumn('channel_amount_fen', bigint)
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('resolved_by', 'text')
        .addColumn('resolved_at', bigint)
        .addColumn('note', 'text')
        .execute();
      await db.schema.createIndex('reconciliation_items_subject').on('reconciliation_items').columns(['channel', 'kind', 'subject']).unique().execute();
      await db.schema.createIndex('reconciliation_items_state').on('reconciliation_items').columns(['state', 'created_at']).execute();
      await db.schema.createIndex('payments_open').on('payments').column('order_id').where(sql.ref('state'), '=', 'created').execute();
    },
  };
}
