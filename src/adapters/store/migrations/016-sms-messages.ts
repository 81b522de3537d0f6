import type { Kysely, Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

/**
 * Text messages sent through the SMS providers: one row per message (unique by our notice key), with the provider
 * that took it and its id there, the delivery state (sent, delivered, failed with the provider's code), and when
 * the worker next asks the provider about it (a timer as a row). The phone is kept as the store keeps phones:
 * hashed to find it, sealed to ask the provider, masked to show.
 */
export function smsMessages(engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('sms_messages')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('phone_hash', 'text', (c) => c.notNull())
        .addColumn('phone_enc', 'text', (c) => c.notNull())
        .addColumn('phone_masked', 'text', (c) => c.notNull())
        .addColumn('provider', 'text')
        .addColumn('biz_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('code', 'text')
        .addColumn('attempts', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('check_at', bigint)
        .addColumn('checks', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('sms_messages_due').on('sms_messages').columns(['check_at']).execute();
      await db.schema.createIndex('sms_messages_biz').on('sms_messages').columns(['provider', 'biz_id']).execute();
      await db.schema.createIndex('sms_messages_phone').on('sms_messages').columns(['phone_hash', 'created_at']).execute();
      await db.schema.createIndex('sms_messages_order').on('sms_messages').columns(['order_id']).execute();
    },
  };
}
