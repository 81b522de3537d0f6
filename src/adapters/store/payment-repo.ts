import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB, PaymentsTable } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type PaymentRow = Selectable<PaymentsTable>;

export class PaymentRepo {
  constructor(private readonly db: Executor, private readonly forUpdate: boolean) {}

  async insertPayment(row: Insertable<PaymentsTable>): Promise<void> {
    await this.db.insertInto('payments').values(row).execute();
  }

  async getPayment(id: string, lock = false): Promise<PaymentRow | undefined> {
    let q = this.db.selectFrom('payments').selectAll().where('id', '=', id);
    if (lock && this.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** Penalty payments of an account closure (its order's id, purpose 'penalty'). */
  async listPenaltyPayments(orderId: string): Promise<PaymentRow[]> {
    return this.db.selectFrom('payments').selectAll().where('order_id', '=', orderId).where('purpose', '=', 'penalty').orderBy('created_at').execute();
  }

  async listPayments(orderId: string): Promise<PaymentRow[]> {
    return this.db.selectFrom('payments').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute();
  }

  /**
   * Marks a payment captured; false when it already was (a repeated notification). A payment we closed
   * with its order can still be captured: the customer paid anyway, and that money must be refunded.
   */
  async markPaymentSucceeded(id: string, tradeNo: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('payments').set({ state: 'succeeded', channel_trade_no: tradeNo, succeeded_at: now })
      .where('id', '=', id).where('state', 'in', ['created', 'closed']).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async closeOpenPayments(orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await this.db.updateTable('payments').set({ state: 'closed' }).where('order_id', 'in', orderIds).where('state', '=', 'created').execute();
  }

  /**
   * Records one delivery of a channel notification by its nonce. False when the nonce was seen before:
   * the same signed message sent again is a replay, whatever it says.
   */
  async recordNotification(channel: string, nonce: string, paymentId: string, outcome: string, now: number): Promise<boolean> {
    const r = await this.db.insertInto('payment_notifications').values({ channel, nonce, payment_id: paymentId, outcome, received_at: now })
      .onConflict((oc) => oc.columns(['channel', 'nonce']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async listNotifications(paymentId: string) {
    return this.db.selectFrom('payment_notifications').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute();
  }
}
