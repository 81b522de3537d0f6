import type { Kysely, Migration } from 'kysely';

/**
 * Rate-limit windows kept in the store (issue 7, migration 009): with two or more `haoka serve` processes a
 * limit kept in each process's memory lets a caller through once per process. One row per limit and key
 * (`codes-per-phone:<phone hash>` …): the window's start and the hits counted in it.
 */
export function rateLimits(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rate_limits_window').on('rate_limits').column('window_start').execute();
    },
  };
}
