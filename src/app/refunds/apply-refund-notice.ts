// A channel's refund-result notification (WeChat Pay's REFUND.SUCCESS / ABNORMAL / CLOSED), applied once.
// WeChat resends until acknowledged and deliveries of several refunds arrive in any order; a notification
// may even overtake our own record of the channel's "accepted" answer. Each is verified, remembered by
// its notification id, and moves the attempt only if the state table allows it: the first ending wins.
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import type { PaymentChannel } from '../../domain/order.ts';
import { recordRefundOutcome } from './refund-outcome.ts';
import { inTx, type Deps } from '../platform/deps.ts';
import { refusePush } from '../platform/push-refusals.ts';
import { applyIotRefundNotice, isIotRefund } from '../iot/refund-notice.ts';

export type RefundNoticeOutcome = 'applied' | 'duplicate';

export async function applyRefundNotice(deps: Deps, channel: PaymentChannel, headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<{ outcome: RefundNoticeOutcome; refundNo: string } | DomainError> {
  const port = deps.payments[channel];
  if (!port.verifyRefundNotification) return fail('REQUEST.NOT_FOUND', 'This channel does not notify refund results.', { channel });
  const now = deps.clock.now();
  const notice = port.verifyRefundNotification(headers, rawBody, now);
  if (isError(notice)) return refusePush(deps.log, 'refund', notice);
  // A refund of a business's IoT card: its own use case applies the notice.
  if (isIotRefund(notice.refundNo)) return applyIotRefundNotice(deps, channel, notice).then((out) => (isError(out) ? refusePush(deps.log, 'refund', out) : out));
  let orderId: string | null = null;
  const out = await inTx(deps.store, async (r): Promise<{ outcome: RefundNoticeOutcome; refundNo: string } | DomainError> => {
    const refund = await r.refunds.getRefund(notice.refundNo, true);
    if (!refund) return fail('REFUND.NOT_FOUND', 'No such refund.', { refundNo: notice.refundNo });
    orderId = refund.order_id;
    // The channel's refund number, once it gave one, names this refund: a notice with another is about other money.
    const otherRefund = refund.channel_refund_no !== null && refund.channel_refund_no !== notice.channelRefundNo;
    if (refund.channel !== channel || refund.payment_id !== notice.paymentNo || otherRefund) {
      return fail('PAYMENT.CHANNEL_MISMATCH', 'The notification does not match the refund it names.', { refundNo: refund.id });
    }
    if (refund.amount_fen !== notice.amountFen) {
      return fail('PAYMENT.AMOUNT_MISMATCH', 'The notified amount differs from the refund.', { expectedFen: refund.amount_fen, notifiedFen: notice.amountFen });
    }
    const outcome = notice.status === 'succeeded'
      ? { to: 'succeeded' as const, channelRefundNo: notice.channelRefundNo }
      : { to: notice.status, error: notice.error ?? notice.status };
    const fresh = await r.refunds.recordNotification(channel, notice.notifyId, refund.id, notice.status, now);
    const moved = fresh && (await recordRefundOutcome(r, refund.id, outcome, 'notification', now));
    if (fresh && !moved && refund.state !== notice.status) {
      // A channel contradicting an outcome it already gave is a channel bug: keep ours, make it visible.
      deps.log.warn({ refundNo: refund.id, state: refund.state, notified: notice.status }, 'refund notification contradicts the recorded outcome');
    }
    return { outcome: moved ? 'applied' : 'duplicate', refundNo: refund.id };
  });
  return isError(out) ? refusePush(deps.log, 'refund', out, orderId) : out;
}
