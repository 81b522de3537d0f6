import { sql, type Kysely, type Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

/** The reasons customers pick from when they apply; operators edit the list, these are the first ones. */
export const DEFAULT_CANCELLATION_REASONS: { code: string; label: string; alternative: string | null }[] = [
  { code: 'wrong_plan', label: '选错套餐', alternative: '选错套餐可以联系客服在发货前更换套餐，无需取消订单。' },
  { code: 'wrong_address', label: '收货地址填错', alternative: '地址填错可以联系客服在发货前修改收货地址，无需取消订单。' },
  { code: 'price', label: '价格原因', alternative: null },
  { code: 'found_cheaper', label: '找到更便宜的', alternative: null },
  { code: 'changed_mind', label: '不想要了', alternative: null },
  { code: 'duplicate_order', label: '重复下单', alternative: null },
  { code: 'delivery_too_slow', label: '发货太慢', alternative: null },
  { code: 'number_not_liked', label: '号码不满意', alternative: null },
  { code: 'other', label: '其他原因', alternative: null },
];

/**
 * Cancellation requests for paid and packing orders, the reasons list, identity-check screenshots,
 * risk flags (express refund), and the agent group that serves the priority channel.
 */
export function cancellationRequests(engine: Engine): Migration {
  const serial = serialKeyType(engine);
  const bytes = engine === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('cancellation_reasons')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('alternative', 'text')
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('sort_order', 'integer', (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      await db.insertInto('cancellation_reasons')
        .values(DEFAULT_CANCELLATION_REASONS.map((r, i) => ({ ...r, active: 1, sort_order: (i + 1) * 10, updated_at: 0, updated_by: 'system' })))
        .execute();

      await db.schema.createTable('cancellation_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('order_state_at_request', 'text', (c) => c.notNull())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('express', 'integer', (c) => c.notNull())
        .addColumn('reason_code', 'text', (c) => c.notNull())
        .addColumn('reason_text', 'text')
        .addColumn('urgent', 'integer', (c) => c.notNull())
        .addColumn('due_at', bigint, (c) => c.notNull())
        .addColumn('escalation_level', 'integer', (c) => c.notNull())
        .addColumn('escalated_at', bigint)
        .addColumn('assignee_id', 'text')
        .addColumn('claimed_at', bigint)
        .addColumn('identity_verified_at', bigint)
        .addColumn('identity_method', 'text')
        .addColumn('identity_failures', 'integer', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', bigint)
        .addColumn('rejection_reason', 'text')
        .addColumn('decision_note', 'text')
        .addColumn('interception', 'text')
        .addColumn('number_released_at', bigint)
        .addColumn('completed_at', bigint)
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cancellation_requests_order').on('cancellation_requests').columns(['order_id', 'created_at']).execute();
      await db.schema.createIndex('cancellation_requests_queue').on('cancellation_requests').columns(['state', 'queue', 'due_at']).execute();
      await db.schema.createIndex('cancellation_requests_customer').on('cancellation_requests').columns(['customer_id', 'created_at']).execute();
      // One live request per order, whatever two browser tabs or two replicas do at the same moment.
      await sql`create unique index cancellation_requests_one_open on cancellation_requests (order_id) where state in ('requested', 'approved')`.execute(db);

      await db.schema.createTable('request_attachments')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().references('cancellation_requests.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('data', bytes, (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('request_attachments_request').on('request_attachments').columns(['request_id', 'id']).execute();

      await db.schema.createTable('risk_flags')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('customer_id', 'text')
        .addColumn('order_id', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('cleared_at', bigint)
        .execute();
      await db.schema.createIndex('risk_flags_customer').on('risk_flags').column('customer_id').execute();
      await db.schema.createIndex('risk_flags_order').on('risk_flags').column('order_id').execute();

      // The priority channel is served by a named group of agents; everyone else is in the standard group.
      await db.schema.alterTable('agents').addColumn('agent_group', 'text', (c) => c.notNull().defaultTo('standard')).execute();
    },
  };
}
