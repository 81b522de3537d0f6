import type { Kysely, Migration } from 'kysely';

/**
 * Keys run out after a day and the worker deletes them every ten minutes. Without an index on their time that
 * delete reads the whole table, answers included: a day of keys on a busy platform is gigabytes, read while the
 * embedded store's one writer waits. Keys are written in time order, so the index only ever grows at its end.
 */
export function idempotencyExpiry(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
    },
  };
}
