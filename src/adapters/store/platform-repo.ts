// Settings, the customer's notification inbox and idempotency records.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, IdempotencyKeysTable, NotificationsTable } from './schema.ts';
import { chunks } from './order-repo.ts';
import { insertRows, statement } from './compiled.ts';

const idempotencyRecord = statement<{ scope: string; key: string }, IdempotencyRow>((db, p) =>
  db.selectFrom('idempotency_keys').selectAll().where('scope', '=', p('scope')).where('key', '=', p('key')));
const completeIdempotency = statement<{ scope: string; key: string; statusCode: number; response: string }, never>((db, p) =>
  db.updateTable('idempotency_keys').set({ status_code: p('statusCode'), response: p('response') }).where('scope', '=', p('scope')).where('key', '=', p('key')));

type Executor = Kysely<DB> | Transaction<DB>;
export type IdempotencyRow = Selectable<IdempotencyKeysTable>;
export type NotificationRow = Selectable<NotificationsTable>;

export class PlatformRepo {
  constructor(private readonly db: Executor) {}

  async getSettings(): Promise<Record<string, unknown>> {
    const rows = await this.db.selectFrom('settings').selectAll().execute();
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]));
  }

  async putSetting(key: string, value: unknown, by: string, now: number): Promise<void> {
    const v = JSON.stringify(value);
    await this.db.insertInto('settings').values({ key, value: v, updated_at: now, updated_by: by })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: v, updated_at: now, updated_by: by })).execute();
  }

  /** Writes the setting unless one is there already; returns the value kept (several processes may start at once). */
  async putSettingIfAbsent(key: string, value: unknown, by: string, now: number): Promise<unknown> {
    await this.db.insertInto('settings').values({ key, value: JSON.stringify(value), updated_at: now, updated_by: by })
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
    return JSON.parse(row.value) as unknown;
  }

  async insertNotifications(rows: Insertable<NotificationsTable>[]): Promise<void> {
    // The dedupe key makes a re-delivered outbox row (worker died after sending) land once.
    for (const c of chunks(rows)) await insertRows(this.db, 'notifications', c, { ignoreConflictOn: ['dedupe_key'] });
  }

  async listNotifications(customerId: string, limit: number, orderId?: string): Promise<NotificationRow[]> {
    let q = this.db.selectFrom('notifications').selectAll().where('customer_id', '=', customerId);
    if (orderId) q = q.where('order_id', '=', orderId);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Marks the customer's own unread messages among `ids` read; returns how many changed (others' ids change nothing). */
  async markNotificationsRead(customerId: string, ids: number[], now: number): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db.updateTable('notifications').set({ read_at: now })
      .where('customer_id', '=', customerId).where('id', 'in', ids).where('read_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  // ---- rate limits
  /**
   * Counts one hit of `key` in its fixed window, in one atomic upsert (the row is locked for the statement
   * on PostgreSQL; SQLite has one writer): a window that has run out starts again at `now`.
   */
  async hitRateLimit(key: string, now: number, windowMs: number): Promise<{ windowStart: number; hits: number }> {
    const expired = sql<boolean>`rate_limits.window_start <= ${now - windowMs}`;
    const row = await this.db.insertInto('rate_limits').values({ key, window_start: now, hits: 1 })
      .onConflict((oc) => oc.column('key').doUpdateSet({
        window_start: sql`case when ${expired} then ${now} else rate_limits.window_start end`,
        hits: sql`case when ${expired} then 1 else rate_limits.hits + 1 end`,
      }))
      .returning(['window_start', 'hits']).executeTakeFirstOrThrow();
    return { windowStart: row.window_start, hits: row.hits };
  }

  /** One hit fewer in the window that started at `windowStart`; nothing when that window has been replaced. */
  async giveBackRateLimit(key: string, windowStart: number): Promise<void> {
    await this.db.updateTable('rate_limits').set({ hits: sql`hits - 1` }).where('key', '=', key).where('window_start', '=', windowStart).where('hits', '>', 0).execute();
  }

  /** Counters read by a caller that decides in code (sign-in throttling), under its own lock (Repos.lockKey). */
  async getRateLimits(keys: string[]): Promise<Map<string, { windowStart: number; hits: number }>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.selectFrom('rate_limits').selectAll().where('key', 'in', keys).execute();
    return new Map(rows.map((r) => [r.key, { windowStart: r.window_start, hits: r.hits }]));
  }

  async putRateLimit(key: string, windowStart: number, hits: number): Promise<void> {
    await this.db.insertInto('rate_limits').values({ key, window_start: windowStart, hits })
      .onConflict((oc) => oc.column('key').doUpdateSet({ window_start: windowStart, hits })).execute();
  }

  async dropRateLimit(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }

  async purgeRateLimits(before: number): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('window_start', '<', before).execute();
  }

  // ---- idempotency
  /** Takes a key with this record (reserved, or finished with its answer); false if it is already there (finished or in flight). */
  async reserveIdempotencyKey(row: Insertable<IdempotencyKeysTable>): Promise<boolean> {
    return (await insertRows(this.db, 'idempotency_keys', [row], { ignoreConflictOn: ['scope', 'key'] })) === 1;
  }

  /** Writes a finished record (its transaction has checked that the key is free). */
  async putIdempotencyKey(row: Insertable<IdempotencyKeysTable>): Promise<void> {
    await insertRows(this.db, 'idempotency_keys', [row]);
  }

  async getIdempotencyKey(scope: string, key: string): Promise<IdempotencyRow | undefined> {
    return idempotencyRecord.first(this.db, { scope, key });
  }

  async completeIdempotencyKey(scope: string, key: string, statusCode: number, response: string): Promise<void> {
    await completeIdempotency.run(this.db, { scope, key, statusCode, response });
  }

  /** Drops a key; with `createdAt`, only that record (an expired or stale one), not a newer one put there meanwhile. */
  async dropIdempotencyKey(scope: string, key: string, createdAt?: number): Promise<void> {
    let q = this.db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key);
    if (createdAt !== undefined) q = q.where('created_at', '=', createdAt);
    await q.execute();
  }

  /**
   * Deletes the keys created before `before`, oldest first, `batch` at a time (each delete its own statement, so
   * requests take turns with it on the embedded store's one writer). Returns how many went.
   */
  async purgeIdempotencyKeys(before: number, batch = 2000): Promise<number> {
    let purged = 0;
    for (;;) {
      // The batch ends at the `batch`-th oldest key's time (keys made in the same millisecond go together).
      const last = await this.db.selectFrom('idempotency_keys').select('created_at').where('created_at', '<', before)
        .orderBy('created_at').offset(batch - 1).limit(1).executeTakeFirst();
      const r = await this.db.deleteFrom('idempotency_keys').where('created_at', '<', last ? last.created_at + 1 : before).executeTakeFirst();
      purged += Number(r.numDeletedRows);
      if (!last || last.created_at + 1 >= before) return purged;
    }
  }
}
