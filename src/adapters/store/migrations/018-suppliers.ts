import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../db.ts';

const bigint = 'bigint' as const;

/**
 * Upstream suppliers. `supplier_plans` ties our plans to a supplier's products (who sells it, the disclosure
 * shown before ordering, whether the operator published it, when the supplier withdrew it). `supplier_reservations`
 * are the number holds taken at a supplier, released when their order closes or nobody used them in time.
 * `supplier_orders` is an order's life at its supplier: the real-name details sealed until submitted, the
 * supplier's order id and state, waybill, ICCID, produced number, activation and first top-up. `supplier_callbacks`
 * keeps each callback's event id once, so a resent callback is recognised and changes nothing.
 */
export function suppliers(_engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('supplier_plans')
        .addColumn('plan_id', 'text', (c) => c.primaryKey())
        .addColumn('supplier_id', 'text', (c) => c.notNull())
        .addColumn('supplier_plan_id', 'text', (c) => c.notNull())
        .addColumn('terms', 'text', (c) => c.notNull())
        .addColumn('disclosure', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('synced_at', bigint, (c) => c.notNull())
        .addColumn('withdrawn_at', bigint)
        .execute();
      await db.schema.createIndex('supplier_plans_source').on('supplier_plans').columns(['supplier_id', 'supplier_plan_id']).unique().execute();
      await db.schema.createTable('supplier_reservations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('supplier_id', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('reservation_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', bigint, (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('released_at', bigint)
        .execute();
      await db.schema.createIndex('supplier_reservations_state').on('supplier_reservations').columns(['state', 'expires_at']).execute();
      await db.schema.createIndex('supplier_reservations_order').on('supplier_reservations').column('order_id').execute();
      await db.schema.createTable('supplier_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('supplier_id', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('supplier_plan_id', 'text', (c) => c.notNull())
        .addColumn('reservation', 'text')
        .addColumn('real_name_enc', 'text')
        .addColumn('disclosure', 'text', (c) => c.notNull())
        .addColumn('submission', 'text', (c) => c.notNull())
        .addColumn('submit_error', 'text')
        .addColumn('supplier_order_id', 'text')
        .addColumn('state', 'text')
        .addColumn('waybill', 'text')
        .addColumn('iccid', 'text')
        .addColumn('produced_number', 'text')
        .addColumn('activated_at', bigint)
        .addColumn('first_top_up_fen', bigint)
        .addColumn('first_top_up_at', bigint)
        .addColumn('reason', 'text')
        .addColumn('polled_at', bigint)
        .addColumn('after_sale', 'text')
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('supplier_orders_submission').on('supplier_orders').columns(['submission', 'updated_at']).execute();
      await db.schema.createTable('supplier_callbacks')
        .addColumn('supplier_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('received_at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('supplier_callbacks_pk', ['supplier_id', 'event_id'])
        .execute();
    },
  };
}
