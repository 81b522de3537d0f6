// Durable timers and the outbox: rows written with the state that needs them, claimed with a lease.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, OutboxTable, TimersTable } from './schema.ts';
import { currentRequestId } from '../request-context.ts';
import { chunks } from './order-repo.ts';
import { listRows, type Engine } from './db.ts';
import { insertRows, statement } from './compiled.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type TimerRow = Selectable<TimersTable>;
export type OutboxRow = Selectable<OutboxTable>;

/** An order's timers of some kinds; shape `<orders>:<kinds>`. */
const deleteOrderTimers = statement<Record<string, string>, never>((db, p, shape) => {
  const [orders, kinds] = shape.split(':').map(Number) as [number, number];
  return db.deleteFrom('timers').where('order_id', 'in', Array.from({ length: orders }, (_, i) => p(`o${i}`)))
    .where('kind', 'in', Array.from({ length: kinds }, (_, i) => p(`k${i}`)));
});

export class QueueRepo {
  constructor(private readonly db: Executor, private readonly skipLocked: boolean, private readonly engine: Engine = skipLocked ? 'postgres' : 'sqlite') {}

  async insertTimers(rows: Insertable<TimersTable>[]): Promise<void> {
    for (const c of chunks(rows)) await insertRows(this.db, 'timers', c);
  }

  async deleteTimers(orderIds: string[], kinds: string[]): Promise<void> {
    if (kinds.length === 0) return;
    for (const c of chunks(orderIds)) {
      if (c.length > 4 || kinds.length > 8) {
        await this.db.deleteFrom('timers').where('order_id', 'in', c).where('kind', 'in', kinds).execute();
        continue;
      }
      const values: Record<string, string> = {};
      c.forEach((id, i) => { values[`o${i}`] = id; });
      kinds.forEach((k, i) => { values[`k${i}`] = k; });
      await deleteOrderTimers.run(this.db, values, `${c.length}:${kinds.length}`);
    }
  }

  async deleteTimersById(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    // One list parameter: a worker's batch of 500 is one short statement, compiled once.
    await this.db.deleteFrom('timers').where('id', 'in', sql<number>`(select value from ${listRows(this.engine, ids)})`).execute();
  }

  /**
   * Claims due timers for `leaseMs`. A claim that is not finished (the process died) expires and the timer
   * is claimed again; with several workers on PostgreSQL, SKIP LOCKED hands each timer to one of them.
   */
  /** Due timers not set aside, oldest first; inside a transaction that handles and deletes them (PostgreSQL: skips rows another holds). */
  async takeDueTimers(now: number, limit: number): Promise<TimerRow[]> {
    let q = this.db.selectFrom('timers').selectAll().where('due_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('due_at').orderBy('id').limit(limit);
    if (this.skipLocked) q = q.forUpdate().skipLocked();
    return q.execute();
  }

  /** These timers if they are still there and not set aside, inside a transaction as above. */
  async takeTimersById(ids: number[], now: number): Promise<TimerRow[]> {
    if (ids.length === 0) return [];
    let q = this.db.selectFrom('timers').selectAll().where('id', 'in', ids)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]));
    if (this.skipLocked) q = q.forUpdate().skipLocked();
    return q.execute();
  }

  /** Timers whose handling failed wait until `until` before they are taken again; `attempts` counts the failures. */
  async setAsideTimers(ids: number[], until: number): Promise<void> {
    for (const c of chunks(ids)) await this.db.updateTable('timers').set({ claimed_until: until, attempts: sql`attempts + 1` }).where('id', 'in', c).execute();
  }

  async nextTimerDue(): Promise<number | null> {
    const r = await this.db.selectFrom('timers').select('due_at').orderBy('due_at').limit(1).executeTakeFirst();
    return r ? r.due_at : null;
  }

  async countTimers(orderId?: string): Promise<number> {
    let q = this.db.selectFrom('timers').select(sql<number>`count(*)`.as('n'));
    if (orderId) q = q.where('order_id', '=', orderId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  async listTimers(orderId: string): Promise<TimerRow[]> {
    return this.db.selectFrom('timers').selectAll().where('order_id', '=', orderId).orderBy('due_at').execute();
  }

  // ---- outbox
  async insertOutbox(rows: Insertable<OutboxTable>[]): Promise<void> {
    const requestId = currentRequestId();
    const stamped = requestId ? rows.map((r) => ({ request_id: requestId, ...r })) : rows;
    for (const c of chunks(stamped)) await insertRows(this.db, 'outbox', c);
  }

  async claimOutbox(now: number, limit: number, leaseMs: number): Promise<OutboxRow[]> {
    let due = this.db.selectFrom('outbox').select('id').where('delivered_at', 'is', null).where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('next_attempt_at').orderBy('id').limit(limit);
    if (this.skipLocked) due = due.forUpdate().skipLocked();
    // RETURNING gives no order; effects go out in the order they were written.
    const rows = await this.db.updateTable('outbox').set({ claimed_until: now + leaseMs, attempts: sql`attempts + 1` })
      .where('id', 'in', due).returningAll().execute();
    return rows.sort((a, b) => a.id - b.id);
  }

  async markDelivered(ids: number[], now: number): Promise<void> {
    for (const c of chunks(ids)) await this.db.updateTable('outbox').set({ delivered_at: now, claimed_until: null }).where('id', 'in', c).execute();
  }

  async markFailed(id: number, error: string, nextAttemptAt: number): Promise<void> {
    await this.db.updateTable('outbox').set({ last_error: error.slice(0, 500), next_attempt_at: nextAttemptAt, claimed_until: null }).where('id', '=', id).execute();
  }

  async outboxBacklog(): Promise<number> {
    const r = await this.db.selectFrom('outbox').select(sql<number>`count(*)`.as('n')).where('delivered_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async listOutbox(orderId: string): Promise<OutboxRow[]> {
    return this.db.selectFrom('outbox').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
  }
}
