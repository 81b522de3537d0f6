import type { Kysely, Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;
const real = 'double precision' as const;

/**
 * The assistant's memory: operators' FAQ edits over the shipped text, conversations and their messages,
 * support tickets for agents, what each free-text cancellation reason was classified as, and each
 * alternative offered before a cancel with the customer's answer.
 */
export function assistant(engine: Engine): Migration {
  const serial = serialKeyType(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('faq_overrides')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('question_zh', 'text')
        .addColumn('question_en', 'text')
        .addColumn('answer_zh', 'text')
        .addColumn('answer_en', 'text')
        .addColumn('hidden', 'integer', (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('assistant_conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('lang', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('assistant_conversations_order').on('assistant_conversations').columns(['order_id', 'created_at']).execute();

      await db.schema.createTable('assistant_messages')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('assistant_conversations.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('intent', 'text')
        .addColumn('confidence', real)
        .addColumn('at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('assistant_messages_conversation').on('assistant_messages').columns(['conversation_id', 'id']).execute();

      await db.schema.createTable('support_tickets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('intent', 'text')
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('assignee_id', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('closed_at', bigint)
        .execute();
      await db.schema.createIndex('support_tickets_queue').on('support_tickets').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('support_tickets_conversation').on('support_tickets').columns(['conversation_id', 'status']).execute();
      await db.schema.createIndex('support_tickets_order').on('support_tickets').column('order_id').execute();

      await db.schema.createTable('reason_classifications')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('confidence', real, (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('reason_classifications_order').on('reason_classifications').column('order_id').execute();
      await db.schema.createIndex('reason_classifications_code').on('reason_classifications').columns(['created_at', 'code']).execute();

      await db.schema.createTable('alternative_offers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('offered_at', bigint, (c) => c.notNull())
        .addColumn('answered_at', bigint)
        .addColumn('answered_by', 'text')
        .execute();
      await db.schema.createIndex('alternative_offers_order').on('alternative_offers').columns(['order_id', 'status']).execute();
    },
  };
}
