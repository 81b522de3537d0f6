import { sql, type Kysely, type Migration } from 'kysely';

const bigint = 'bigint' as const;

/**
 * After shipping, completed: the SIM card picked for an order (its ICCID, when), the early-termination penalty
 * collected before an account closure goes to an agent (a payment's purpose; the closure's paid penalty and how it
 * ended), and carrier tasks an agent resolves (resolution, note, who).
 */
export function pickPenaltyCarrierTasks(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orders').addColumn('iccid', 'text').execute();
      await db.schema.alterTable('orders').addColumn('picked_at', bigint).execute();
      // One physical card serves one live order; a card back in stock (cancelled order) may be picked again.
      await db.schema.createIndex('orders_iccid_live').on('orders').column('iccid').unique()
        .where(sql.ref('state'), 'in', ['paid', 'packing', 'shipped', 'delivered', 'activated']).execute();

      await db.schema.alterTable('payments').addColumn('purpose', 'text', (c) => c.notNull().defaultTo('order')).execute();

      await db.schema.alterTable('account_closures').addColumn('penalty_payment_id', 'text').execute();
      await db.schema.alterTable('account_closures').addColumn('penalty_paid_at', bigint).execute();
      await db.schema.alterTable('account_closures').addColumn('ended_at', bigint).execute();
      await db.schema.alterTable('account_closures').addColumn('ended_reason', 'text').execute();
      // A withdrawn or refused closure no longer holds the line: the customer may ask again.
      await db.schema.dropIndex('account_closures_order').execute();
      await db.schema.createIndex('account_closures_open').on('account_closures').column('order_id').unique()
        .where(sql.ref('state'), 'in', ['awaiting_penalty', 'requested', 'completed']).execute();

      await db.schema.alterTable('carrier_tasks').addColumn('resolution', 'text').execute();
      await db.schema.alterTable('carrier_tasks').addColumn('note', 'text').execute();
      await db.schema.alterTable('carrier_tasks').addColumn('resolved_by', 'text').execute();
    },
  };
}
