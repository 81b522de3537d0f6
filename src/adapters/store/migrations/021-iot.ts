import type { Kysely, Migration } from 'kysely';
import { serialKeyType, type Engine } from '../db.ts';

const bigint = 'bigint' as const;

/**
 * IoT cards for businesses: accounts and their staff, data-only plans, stock ranges of ICCIDs and numbers, batch
 * orders and their one payment, the cards (each with its share of the payment and its terms as sold) and their
 * audit trail, traffic pools, daily usage and alerts, and jobs (activation, cancellation) with one row per card
 * whose outcome is written in the same transaction as the card's change: a card is handled exactly once, and a
 * job stopped at any point resumes with the cards not yet handled. One refund per card at most (unique).
 */
export function iot(engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('iot_businesses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('credit_code', 'text', (c) => c.notNull().unique())
        .addColumn('contact_name', 'text', (c) => c.notNull())
        .addColumn('contact_phone', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('iot_staff')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('iot_businesses.id'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('iot_plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('quota_mb', bigint, (c) => c.notNull())
        .addColumn('monthly_fee_fen', bigint, (c) => c.notNull())
        .addColumn('contract_months', 'integer', (c) => c.notNull())
        .addColumn('card_fee_fen', bigint, (c) => c.notNull())
        .addColumn('penalty_kind', 'text', (c) => c.notNull())
        .addColumn('penalty_value', bigint, (c) => c.notNull())
        .addColumn('activation_window_days', 'integer', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('iot_stock')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('first_body', 'text', (c) => c.notNull())
        .addColumn('first_number', 'text', (c) => c.notNull())
        .addColumn('size', bigint, (c) => c.notNull())
        .addColumn('next_offset', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('iot_batches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('iot_businesses.id'))
        .addColumn('plan_id', 'text', (c) => c.notNull().references('iot_plans.id'))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('gross_fen', bigint, (c) => c.notNull())
        .addColumn('discount_percent', 'integer', (c) => c.notNull())
        .addColumn('amount_fen', bigint, (c) => c.notNull())
        .addColumn('payment_method', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('payment_deadline', bigint, (c) => c.notNull())
        .addColumn('paid_at', bigint)
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('iot_batches_business').on('iot_batches').columns(['business_id', 'created_at']).execute();
      await db.schema.createTable('iot_payments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('batch_id', 'text', (c) => c.notNull().references('iot_batches.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('amount_fen', bigint, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('trade_no', 'text')
        .addColumn('confirmed_by', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('succeeded_at', bigint)
        .execute();
      await db.schema.createIndex('iot_payments_batch').on('iot_payments').column('batch_id').execute();
      await db.schema.createTable('iot_payment_notices')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('received_at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('iot_payment_notices_pk', ['channel', 'nonce'])
        .execute();
      await db.schema.createTable('iot_cards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('batch_id', 'text', (c) => c.notNull().references('iot_batches.id'))
        .addColumn('business_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('iccid', 'text', (c) => c.notNull().unique())
        .addColumn('msisdn', 'text', (c) => c.notNull().unique())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('share_fen', bigint, (c) => c.notNull())
        .addColumn('quota_mb', bigint, (c) => c.notNull())
        .addColumn('monthly_fee_fen', bigint, (c) => c.notNull())
        .addColumn('contract_months', 'integer', (c) => c.notNull())
        .addColumn('penalty_kind', 'text', (c) => c.notNull())
        .addColumn('penalty_value', bigint, (c) => c.notNull())
        .addColumn('activation_window_days', 'integer', (c) => c.notNull())
        .addColumn('payment_deadline', bigint, (c) => c.notNull())
        .addColumn('tracking_no', 'text')
        .addColumn('delivered_at', bigint)
        .addColumn('activated_at', bigint)
        .addColumn('closed_at', bigint)
        .addColumn('close_reason', 'text')
        .addColumn('penalty_fen', bigint)
        .addColumn('pending_return', 'text')
        .addColumn('pool_id', 'text')
        .addColumn('data_stopped', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('iot_cards_batch').on('iot_cards').columns(['batch_id', 'seq']).unique().execute();
      await db.schema.createIndex('iot_cards_business').on('iot_cards').columns(['business_id', 'state']).execute();
      await db.schema.createIndex('iot_cards_tracking').on('iot_cards').column('tracking_no').execute();
      await db.schema.createIndex('iot_cards_pool').on('iot_cards').column('pool_id').execute();
      await db.schema.createTable('iot_card_events')
        .addColumn('id', serialKeyType(engine), (c) => c.primaryKey())
        .addColumn('card_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('job_id', 'text')
        .addColumn('at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('iot_card_events_card').on('iot_card_events').columns(['card_id', 'id']).execute();
      await db.schema.createTable('iot_pools')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('iot_businesses.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('over_quota', 'text', (c) => c.notNull())
        .addColumn('overage_fee_per_gb_fen', bigint, (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createTable('iot_usage')
        .addColumn('card_id', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('used_mb', bigint, (c) => c.notNull())
        .addColumn('pool_id', 'text')
        .addColumn('reported_at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('iot_usage_pk', ['card_id', 'day'])
        .execute();
      await db.schema.createIndex('iot_usage_pool').on('iot_usage').columns(['pool_id', 'day']).execute();
      await db.schema.createTable('iot_pool_alerts')
        .addColumn('pool_id', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('used_mb', bigint, (c) => c.notNull())
        .addColumn('quota_mb', bigint, (c) => c.notNull())
        .addColumn('at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('iot_pool_alerts_pk', ['pool_id', 'month', 'level'])
        .execute();
      await db.schema.createTable('iot_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull())
        .addColumn('batch_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('finished_at', bigint)
        .execute();
      await db.schema.createIndex('iot_jobs_business').on('iot_jobs').columns(['business_id', 'created_at']).execute();
      await db.schema.createTable('iot_job_items')
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('card_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('refund_fen', bigint, (c) => c.notNull())
        .addColumn('penalty_fen', bigint, (c) => c.notNull())
        .addColumn('outcome', 'text')
        .addColumn('detail', 'text')
        .addColumn('handled_at', bigint)
        .addPrimaryKeyConstraint('iot_job_items_pk', ['job_id', 'card_id'])
        .execute();
      await db.schema.createIndex('iot_job_items_seq').on('iot_job_items').columns(['job_id', 'seq']).unique().execute();
      await db.schema.createIndex('iot_job_items_card').on('iot_job_items').columns(['card_id', 'outcome']).execute();
      await db.schema.createTable('iot_cancellations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('cards', 'integer', (c) => c.notNull())
        .addColumn('refund_fen', bigint, (c) => c.notNull())
        .addColumn('penalty_fen', bigint, (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('reviewed_by', 'text')
        .addColumn('reviewed_at', bigint)
        .addColumn('review_note', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('iot_cancellations_state').on('iot_cancellations').columns(['state', 'created_at']).execute();
      await db.schema.createTable('iot_refunds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('card_id', 'text', (c) => c.notNull().unique())
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addColumn('cancellation_id', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('amount_fen', bigint, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('channel_refund_no', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('iot_refunds_cancellation').on('iot_refunds').column('cancellation_id').execute();
    },
  };
}
