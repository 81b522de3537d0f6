import type { Kysely, Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

/**
 * Shipped, delivered and activated orders: the fulfilment facts on the order (tracking number, delivery and
 * activation times, which the activation window and the trial count from), each plan's early-termination
 * penalty rule, the signed courier and carrier callbacks (nonces against replay, events applied once),
 * returned cards and their inspection, account closures, and carrier disagreements for agents.
 */
export function fulfilmentReturns(engine: Engine): Migration {
  const serial = serialKeyType(engine);
  const bytes = engine === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orders').addColumn('tracking_no', 'text').execute();
      await db.schema.alterTable('orders').addColumn('delivered_at', bigint).execute();
      await db.schema.alterTable('orders').addColumn('activated_at', bigint).execute();
      await db.schema.createIndex('orders_tracking').on('orders').column('tracking_no').execute();
      await db.schema.createIndex('orders_number').on('orders').columns(['number', 'created_at']).execute();
      // Plans that existed before: 30 % of the remaining monthly fees, the most common carrier rule.
      await db.schema.alterTable('plans').addColumn('penalty_kind', 'text', (c) => c.notNull().defaultTo('remaining_share')).execute();
      await db.schema.alterTable('plans').addColumn('penalty_value', 'integer', (c) => c.notNull().defaultTo(30)).execute();

      await db.schema.createTable('callback_nonces')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('received_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('callback_nonces_key').on('callback_nonces').columns(['source', 'nonce']).unique().execute();

      await db.schema.createTable('callback_events')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('occurred_at', bigint, (c) => c.notNull())
        .addColumn('received_at', bigint, (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('callback_events_key').on('callback_events').columns(['source', 'event_id']).unique().execute();
      await db.schema.createIndex('callback_events_order').on('callback_events').columns(['order_id', 'occurred_at']).execute();

      await db.schema.createTable('returns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('return_tracking_no', 'text')
        .addColumn('checklist', 'text')
        .addColumn('notes', 'text')
        .addColumn('rejection_reason', 'text')
        .addColumn('inspected_by', 'text')
        .addColumn('inspected_at', bigint)
        .addColumn('refund_earliest', 'text')
        .addColumn('refund_latest', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('returns_order').on('returns').columns(['order_id', 'created_at']).execute();
      await db.schema.createIndex('returns_state').on('returns').columns(['state', 'updated_at']).execute();

      await db.schema.createTable('return_photos')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('return_id', 'text', (c) => c.notNull().references('returns.id'))
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('data', bytes, (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('return_photos_return').on('return_photos').column('return_id').execute();

      await db.schema.createTable('account_closures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('penalty_fen', 'integer', (c) => c.notNull())
        .addColumn('months_left', 'integer', (c) => c.notNull())
        .addColumn('requested_at', bigint, (c) => c.notNull())
        .addColumn('completed_at', bigint)
        .addColumn('completed_by', 'text')
        .execute();
      // One closure per line.
      await db.schema.createIndex('account_closures_order').on('account_closures').column('order_id').unique().execute();

      await db.schema.createTable('carrier_tasks')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('closed_at', bigint)
        .execute();
      await db.schema.createIndex('carrier_tasks_state').on('carrier_tasks').columns(['state', 'created_at']).execute();
    },
  };
}
