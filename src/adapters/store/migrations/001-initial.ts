import { sql, type Kysely, type Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

export function initial(engine: Engine): Migration {
  const serial = serialKeyType(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('monthly_fee_fen', 'integer', (c) => c.notNull())
        .addColumn('data_mb', 'integer', (c) => c.notNull())
        .addColumn('voice_minutes', 'integer', (c) => c.notNull())
        .addColumn('contract_months', 'integer', (c) => c.notNull())
        .addColumn('activation_window_days', 'integer', (c) => c.notNull())
        .addColumn('trial_days', 'integer', (c) => c.notNull())
        .addColumn('price_fen', 'integer', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('agents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('numbers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('vanity_level', 'integer', (c) => c.notNull())
        .addColumn('price_fen', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('numbers_carrier_state').on('numbers').columns(['carrier', 'state', 'number']).execute();
      await db.schema.createIndex('numbers_order').on('numbers').column('order_id').execute();
      await db.schema.createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
        .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
        .addColumn('number_id', 'text', (c) => c.notNull().references('numbers.id'))
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('amount_fen', 'integer', (c) => c.notNull())
        .addColumn('contact_name', 'text', (c) => c.notNull())
        .addColumn('contact_phone', 'text', (c) => c.notNull())
        .addColumn('id_hash', 'text', (c) => c.notNull())
        .addColumn('id_masked', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('payment_deadline', bigint, (c) => c.notNull())
        .addColumn('payment_channel', 'text')
        .addColumn('close_reason', 'text')
        .addColumn('keeps_reorder_discount', 'integer')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('paid_at', bigint)
        .addColumn('closed_at', bigint)
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('orders_customer').on('orders').columns(['customer_id', 'created_at']).execute();
      await db.schema.createIndex('orders_real_name').on('orders').columns(['id_hash', 'carrier', 'state']).execute();
      await db.schema.createIndex('orders_state').on('orders').columns(['state', 'updated_at']).execute();
      await db.schema.createTable('order_events')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('automatic', 'integer', (c) => c.notNull())
        .addColumn('at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('order_events_order').on('order_events').columns(['order_id', 'id']).execute();
      await db.schema.createTable('timers')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('due_at', bigint, (c) => c.notNull())
        .addColumn('claimed_until', bigint)
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('timers_due').on('timers').columns(['due_at']).execute();
      await db.schema.createIndex('timers_order').on('timers').columns(['order_id', 'kind']).unique().execute();
      await db.schema.createTable('outbox')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('order_id', 'text')
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', bigint, (c) => c.notNull())
        .addColumn('claimed_until', bigint)
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('delivered_at', bigint)
        .addColumn('last_error', 'text')
        .execute();
      // Only undelivered rows are ever scanned; the partial index stays small however long the history.
      await db.schema.createIndex('outbox_pending').on('outbox').column('next_attempt_at').where(sql.ref('delivered_at'), 'is', null).execute();
      await db.schema.createTable('payments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('amount_fen', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('channel_trade_no', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('succeeded_at', bigint)
        .execute();
      await db.schema.createIndex('payments_order').on('payments').column('order_id').execute();
      await db.schema.createTable('payment_notifications')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('received_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('payment_notifications_nonce').on('payment_notifications').columns(['channel', 'nonce']).unique().execute();
      await db.schema.createTable('refunds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('amount_fen', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('succeeded_at', bigint)
        .execute();
      await db.schema.createIndex('refunds_order').on('refunds').column('order_id').execute();
      await db.schema.createTable('notifications')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('read_at', bigint)
        .addColumn('dedupe_key', 'text', (c) => c.unique())
        .execute();
      await db.schema.createIndex('notifications_customer').on('notifications').columns(['customer_id', 'id']).execute();
      await db.schema.createTable('otp_codes')
        .addColumn('phone', 'text', (c) => c.primaryKey())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('expires_at', bigint, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('idempotency_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('body_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
        .execute();
    },
  };
}

