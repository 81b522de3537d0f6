// Settings, the customer's notification inbox and idempotency records.
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB, IdempotencyKeysTable, NotificationsTable } from './schema.ts';
import { chunks } from './order-repo.ts';

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

  async insertNotifications(rows: Insertable<NotificationsTable>[]): Promise<void> {
    // The dedupe key makes a re-delivered outbox row (worker died after sending) land once.
    for (const c of chunks(rows)) await this.db.insertInto('notifications').values(c).onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
  }

  async listNotifications(customerId: string, limit: number, orderId?: string): Promise<NotificationRow[]> {
    let q = this.db.selectFrom('notifications').selectAll().where('customer_id', '=', customerId);
    if (orderId) q = q.where('order_id', '=', orderId);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  async markNotificationRead(customerId: string, id: number, now: number): Promise<boolean> {
    const r = await this.db.updateTable('notifications').set({ read_at: now }).where('id', '=', id).where('customer_id', '=', customerId).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---- idempotency
  /** Reserves a key; false if it is already there (finished or in flight). */
  async reserveIdempotencyKey(row: Insertable<IdempotencyKeysTable>): Promise<boolean> {
    const r = await this.db.insertInto('idempotency_keys').values(row).onConflict((oc) => oc.columns(['scope', 'key']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async getIdempotencyKey(scope: string, key: string): Promise<IdempotencyRow | undefined> {
    return this.db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
  }

  async completeIdempotencyKey(scope: string, key: string, statusCode: number, response: string): Promise<void> {
    await this.db.updateTable('idempotency_keys').set({ status_code: statusCode, response }).where('scope', '=', scope).where('key', '=', key).execute();
  }

  async dropIdempotencyKey(scope: string, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
  }

  async purgeIdempotencyKeys(before: number): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
  }
}
