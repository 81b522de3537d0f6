import { fail, type DomainError } from '../domain/errors.ts';
import type { PaymentChannel } from '../domain/order.ts';
import { inTx, newId, type Deps } from './deps.ts';

export interface StartedPayment {
  paymentNo: string;
  orderId: string;
  channel: PaymentChannel;
  amountFen: number;
  payUrl: string;
  expiresAt: number;
}

/** Opens a payment at the chosen channel for an unpaid order; the channel's notification completes it. */
export async function startPayment(deps: Deps, orderId: string, customerId: string, channel: PaymentChannel): Promise<StartedPayment | DomainError> {
  const now = deps.clock.now();
  const opened = await inTx(deps.store, async (r) => {
    const order = await r.orders.getOrder(orderId, true);
    if (!order || order.customerId !== customerId) return fail('ORDER.NOT_FOUND', 'No such order.', { orderId });
    if (order.state !== 'pending_payment') return fail('ORDER.NOT_PAYABLE', 'The order is not waiting for payment.', { state: order.state });
    if (now >= order.paymentDeadline) return fail('ORDER.NOT_PAYABLE', 'The payment deadline has passed.', { paymentDeadline: order.paymentDeadline });
    const paymentNo = newId('PAY', now);
    await r.payments.insertPayment({ id: paymentNo, order_id: order.id, channel, amount_fen: order.amountFen, state: 'created', channel_trade_no: null, created_at: now, succeeded_at: null });
    return { paymentNo, order };
  });
  if ('kind' in opened) return opened;
  const { paymentNo, order } = opened;
  const { payUrl } = await deps.payments[channel].createPayment({ paymentNo, amountFen: order.amountFen, subject: `号卡 ${order.number}`, expiresAt: order.paymentDeadline });
  return { paymentNo, orderId: order.id, channel, amountFen: order.amountFen, payUrl, expiresAt: order.paymentDeadline };
}
