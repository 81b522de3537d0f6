import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, PaymentsTable } from './schema.ts';
import { insertRows, statement } from './compiled.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type PaymentRow = Selectable<PaymentsTable>;

const paymentById = statement<{ id: string }, PaymentRow>((db, p, shape) => {
  const q = db.selectFrom('payments').selectAll().where('id', '=', p('id'));
  return shape === 'lock' ? q.forUpdate() : q;
});
const captured = statement<{ id: string; tradeNo: string; now: number }, never>((db, p) =>
  db.updateTable('payments').set({ state: 'succeeded', channel_trade_no: p('tradeNo'), succeeded_at: p('now') }).where('id', '=', p('id')).where('state', 'in', ['created', 'closed']));
/**
 * The open state written into the text, not bound: a bound value could rule the partial index on open payments in
 * or out, so SQLite would compile the statement again at every run (several times the cost of running it).
 */
const OPEN = sql.lit('created') as unknown as 'created';

const closeOpenOfOrder = statement<{ orderId: string }, never>((db, p) =>
  db.updateTable('payments').set({ state: 'closed' }).where('order_id', '=', p('orderId')).where('state', '=', OPEN));

const paymentsOfOrder = statement<{ orderId: string }, PaymentRow>((db, p) => db.selectFrom('payments').selectAll().where('order_id', '=', p('orderId')).orderBy('created_at'));

export class PaymentRepo {
  constructor(private readonly db: Executor, private readonly forUpdate: boolean) {}

  async insertPayment(row: Insertable<PaymentsTable>): Promise<void> {
    await insertRows(this.db, 'payments', [row]);
  }

  async getPayment(id: string, lock = false): Promise<PaymentRow | undefined> {
    return paymentById.first(this.db, { id }, lock && this.forUpdate ? 'lock' : '');
  }

  /** Penalty payments of an account closure (its order's id, purpose 'penalty'). */
  async listPenaltyPayments(orderId: string): Promise<PaymentRow[]> {
    return this.db.selectFrom('payments').selectAll().where('order_id', '=', orderId).where('purpose', '=', 'penalty').orderBy('created_at').execute();
  }

  async listPayments(orderId: string): Promise<PaymentRow[]> {
    return paymentsOfOrder.rows(this.db, { orderId });
  }

  /**
   * Marks a payment captured; false when it already was (a repeated notification). A payment we closed
   * with its order can still be captured: the customer paid anyway, and that money must be refunded.
   */
  async markPaymentSucceeded(id: string, tradeNo: string, now: number): Promise<boolean> {
    return (await captured.changed(this.db, { id, tradeNo, now })) === 1;
  }

  async closeOpenPayments(orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    if (orderIds.length === 1) {
      await closeOpenOfOrder.run(this.db, { orderId: orderIds[0]! });
      return;
    }
    await this.db.updateTable('payments').set({ state: 'closed' }).where('order_id', 'in', orderIds).where('state', '=', OPEN).execute();
  }

  /**
   * Records one delivery of a channel notification by its nonce. False when the nonce was seen before:
   * the same signed message sent again is a replay, whatever it says.
   */
  async recordNotification(channel: string, nonce: string, paymentId: string, outcome: string, now: number): Promise<boolean> {
    return (await insertRows(this.db, 'payment_notifications', [{ channel, nonce, payment_id: paymentId, outcome, received_at: now }], { ignoreConflictOn: ['channel', 'nonce'] })) === 1;
  }

  async listNotifications(paymentId: string) {
    return this.db.selectFrom('payment_notifications').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute();
  }
}
