// Refund attempts, their history and the channel notifications already applied.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { DB, RefundEventsTable, RefundsTable } from './schema.ts';
import { insertRows, statement } from './compiled.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type RefundRow = Selectable<RefundsTable>;
export type RefundEventRow = Selectable<RefundEventsTable>;
export type RefundPatch = Omit<Updateable<RefundsTable>, 'id' | 'state' | 'order_id' | 'payment_id' | 'channel' | 'amount_fen'>;

const refundById = statement<{ id: string }, Selectable<RefundsTable>>((db, p, shape) => {
  const q = db.selectFrom('refunds').selectAll().where('id', '=', p('id'));
  return shape === 'lock' ? q.forUpdate() : q;
});

const refundsOfPayment = statement<{ paymentId: string }, RefundRow>((db, p) => db.selectFrom('refunds').selectAll().where('payment_id', '=', p('paymentId')).orderBy('created_at'));
const refundsOfOrder = statement<{ orderId: string }, RefundRow>((db, p) => db.selectFrom('refunds').selectAll().where('order_id', '=', p('orderId')).orderBy('created_at').orderBy('attempt'));

/** An attempt moved if still in one of the states given; shape `<states>:<col>,<col>` (the patch's columns). */
const moveRefundIfIn = statement<Record<string, unknown>, never>((db, p, shape) => {
  const [n, list] = shape.split(':') as [string, string];
  const set = Object.fromEntries(list.split(',').filter((c) => c !== '').map((c) => [c, p(`set.${c}`)]));
  return db.updateTable('refunds').set({ ...set, state: p('to') as string, updated_at: p('now') as number } as never)
    .where('id', '=', p('id') as string).where('state', 'in', Array.from({ length: Number(n) }, (_, i) => p(`from.${i}`) as string));
});

export class RefundRepo {
  constructor(private readonly db: Executor, private readonly forUpdate: boolean) {}

  /** Inserts an attempt under its request number; false if that number (or a retry of the same attempt) exists. */
  async insertRefund(row: Insertable<RefundsTable>): Promise<boolean> {
    return (await insertRows(this.db, 'refunds', [row], { ignoreConflictOn: 'any' })) === 1;
  }

  async getRefund(id: string, lock = false): Promise<RefundRow | undefined> {
    return refundById.first(this.db, { id }, lock && this.forUpdate ? 'lock' : '');
  }

  async listRefunds(orderId: string): Promise<RefundRow[]> {
    return refundsOfOrder.rows(this.db, { orderId });
  }

  async listByPayment(paymentId: string): Promise<RefundRow[]> {
    return refundsOfPayment.rows(this.db, { paymentId });
  }

  async successorOf(id: string): Promise<RefundRow | undefined> {
    return this.db.selectFrom('refunds').selectAll().where('previous_refund_id', '=', id).executeTakeFirst();
  }

  /** Ended attempts that nobody has retried yet, oldest first: the agents' list of refunds to redo. */
  async listAwaitingRetry(limit: number): Promise<RefundRow[]> {
    return this.db.selectFrom('refunds as r').selectAll('r').where('r.state', 'in', ['failed', 'closed'])
      .where((eb) => eb.not(eb.exists(eb.selectFrom('refunds as n').select('n.id').whereRef('n.previous_refund_id', '=', 'r.id'))))
      .orderBy('r.updated_at').limit(limit).execute();
  }

  /** Moves an attempt if it is still in one of `from`; false when it had already moved (a repeat or a race). */
  async moveRefund(id: string, from: readonly string[], to: string, patch: RefundPatch, now: number): Promise<boolean> {
    const p = patch as Record<string, unknown>;
    const cols = Object.keys(p).filter((k) => p[k] !== undefined);
    const values: Record<string, unknown> = { id, to, now };
    for (const c of cols) values[`set.${c}`] = p[c];
    from.forEach((s, i) => { values[`from.${i}`] = s; });
    return (await moveRefundIfIn.changed(this.db, values, `${from.length}:${cols.join(',')}`)) === 1;
  }

  async patchRefund(id: string, patch: RefundPatch): Promise<void> {
    await this.db.updateTable('refunds').set(patch).where('id', '=', id).execute();
  }

  /**
   * Claims refunds whose check is due, pushing their check `leaseMs` ahead: a worker that dies mid-check
   * leaves the refund to be checked again later, and concurrent workers (SKIP LOCKED) take different ones.
   */
  async claimDueChecks(now: number, limit: number, leaseMs: number): Promise<RefundRow[]> {
    let due = this.db.selectFrom('refunds').select('id').where('next_check_at', 'is not', null).where('next_check_at', '<=', now)
      .orderBy('next_check_at').limit(limit);
    if (this.forUpdate) due = due.forUpdate().skipLocked();
    return this.db.updateTable('refunds').set({ next_check_at: now + leaseMs, checks: sql`checks + 1` })
      .where('id', 'in', due).returningAll().execute();
  }

  // ---- history
  async insertEvents(rows: Insertable<RefundEventsTable>[]): Promise<void> {
    await insertRows(this.db, 'refund_events', rows);
  }

  async listEventsOfOrder(orderId: string): Promise<RefundEventRow[]> {
    return this.db.selectFrom('refund_events').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
  }

  // ---- channel notifications
  /** Records a notification by the channel's own id; false when it was applied before (channels resend). */
  async recordNotification(channel: string, notifyId: string, refundId: string, outcome: string, now: number): Promise<boolean> {
    const r = await this.db.insertInto('refund_notifications').values({ channel, notify_id: notifyId, refund_id: refundId, outcome, received_at: now })
      .onConflict((oc) => oc.columns(['channel', 'notify_id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
}
