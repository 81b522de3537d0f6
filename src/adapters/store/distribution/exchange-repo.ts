// The distributors' exchanges with the platform: withdrawals, open-API nonces and order push-backs (订单回传).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import type { DistributionDB, DistributorPushesTable, WithdrawalsTable } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type WithdrawalRow = Selectable<WithdrawalsTable>;
export type PushRow = Selectable<DistributorPushesTable>;

export class ExchangeRepo {
  private readonly db: Kysely<DistributionDB>;
  constructor(db: Executor) {
    this.db = db as unknown as Kysely<DistributionDB>;
  }

  // ---- withdrawals
  async insertWithdrawal(row: WithdrawalRow): Promise<void> {
    await this.db.insertInto('withdrawals').values(row).execute();
  }

  getWithdrawal(id: string): Promise<WithdrawalRow | undefined> {
    return this.db.selectFrom('withdrawals').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listWithdrawals(filter: { distributorId?: string; state?: string }): Promise<WithdrawalRow[]> {
    let q = this.db.selectFrom('withdrawals').selectAll();
    if (filter.distributorId) q = q.where('distributor_id', '=', filter.distributorId);
    if (filter.state) q = q.where('state', '=', filter.state);
    return q.orderBy('requested_at', 'desc').execute();
  }

  /** Moves a withdrawal out of `requested` once; false when it was no longer waiting. */
  async decideWithdrawal(id: string, set: { state: string; decided_by: string; decided_at: number; payout_ref: string | null; note: string | null }): Promise<boolean> {
    const r = await this.db.updateTable('withdrawals').set(set).where('id', '=', id).where('state', '=', 'requested').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  // ---- open-API nonces
  /** False when the key already used this nonce: a replay. */
  async useNonce(appKey: string, nonce: string, at: number): Promise<boolean> {
    const r = await this.db.insertInto('open_api_nonces').values({ app_key: appKey, nonce, at }).onConflict((oc) => oc.columns(['app_key', 'nonce']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Nonces older than the freshness window can be forgotten: a request that old is refused for its timestamp. */
  async forgetNonces(before: number): Promise<void> {
    await this.db.deleteFrom('open_api_nonces').where('at', '<', before).execute();
  }

  // ---- push-backs
  async insertPush(row: Omit<PushRow, 'id'>): Promise<number> {
    const r = await this.db.insertInto('distributor_pushes').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  }

  getPush(id: number): Promise<PushRow | undefined> {
    return this.db.selectFrom('distributor_pushes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async updatePush(id: number, set: Partial<Pick<PushRow, 'state' | 'attempts' | 'last_error' | 'delivered_at'>>): Promise<void> {
    await this.db.updateTable('distributor_pushes').set(set).where('id', '=', id).execute();
  }

  listPushes(filter: { state?: string; distributorId?: string; orderId?: string }): Promise<PushRow[]> {
    let q = this.db.selectFrom('distributor_pushes').selectAll();
    if (filter.state) q = q.where('state', '=', filter.state);
    if (filter.distributorId) q = q.where('distributor_id', '=', filter.distributorId);
    if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
    return q.orderBy('id').execute();
  }
}
