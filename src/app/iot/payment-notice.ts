// A channel's notification of a batch's payment: the same signed notification as a card order's, told apart by
// the payment number's prefix. Applied exactly once (nonce kept, payment moved only while open); a notice is a
// claim: amount, channel and trade must fit the payment.
import { fail, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import type { PaymentNotice } from '../platform/ports.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { markBatchPaid } from './batches.ts';
import { startCardRefund } from './job-steps.ts';

export const IOT_PAYMENT_PREFIX = 'IOTPAY';

export const isIotPayment = (paymentNo: string): boolean => paymentNo.startsWith(IOT_PAYMENT_PREFIX);

export async function applyIotPaymentNotice(deps: Deps, channel: PaymentChannel, notice: PaymentNotice): Promise<{ outcome: 'paid' | 'duplicate' | 'refunded_late_payment'; orderId: string } | DomainError> {
  const now = deps.clock.now();
  return inTx(deps.store, async (r) => {
    const iot = iotRepos(r);
    const payment = await iot.cards.getPayment(notice.paymentNo, true);
    if (!payment) return fail('PAYMENT.NOT_FOUND', 'No such payment.', { paymentNo: notice.paymentNo });
    if (payment.channel !== channel) return fail('PAYMENT.CHANNEL_MISMATCH', 'The payment was opened at another channel.', { paymentNo: payment.id });
    if (payment.amount_fen !== notice.amountFen) return fail('PAYMENT.AMOUNT_MISMATCH', 'The notified amount differs from the payment.', { expectedFen: payment.amount_fen, notifiedFen: notice.amountFen });
    if (payment.state === 'succeeded' && payment.trade_no !== null && payment.trade_no !== notice.tradeNo) {
      return fail('PAYMENT.TRADE_MISMATCH', 'The notified trade is not the one that paid this payment.', { paymentNo: payment.id });
    }
    const captured = await iot.cards.markPaymentSucceeded(payment.id, notice.tradeNo, null, now);
    if (!(await iot.cards.recordNotice(channel, notice.nonce, payment.id, now))) return fail('PAYMENT.REPLAYED', 'This notification was already received.', { nonce: notice.nonce });
    if (!captured) return { outcome: 'duplicate' as const, orderId: payment.batch_id };
    const batch = await iot.cards.getBatch(payment.batch_id, true);
    if (batch?.state === 'cancelled') {
      // Money for a batch released before it was paid is never kept: it goes back whole, under its own refund number.
      await startCardRefund(r, { id: `batch:${batch.id}`, batch_id: batch.id }, payment, payment.amount_fen, 'late_payment', now);
      deps.log.info({ batchId: batch.id, paymentNo: payment.id }, 'IoT batch paid after it was cancelled; refunded');
      return { outcome: 'refunded_late_payment' as const, orderId: payment.batch_id };
    }
    if (batch) await markBatchPaid(deps, r, batch, { type: 'system', id: channel }, now, `payment ${payment.id} (${channel} trade ${notice.tradeNo})`);
    return { outcome: 'paid' as const, orderId: payment.batch_id };
  });
}
