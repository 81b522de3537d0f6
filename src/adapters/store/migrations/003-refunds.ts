import { sql, type Kysely, type Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

/**
 * Refund attempts (one request number each, linked to the attempt they retry), their breakdown and
 * expected arrival, what the channel answered, when to ask the channel again, each attempt's history,
 * and the channel notifications already applied.
 */
export function refunds(engine: Engine): Migration {
  const serial = serialKeyType(engine);
  return {
    async up(db: Kysely<any>) {
      const add = (name: string, type: 'integer' | 'text' | typeof bigint, notNullDefault?: number) =>
        db.schema.alterTable('refunds').addColumn(name, type, (c) => (notNullDefault === undefined ? c : c.notNull().defaultTo(notNullDefault))).execute();
      await add('attempt', 'integer', 1);
      await add('previous_refund_id', 'text');
      await add('fee_fen', 'integer', 0);
      await add('penalty_fen', 'integer', 0);
      await add('express', 'integer', 0);
      await add('eta_earliest', 'text');
      await add('eta_latest', 'text');
      await add('channel_refund_no', 'text');
      await add('last_error', 'text');
      await add('sent_at', bigint);
      await add('finished_at', bigint);
      await add('next_check_at', bigint);
      await add('checks', 'integer', 0);
      // One retry per ended attempt: two agents pressing "retry" together create one new request number.
      await db.schema.createIndex('refunds_previous').on('refunds').column('previous_refund_id').unique().execute();
      await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').execute();
      // The reconciliation sweep reads only refunds still waiting for the channel.
      await db.schema.createIndex('refunds_check').on('refunds').column('next_check_at').where(sql.ref('next_check_at'), 'is not', null).execute();
      await db.schema.createIndex('refunds_state').on('refunds').columns(['state', 'updated_at']).execute();

      await db.schema.createTable('refund_events')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('refund_id', 'text', (c) => c.notNull().references('refunds.id'))
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('refund_events_refund').on('refund_events').columns(['refund_id', 'id']).execute();
      await db.schema.createIndex('refund_events_order').on('refund_events').columns(['order_id', 'id']).execute();

      await db.schema.createTable('refund_notifications')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('notify_id', 'text', (c) => c.notNull())
        .addColumn('refund_id', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('received_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('refund_notifications_id').on('refund_notifications').columns(['channel', 'notify_id']).unique().execute();
    },
  };
}
