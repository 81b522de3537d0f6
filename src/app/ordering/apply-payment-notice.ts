import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { applyCapturedPayment, type NoticeOutcome } from './capture-payment.ts';

export type { NoticeOutcome };

/**
 * Applies a channel's payment notification exactly once. Channels resend until acknowledged, so a fresh
 * delivery of a known payment is acknowledged with no second effect; a byte-for-byte replay (same nonce)
 * is refused. Money that arrives for an order that already closed is refunded, never kept.
 */
export async function applyPaymentNotice(deps: Deps, channel: PaymentChannel, headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<{ outcome: NoticeOutcome; orderId: string } | DomainError> {
  const now = deps.clock.now();
  const notice = deps.payments[channel].verifyNotification(headers, rawBody, now);
  if (isError(notice)) return notice;
  const settings = await deps.settings.get();
  return inTx(deps.store, async (r) => {
    const payment = await r.payments.getPayment(notice.paymentNo, true);
    if (!payment) return fail('PAYMENT.NOT_FOUND', 'No such payment.', { paymentNo: notice.paymentNo });
    if (payment.channel !== channel) return fail('PAYMENT.CHANNEL_MISMATCH', 'The payment was opened at another channel.', { paymentNo: payment.id });
    if (payment.amount_fen !== notice.amountFen) {
      return fail('PAYMENT.AMOUNT_MISMATCH', 'The notified amount differs from the payment.', { expectedFen: payment.amount_fen, notifiedFen: notice.amountFen });
    }
    const captured = await r.payments.markPaymentSucceeded(payment.id, notice.tradeNo, now);
    const outcome: NoticeOutcome = !captured ? 'duplicate' : 'paid';
    if (!(await r.payments.recordNotification(channel, notice.nonce, payment.id, outcome, now))) {
      return fail('PAYMENT.REPLAYED', 'This notification was already received.', { nonce: notice.nonce });
    }
    if (!captured) return { outcome, orderId: payment.order_id };
    return { outcome: await applyCapturedPayment(r, payment, now, settings), orderId: payment.order_id };
  });
}
