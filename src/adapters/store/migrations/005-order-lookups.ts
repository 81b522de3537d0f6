import type { Kysely, Migration } from 'kysely';

/**
 * The express-refund check counts a customer's own recent cancellations inside the cancellation's write
 * transaction. Without this index SQLite answers it from orders_state, reading every cancelled order on
 * the platform (milliseconds at 25,000 of them, growing with the store) while other writers wait.
 */
export function orderLookups(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('orders_customer_state').on('orders').columns(['customer_id', 'state', 'closed_at']).execute();
    },
  };
}
