import { fail, type DomainError } from '../../domain/errors.ts';
import type { Order, PaymentChannel } from '../../domain/order.ts';
import { inTx, newId, type Deps, type Receipt } from '../platform/deps.ts';
import { refuseUnoffered } from '../platform/offered-channels.ts';

export interface StartedPayment {
  paymentNo: string;
  orderId: string;
  channel: PaymentChannel;
  amountFen: number;
  payUrl: string;
  expiresAt: number;
}

function payable(order: Order | undefined | null, customerId: string, orderId: string, now: number): DomainError | null {
  if (!order || order.customerId !== customerId) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
  if (order.state !== 'pending_payment') return fail('ORDER.NOT_PAYABLE', 'The order is not waiting for payment.', { state: order.state });
  if (now >= order.paymentDeadline) return fail('ORDER.NOT_PAYABLE', 'The payment deadline has passed.', { paymentDeadline: order.paymentDeadline });
  return null;
}

/**
 * Opens a payment at the chosen channel for an unpaid order; the channel's notification completes it. The
 * channel is asked first, outside any transaction (it is a remote call), and the payment row is written after
 * it, with the caller's receipt: the answer carries the channel's pay URL. A payment the channel opened but
 * that we then refuse (the order was paid or closed meanwhile) was never shown to the customer and lapses there.
 */
export async function startPayment(deps: Deps, orderId: string, customerId: string, channel: PaymentChannel, receipt?: Receipt<StartedPayment>): Promise<StartedPayment | DomainError> {
  const now = deps.clock.now();
  const seen = await deps.store.orders.getOrder(orderId);
  const refused = payable(seen, customerId, orderId, now) ?? refuseUnoffered(deps, channel);
  if (refused) return refused;
  const paymentNo = newId('PAY', now);
  const { payUrl } = await deps.payments[channel].createPayment({ paymentNo, amountFen: seen!.amountFen, subject: `号卡 ${seen!.number}`, expiresAt: seen!.paymentDeadline });
  return inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    const stale = payable(order, customerId, orderId, now);
    if (stale) return stale;
    // The channel was asked for the amount and expiry read before: an order changed since is asked again.
    if (order!.amountFen !== seen!.amountFen || order!.paymentDeadline !== seen!.paymentDeadline) return fail('ORDER.CONCURRENT_UPDATE', 'The order changed meanwhile; try again.');
    await r.payments.insertPayment({ id: paymentNo, order_id: order!.id, channel, amount_fen: order!.amountFen, state: 'created', channel_trade_no: null, created_at: now, succeeded_at: null });
    return { paymentNo, orderId: order!.id, channel, amountFen: order!.amountFen, payUrl, expiresAt: order!.paymentDeadline };
  }, receipt);
}
