import type { Kysely, Migration } from 'kysely';

/**
 * Phone numbers stop being stored in the clear (issue 7, migration 007): a keyed hash to match, an AES-GCM sealed copy to
 * text and show the owner. SQL cannot encrypt without the key, so rows are sealed by the application when
 * written; rows from before keep the number in the old column until they are next written, and readers
 * handle both. For new rows customers.phone holds the keyed hash (it stays the unique key) and
 * orders.contact_phone the masked form (after 006, which adds fulfilment columns).
 * Outbox rows also carry the id of the request that wrote them, so a delivery can be traced back to it.
 */
export function protectedPhones(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('customers').addColumn('phone_enc', 'text').execute();
      await db.schema.alterTable('customers').addColumn('phone_masked', 'text').execute();
      await db.schema.alterTable('orders').addColumn('contact_phone_hash', 'text').execute();
      await db.schema.alterTable('orders').addColumn('contact_phone_enc', 'text').execute();
      await db.schema.createIndex('orders_contact_phone_hash').on('orders').column('contact_phone_hash').execute();
      await db.schema.alterTable('outbox').addColumn('request_id', 'text').execute();
    },
  };
}
