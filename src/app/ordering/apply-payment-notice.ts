import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { refusePush } from '../platform/push-refusals.ts';
import { checkPushText, PUSH_REF_MAX } from '../../domain/policies/partner-push.ts';
import { applyCapturedPayment, type NoticeOutcome } from './capture-payment.ts';
import { applyIotPaymentNotice, isIotPayment } from '../iot/payment-notice.ts';

export type { NoticeOutcome };

/**
 * Applies a channel's payment notification exactly once. Channels resend until acknowledged, so a fresh
 * delivery of a known payment is acknowledged with no second effect; a byte-for-byte replay (same nonce)
 * is refused. Money that arrives for an order that already closed is refunded, never kept. A notice is a claim:
 * its state must be a success, its amount the payment's, its trade the one that paid it (a refusal is logged,
 * counted and answered 4xx, nothing written).
 */
export async function applyPaymentNotice(deps: Deps, channel: PaymentChannel, headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<{ outcome: NoticeOutcome; orderId: string } | DomainError> {
  const now = deps.clock.now();
  const notice = deps.payments[channel].verifyNotification(headers, rawBody, now);
  if (isError(notice)) return refusePush(deps.log, 'payment', notice);
  // The trade number is kept on the payment and shown to staff: whatever adapter read it, it stays a short reference.
  const tradeNo = checkPushText('trade_no', notice.tradeNo, PUSH_REF_MAX);
  if (isError(tradeNo) || tradeNo.text === null) return refusePush(deps.log, 'payment', isError(tradeNo) ? tradeNo : fail('CALLBACK.INVALID_FIELD', 'trade_no is empty.', { field: 'trade_no' }));
  // A business's batch payment comes through the same channel notification; its own use case applies it.
  if (isIotPayment(notice.paymentNo)) return applyIotPaymentNotice(deps, channel, notice).then((out) => (isError(out) ? refusePush(deps.log, 'payment', out) : out));
  const settings = await deps.settings.get();
  let orderId: string | null = null;
  const out = await inTx(deps.store, async (r): Promise<{ outcome: NoticeOutcome; orderId: string } | DomainError> => {
    const payment = await r.payments.getPayment(notice.paymentNo, true);
    if (!payment) return fail('PAYMENT.NOT_FOUND', 'No such payment.', { paymentNo: notice.paymentNo });
    orderId = payment.order_id;
    if (payment.channel !== channel) return fail('PAYMENT.CHANNEL_MISMATCH', 'The payment was opened at another channel.', { paymentNo: payment.id });
    if (payment.amount_fen !== notice.amountFen) {
      return fail('PAYMENT.AMOUNT_MISMATCH', 'The notified amount differs from the payment.', { expectedFen: payment.amount_fen, notifiedFen: notice.amountFen });
    }
    // A paid payment has one trade at the channel: a notice naming another one is not about this money.
    if (payment.state === 'succeeded' && payment.channel_trade_no !== null && payment.channel_trade_no !== notice.tradeNo) {
      return fail('PAYMENT.TRADE_MISMATCH', 'The notified trade is not the one that paid this payment.', { paymentNo: payment.id });
    }
    const captured = await r.payments.markPaymentSucceeded(payment.id, notice.tradeNo, now);
    const outcome: NoticeOutcome = !captured ? 'duplicate' : 'paid';
    if (!(await r.payments.recordNotification(channel, notice.nonce, payment.id, outcome, now))) {
      return fail('PAYMENT.REPLAYED', 'This notification was already received.', { nonce: notice.nonce });
    }
    if (!captured) return { outcome, orderId: payment.order_id };
    return { outcome: await applyCapturedPayment(r, payment, now, settings), orderId: payment.order_id };
  });
  return isError(out) ? refusePush(deps.log, 'payment', out, orderId) : out;
}
