// Plans' eligibility rules and their change log, the platform blacklist (hashes only) and its hits (migration 019).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../schema.ts';

export interface PlanEligibilityTable { plan_id: string; rules: string; source: string; updated_at: number; updated_by: string }
export interface PlanEligibilityChangesTable { id: number; plan_id: string; changed_by: string; changed_at: number; before: string | null; after: string }
export interface BlacklistTable { id: number; kind: string; value_hash: string; masked: string; note: string; created_by: string; created_at: number; removed_at: number | null }
export interface BlacklistHitsTable { id: number; entry_id: number; kind: string; plan_id: string; customer_id: string | null; at: number }

interface EligibilityTables {
  plan_eligibility: PlanEligibilityTable;
  plan_eligibility_changes: PlanEligibilityChangesTable;
  blacklist: BlacklistTable;
  blacklist_hits: BlacklistHitsTable;
}
type EDB = DB & EligibilityTables;
type Executor = Kysely<DB> | Transaction<DB>;
export type BlacklistRow = Selectable<BlacklistTable>;

/** Orders that count toward "one per ID per carrier": those paid, or waiting for payment (not abandoned or refused). */
const NOT_COUNTED = ['customer_abandoned', 'payment_timeout', 'supplier_rejected'];

export class EligibilityRepo {
  private readonly db: Kysely<EDB> | Transaction<EDB>;

  constructor(db: Executor) {
    this.db = db as unknown as Kysely<EDB>;
  }

  async getRules(planId: string): Promise<Selectable<PlanEligibilityTable> | undefined> {
    return this.db.selectFrom('plan_eligibility').selectAll().where('plan_id', '=', planId).executeTakeFirst();
  }

  /** Writes the plan's rules and the change (before, after, who, when); call inside the caller's transaction. */
  async putRules(planId: string, rules: string, source: string, by: string, now: number): Promise<boolean> {
    const before = await this.getRules(planId);
    if (before?.rules === rules) return false;
    if (before) await this.db.updateTable('plan_eligibility').set({ rules, source, updated_at: now, updated_by: by }).where('plan_id', '=', planId).execute();
    else await this.db.insertInto('plan_eligibility').values({ plan_id: planId, rules, source, updated_at: now, updated_by: by }).execute();
    await this.db.insertInto('plan_eligibility_changes').values({ plan_id: planId, changed_by: by, changed_at: now, before: before?.rules ?? null, after: rules } as never).execute();
    return true;
  }

  async changes(planId: string): Promise<Selectable<PlanEligibilityChangesTable>[]> {
    return this.db.selectFrom('plan_eligibility_changes').selectAll().where('plan_id', '=', planId).orderBy('id').execute();
  }

  async recentOrders(idHash: string, carrier: string, since: number): Promise<number> {
    const r = await this.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id_hash', '=', idHash).where('carrier', '=', carrier).where('created_at', '>=', since)
      .where((eb) => eb.or([eb('close_reason', 'is', null), eb('close_reason', 'not in', NOT_COUNTED)]))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // ---- the blacklist
  async addEntry(e: { kind: string; value_hash: string; masked: string; note: string; created_by: string; created_at: number }): Promise<number> {
    const r = await this.db.insertInto('blacklist').values({ ...e, removed_at: null } as never).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async removeEntry(id: number, now: number): Promise<boolean> {
    const r = await this.db.updateTable('blacklist').set({ removed_at: now }).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async entries(): Promise<BlacklistRow[]> {
    return this.db.selectFrom('blacklist').selectAll().where('removed_at', 'is', null).orderBy('id').execute();
  }

  /** Live entries matching any of the hashes given, by kind. */
  async matches(hashes: { kind: string; hash: string }[]): Promise<BlacklistRow[]> {
    if (hashes.length === 0) return [];
    return this.db.selectFrom('blacklist').selectAll().where('removed_at', 'is', null)
      .where((eb) => eb.or(hashes.map((h) => eb.and([eb('kind', '=', h.kind), eb('value_hash', '=', h.hash)])))).execute();
  }

  async recordHit(h: { entry_id: number; kind: string; plan_id: string; customer_id: string | null; at: number }): Promise<void> {
    await this.db.insertInto('blacklist_hits').values(h as never).execute();
  }

  async hits(limit = 100): Promise<Selectable<BlacklistHitsTable>[]> {
    return this.db.selectFrom('blacklist_hits').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }
}
