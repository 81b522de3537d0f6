// Businesses and their staff, IoT plans, the stock of ICCID and number ranges, and traffic pools.
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { IotDB, IotBusinessesTable, IotPlansTable, IotPoolsTable, IotStaffTable, IotStockTable } from './schema.ts';
import type { IotPlan } from '../../../domain/iot/card.ts';
import type { Carrier, PenaltyRule } from '../../../domain/order.ts';
import type { PoolMember } from '../../../domain/iot/pool.ts';

export type IotExecutor = Kysely<IotDB> | Transaction<IotDB>;
export type BusinessRow = Selectable<IotBusinessesTable>;
export type StaffRow = Selectable<IotStaffTable>;
export type PoolRow = Selectable<IotPoolsTable>;

export const penaltyOf = (kind: string, value: number): PenaltyRule => (kind === 'fixed' ? { kind: 'fixed', fen: value } : { kind: 'remaining_share', percent: value });

export function toPlan(r: Selectable<IotPlansTable>): IotPlan {
  return {
    id: r.id, carrier: r.carrier as Carrier, name: r.name, quotaMb: r.quota_mb, monthlyFeeFen: r.monthly_fee_fen, contractMonths: r.contract_months,
    cardFeeFen: r.card_fee_fen, penaltyRule: penaltyOf(r.penalty_kind, r.penalty_value), activationWindowDays: r.activation_window_days, active: r.active === 1,
  };
}

export class IotAccountsRepo {
  constructor(private readonly db: IotExecutor, private readonly forUpdate: boolean) {}

  async getBusinessByCode(code: string): Promise<BusinessRow | undefined> {
    return this.db.selectFrom('iot_businesses').selectAll().where('credit_code', '=', code).executeTakeFirst();
  }

  async getBusiness(id: string): Promise<BusinessRow | undefined> {
    return this.db.selectFrom('iot_businesses').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertBusiness(row: Insertable<IotBusinessesTable>): Promise<void> {
    await this.db.insertInto('iot_businesses').values(row).execute();
  }

  async insertStaff(row: Insertable<IotStaffTable>): Promise<void> {
    await this.db.insertInto('iot_staff').values(row).execute();
  }

  async getStaffByUsername(username: string): Promise<StaffRow | undefined> {
    return this.db.selectFrom('iot_staff').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async getStaff(id: string): Promise<StaffRow | undefined> {
    return this.db.selectFrom('iot_staff').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listStaff(businessId: string): Promise<StaffRow[]> {
    return this.db.selectFrom('iot_staff').selectAll().where('business_id', '=', businessId).orderBy('created_at').execute();
  }

  // ---- plans and stock
  async upsertPlans(plans: IotPlan[], now: number): Promise<void> {
    for (const p of plans) {
      await this.db.insertInto('iot_plans').values({
        id: p.id, carrier: p.carrier, name: p.name, quota_mb: p.quotaMb, monthly_fee_fen: p.monthlyFeeFen, contract_months: p.contractMonths,
        card_fee_fen: p.cardFeeFen, penalty_kind: p.penaltyRule.kind, penalty_value: p.penaltyRule.kind === 'fixed' ? p.penaltyRule.fen : p.penaltyRule.percent,
        activation_window_days: p.activationWindowDays, active: p.active ? 1 : 0, created_at: now,
      }).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
  }

  async listPlans(): Promise<IotPlan[]> {
    return (await this.db.selectFrom('iot_plans').selectAll().where('active', '=', 1).orderBy('id').execute()).map(toPlan);
  }

  async getPlan(id: string): Promise<IotPlan | undefined> {
    const r = await this.db.selectFrom('iot_plans').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toPlan(r);
  }

  async addStock(rows: Insertable<IotStockTable>[]): Promise<void> {
    for (const r of rows) await this.db.insertInto('iot_stock').values(r).onConflict((oc) => oc.column('id').doNothing()).execute();
  }

  /**
   * Takes `count` consecutive cards from the first range of the carrier that still holds that many. The offset only
   * moves forward under the row lock (PostgreSQL) or the single writer (SQLite): two batches never share a card.
   */
  async takeStock(carrier: string, count: number): Promise<{ firstBody: string; firstNumber: string; offset: number } | null> {
    let q = this.db.selectFrom('iot_stock').selectAll().where('carrier', '=', carrier).orderBy('id');
    if (this.forUpdate) q = q.forUpdate();
    const range = (await q.execute()).find((r) => r.size - r.next_offset >= count);
    if (!range) return null;
    const moved = await this.db.updateTable('iot_stock').set({ next_offset: range.next_offset + count })
      .where('id', '=', range.id).where('next_offset', '=', range.next_offset).executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return null;
    return { firstBody: range.first_body, firstNumber: range.first_number, offset: range.next_offset };
  }

  async stockLeft(carrier: string): Promise<number> {
    const rows = await this.db.selectFrom('iot_stock').select(['size', 'next_offset']).where('carrier', '=', carrier).execute();
    return rows.reduce((s, r) => s + r.size - r.next_offset, 0);
  }

  // ---- pools
  async insertPool(row: Insertable<IotPoolsTable>): Promise<void> {
    await this.db.insertInto('iot_pools').values(row).execute();
  }

  async getPool(id: string): Promise<PoolRow | undefined> {
    return this.db.selectFrom('iot_pools').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listPools(businessId: string): Promise<PoolRow[]> {
    return this.db.selectFrom('iot_pools').selectAll().where('business_id', '=', businessId).orderBy('created_at').execute();
  }

  async listAllPools(): Promise<PoolRow[]> {
    return this.db.selectFrom('iot_pools').selectAll().orderBy('id').execute();
  }

  /** The live cards of a pool: a card that was cancelled or closed no longer brings its quota. */
  async poolMembers(poolId: string): Promise<PoolMember[]> {
    const rows = await this.db.selectFrom('iot_cards').select(['id', 'quota_mb', 'monthly_fee_fen']).where('pool_id', '=', poolId)
      .where('state', 'not in', ['cancelled', 'account_closed']).orderBy('seq').execute();
    return rows.map((r) => ({ cardId: r.id, quotaMb: r.quota_mb, monthlyFeeFen: r.monthly_fee_fen }));
  }
}
