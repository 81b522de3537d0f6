// The staff desk's own reads and the plan rules' audit rows (migration 010): work lists by state for the
// fulfilment console and the returns desk, and the history of each plan's rule changes.
import type { Generated, Selectable } from 'kysely';
import type { Executor } from './store.ts';

export interface PlanRuleChangesTable {
  id: Generated<number>; plan_id: string; rule: string; old_value: string; new_value: string; changed_by: string; changed_at: number;
}
export type PlanRuleChangeRow = Selectable<PlanRuleChangesTable>;

export class DeskRepo {
  private readonly db;
  constructor(db: Executor) {
    this.db = db.withTables<{ plan_rule_changes: PlanRuleChangesTable }>();
  }

  async insertRuleChanges(rows: Omit<PlanRuleChangesTable, 'id'>[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('plan_rule_changes').values(rows).execute();
  }

  async listRuleChanges(limit: number): Promise<PlanRuleChangeRow[]> {
    return this.db.selectFrom('plan_rule_changes').selectAll().orderBy('changed_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** Orders in one state, first paid first (a pick or a scan does not send an order to the back), a page at a time. */
  async orderIdsInState(state: string, limit: number, offset: number): Promise<{ ids: string[]; total: number }> {
    const rows = await this.db.selectFrom('orders').select('id').where('state', '=', state)
      .orderBy('paid_at').orderBy('id').limit(limit).offset(offset).execute();
    const count = await this.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', state).executeTakeFirstOrThrow();
    return { ids: rows.map((r) => r.id), total: Number(count.n) };
  }
}
